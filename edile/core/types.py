"""Types shared by every app.

`User` is what a service or selector receives as `actor` or `user`: the signed-in person
(`accounts.User`) or the anonymous visitor. It is a protocol, so that `core` need not import
`accounts`: anything with these attributes is accepted, and mypy checks the calls.
"""

from __future__ import annotations

from typing import Any, Protocol


class User(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...
