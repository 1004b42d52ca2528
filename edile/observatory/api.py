"""The observatory API: one ninja Router mounted at /api/v1/observatory/."""

from ninja import Router

router = Router(tags=["observatory"])
