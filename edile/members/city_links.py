"""Links other apps add to a member city's page (for example governance's "your delegation to
the congress"), so that the city page can point to them without members importing those apps:
an app registers, in its `AppConfig.ready`, a function that answers the links a reader may
follow for a city. This module imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CityLink:
    label: str
    url: str


CityLinkSource = Callable[[Any, Any], Iterable[CityLink]]

_sources: list[CityLinkSource] = []


def register(source: CityLinkSource) -> None:
    """Register `source(user, local_government)`; registering the same function again is fine."""
    if source not in _sources:
        _sources.append(source)


def links_for(user: Any, local_government: Any) -> list[CityLink]:
    """The links every registered app offers this reader on this city's page, in order."""
    return [link for source in _sources for link in source(user, local_government)]
