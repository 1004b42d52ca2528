"""The datagov API: one ninja Router mounted at /api/v1/datagov/."""

from ninja import Router

router = Router(tags=["datagov"])
