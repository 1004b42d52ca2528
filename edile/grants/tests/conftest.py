from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Service messages are asserted in English (the msgid language); pages pick theirs by URL."""
    with translation.override("en"):
        yield
