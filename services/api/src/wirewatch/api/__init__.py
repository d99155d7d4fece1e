"""wirewatch api service."""
