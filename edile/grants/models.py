"""Grants: models (to be built, see the issue)."""
