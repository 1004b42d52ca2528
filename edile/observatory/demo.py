"""Demo data for observatory: loaded by `manage.py load_demo`; running it twice changes nothing."""

from typing import TextIO


def load(out: TextIO) -> None:
    """Nothing yet."""
