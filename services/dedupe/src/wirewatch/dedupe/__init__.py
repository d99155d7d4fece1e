"""wirewatch dedupe service."""
