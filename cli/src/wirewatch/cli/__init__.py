"""The wirewatch command line: the composition root that runs and drives the services."""
