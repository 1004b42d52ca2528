"""Observatory of Mayors in Danger: models (to be built, see the issue)."""
