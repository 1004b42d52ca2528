"""Benchmarks for governance, run by `make bench`."""

from typing import TextIO


def run(out: TextIO) -> None:
    """Nothing yet."""
