"""wirewatch enrich service."""
