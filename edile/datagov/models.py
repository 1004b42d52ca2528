"""Urban data governance: models (to be built, see the issue)."""
