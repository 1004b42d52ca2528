"""Keeps the dashboard's monthly summary honest: any save or delete of a request, emptying,
trip, load or reception marks its months stale (recomputed on the next read or by the task).
Bulk writes bypass signals: whoever writes in bulk calls `summary.rebuild` (bench, demo)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save


def _request(instance: Any, **kwargs: Any) -> None:
    from edile.sanitation import summary

    summary.mark_stale(instance.local_government_id, [instance.created_at])


def _emptying(instance: Any, **kwargs: Any) -> None:
    from edile.sanitation import summary

    days = [instance.emptied_on]
    if instance.request_id:
        days.append(getattr(instance.request, "created_at", None))
    summary.mark_stale(instance.local_government_id, days)


def _trip_days(trip_id: int | None) -> list[Any]:
    from edile.sanitation.models import EmptyingEvent

    if not trip_id:
        return []
    return list(
        EmptyingEvent.objects.filter(loads__trip_id=trip_id).values_list("emptied_on", flat=True)
    )


def _trip(instance: Any, **kwargs: Any) -> None:
    from edile.sanitation import summary

    summary.mark_stale(instance.local_government_id, _trip_days(instance.pk))


def _load(instance: Any, **kwargs: Any) -> None:
    from edile.sanitation import summary
    from edile.sanitation.models import EmptyingEvent

    row = (
        EmptyingEvent.objects.filter(pk=instance.emptying_id)
        .values_list("local_government_id", "emptied_on")
        .first()
    )
    if row:
        summary.mark_stale(row[0], [row[1]])


def _reception(instance: Any, **kwargs: Any) -> None:
    from edile.sanitation import summary

    summary.mark_stale(
        instance.local_government_id, [instance.arrived_at, *_trip_days(instance.trip_id)]
    )


def connect() -> None:
    from edile.sanitation.models import (
        DesludgingRequest,
        EmptyingEvent,
        PlantReception,
        Trip,
        TripLoad,
    )

    for model, handler in (
        (DesludgingRequest, _request),
        (EmptyingEvent, _emptying),
        (Trip, _trip),
        (TripLoad, _load),
        (PlantReception, _reception),
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                handler, sender=model, dispatch_uid=f"sanitation_summary_{model.__name__}"
            )
