"""The grants API: one ninja Router mounted at /api/v1/grants/."""

from ninja import Router

router = Router(tags=["grants"])
