"""wirewatch notify service."""
