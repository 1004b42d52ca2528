"""The governance API: one ninja Router mounted at /api/v1/governance/."""

from ninja import Router

router = Router(tags=["governance"])
