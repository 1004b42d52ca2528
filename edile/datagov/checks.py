"""System checks: every retention target of the register of processing has a handler."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register()
def retention_targets_have_handlers(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from edile.core import retention
    from edile.datagov.models import RetentionTarget

    missing = sorted(set(RetentionTarget.values) - retention.registered_targets())
    return [
        Error(
            f"Retention target {target!r} has no handler.",
            hint="Register one with edile.core.retention.register() in its app's AppConfig.ready.",
            id="datagov.E001",
        )
        for target in missing
    ]
