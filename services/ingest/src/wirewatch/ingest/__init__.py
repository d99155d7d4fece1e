"""wirewatch ingest service."""
