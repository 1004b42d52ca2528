"""Writes of the sanitation module: keyword-only, atomic, permission-checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edile.core.errors import ConflictError, ServiceError
from edile.sanitation import permissions as perms
from edile.sanitation import selectors, sfd
from edile.sanitation.models import (
    Channel,
    CitySettings,
    Containment,
    DesludgingRequest,
    EmptyingEvent,
    Financing,
    FinancingStage,
    FlagRule,
    InvestmentLine,
    Operator,
    PlantReception,
    Programme,
    PropertyType,
    ReconciliationFlag,
    RequestState,
    RequestStep,
    RequestTransition,
    Severity,
    TariffRule,
    TreatmentSite,
    Trip,
    TripLoad,
    TripStatus,
    Vehicle,
)

# --- SFD-style estimates ------------------------------------------------------------------


def sfd_evaluate(*, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Compute a matrix's flows; bad input is a ServiceError (400) naming each row at fault."""
    try:
        return sfd.evaluate(rows, selectors.sfd_grid())
    except sfd.SfdInputError as exc:
        raise ServiceError(
            _("The matrix cannot be computed: %(errors)s") % {"errors": "; ".join(exc.errors)},
            errors=exc.errors,
        ) from exc


# --- helpers --------------------------------------------------------------------------------


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


def _volume(value: Any, label: str) -> int:
    """A volume in litres: a whole number, never negative."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ServiceError(
            _("%(label)s must be a whole number of litres.") % {"label": label}
        ) from exc
    if number < 0:
        raise ServiceError(_("%(label)s cannot be negative.") % {"label": label})
    return number


def _reference(prefix: str, model: Any) -> str:
    today = timezone.localdate()
    stem = f"{prefix}-{today:%Y%m%d}-"
    count = model.objects.filter(reference__startswith=stem).count()
    while True:
        count += 1
        candidate = f"{stem}{count:04d}"
        if not model.objects.filter(reference=candidate).exists():
            return candidate


# --- city settings --------------------------------------------------------------------------


def city_settings_get(local_government: Any) -> CitySettings:
    """A city's settings, created with the defaults the first time (see the decisions)."""
    found, _created = CitySettings.objects.get_or_create(local_government=local_government)
    return found


# --- fleet ----------------------------------------------------------------------------------


def vehicle_check_dispatchable(*, vehicle: Vehicle, on: dt.date) -> None:
    """Refuse to dispatch a vehicle out of service or with an expired document."""
    if not vehicle.is_active:
        raise ServiceError(_("Vehicle %(plate)s is out of service.") % {"plate": vehicle.plate})
    expired = [
        f"{doc.get_kind_display()} ({doc.valid_until.isoformat()})"
        for doc in vehicle.documents.all()
        if doc.valid_until < on
    ]
    if expired:
        raise ServiceError(
            _("Vehicle %(plate)s cannot be dispatched: expired %(documents)s.")
            % {"plate": vehicle.plate, "documents": ", ".join(expired)}
        )
    operator = vehicle.operator
    if operator.licence_valid_until and operator.licence_valid_until < on:
        raise ServiceError(
            _("%(operator)s's licence expired on %(date)s.")
            % {"operator": operator.name, "date": operator.licence_valid_until.isoformat()}
        )


# --- requests and their workflow --------------------------------------------------------------


def tariff_fee(
    *,
    local_government: Any,
    property_type: str,
    low_income: bool,
    tank_capacity_l: int | None,
    distance_km: Decimal | None,
    trips: int,
) -> tuple[TariffRule | None, Decimal, str]:
    """The fee of a request: the first matching rule (by priority) × trips; zero allowed."""
    for rule in TariffRule.objects.filter(local_government=local_government):
        if rule.property_type and rule.property_type != property_type:
            continue
        if rule.low_income is not None and rule.low_income != low_income:
            continue
        if (
            rule.max_tank_capacity_l
            and tank_capacity_l
            and tank_capacity_l > rule.max_tank_capacity_l
        ):
            continue
        if (
            rule.max_distance_km is not None
            and distance_km is not None
            and distance_km > rule.max_distance_km
        ):
            continue
        return rule, rule.amount_per_trip * trips, rule.currency
    settings_ = city_settings_get(local_government)
    return None, Decimal(0), settings_.currency


@transaction.atomic
def request_create(
    *,
    actor: Any,
    containment: Containment,
    channel: str,
    applicant_name: str = "",
    applicant_phone: str = "",
    is_emergency: bool = False,
    trips_estimated: int = 1,
    distance_km: Decimal | None = None,
) -> DesludgingRequest:
    _require(
        actor,
        "sanitation.manage_registry",
        containment,
        _("Only the city's sanitation officers record requests."),
    )
    if channel not in Channel.values:
        raise ServiceError(_("Unknown channel: use web, counter, phone or schedule."))
    if trips_estimated is None or int(trips_estimated) < 1:
        raise ServiceError(_("A request needs at least one trip."))
    first = containment.properties.select_related("zone").first()
    low_income = bool(first and (first.is_low_income or first.zone.is_low_income))
    rule, fee, currency = tariff_fee(
        local_government=containment.local_government,
        property_type=first.property_type if first else PropertyType.RESIDENTIAL,
        low_income=low_income,
        tank_capacity_l=None,
        distance_km=distance_km,
        trips=int(trips_estimated),
    )
    settings_ = city_settings_get(containment.local_government)
    request = DesludgingRequest.objects.create(
        local_government=containment.local_government,
        reference=_reference("DR", DesludgingRequest),
        containment=containment,
        channel=channel,
        applicant_name=applicant_name.strip(),
        applicant_phone=applicant_phone.strip(),
        is_emergency=is_emergency,
        trips_estimated=int(trips_estimated),
        distance_km=distance_km,
        fee_amount=fee,
        fee_currency=currency,
        tariff=rule,
        state=RequestState.objects.get(is_initial=True),
        sla_deadline=timezone.now() + dt.timedelta(hours=settings_.sla_hours),
        created_by=actor,
    )
    if fee == 0:
        request = request_transition(actor=None, request=request, action="waive_fee", note="fee 0")
    return request


def _capacities(actor: Any, request: DesludgingRequest) -> set[str]:
    if actor is None:
        return {"system"}
    found = set()
    if actor.has_perm("sanitation.manage_registry", request):
        found.add("officer")
    if perms.is_operator_of(actor, request):
        found.add("operator")
    return found


@transaction.atomic
def request_transition(
    *,
    actor: Any,
    request: DesludgingRequest,
    action: str,
    note: str = "",
    operator: Operator | None = None,
    vehicle: Vehicle | None = None,
    scheduled_for: dt.date | None = None,
    rating: int | None = None,
    ppe_worn: bool | None = None,
) -> DesludgingRequest:
    """The one way a request changes state: the move must be in the workflow table."""
    request = DesludgingRequest.objects.select_for_update().get(pk=request.pk)
    transition = (
        RequestTransition.objects.select_related("target")
        .filter(source_id=request.state_id, action=action)
        .first()
    )
    if transition is None:
        raise ServiceError(
            _("A request that is “%(state)s” cannot be “%(action)s”.")
            % {"state": request.state.name, "action": action}
        )
    allowed = set(transition.actors.split())
    if not allowed & _capacities(actor, request):
        raise PermissionDenied(_("You may not do this to this request."))
    if action in ("assign", "reassign"):
        if operator is None:
            raise ServiceError(_("Choose the operator to assign."))
        if operator.local_government_id != request.local_government_id:
            raise ServiceError(_("This operator does not work for this city."))
        today = timezone.localdate()
        if operator.licence_valid_until and operator.licence_valid_until < today:
            raise ServiceError(
                _("%(operator)s's licence expired on %(date)s.")
                % {"operator": operator.name, "date": operator.licence_valid_until.isoformat()}
            )
        request.operator = operator
        request.vehicle = None
    if action == "accept":
        if vehicle is None or scheduled_for is None:
            raise ServiceError(_("Choose the vehicle and the date of the emptying."))
        if vehicle.operator_id != request.operator_id:
            raise ServiceError(_("This vehicle is not the operator's."))
        vehicle_check_dispatchable(vehicle=vehicle, on=scheduled_for)
        request.vehicle = vehicle
        request.scheduled_for = scheduled_for
    if action == "decline" and not note.strip():
        raise ServiceError(_("Say why the job is declined."))
    if action == "pay":
        request.paid_at = timezone.now()
    if action == "feedback":
        if rating is None or not 1 <= int(rating) <= 5:
            raise ServiceError(_("Give a rating from 1 to 5."))
        request.rating = int(rating)
        request.feedback_ppe_worn = ppe_worn
        request.feedback_comment = note.strip()
    source = request.state
    request.state = transition.target
    if transition.target.counts_as_served and request.served_at is None:
        request.served_at = timezone.now()
    request.version += 1
    request.save()
    RequestStep.objects.create(
        request=request,
        action=action,
        source=source,
        target=transition.target,
        actor=actor,
        note=note.strip()[:300],
    )
    return request


def request_available_actions(*, actor: Any, request: DesludgingRequest) -> list[RequestTransition]:
    """The moves this actor may make now, for the buttons of the page."""
    capacities = _capacities(actor, request)
    return [
        t
        for t in RequestTransition.objects.filter(source_id=request.state_id)
        if set(t.actors.split()) & capacities
    ]


# --- emptying, trips, receptions --------------------------------------------------------------


@transaction.atomic
def emptying_record(
    *,
    actor: Any,
    request: DesludgingRequest,
    volume_l: Any,
    trips: int = 1,
    emptied_on: dt.date | None = None,
    receipt_number: str = "",
    amount_collected: Decimal | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    ppe: dict[str, bool] | None = None,
    photo: Any = None,
) -> EmptyingEvent:
    """The crew records an emptying; the containment's dates follow the city's rule."""
    _require(actor, "sanitation.work_job", request, _("This job is not yours."))
    if request.state.code != "scheduled":
        raise ServiceError(
            _("Only a scheduled job can be emptied; this one is “%(state)s”.")
            % {"state": request.state.name}
        )
    if hasattr(request, "emptying"):
        raise ConflictError(_("This job's emptying is already recorded."))
    volume = _volume(volume_l, _("The volume emptied"))
    if volume == 0:
        raise ServiceError(_("An emptying removes some sludge: give the volume in litres."))
    if trips is None or int(trips) < 1:
        raise ServiceError(_("An emptying takes at least one trip."))
    amount = Decimal(amount_collected or 0)
    if amount < 0:
        raise ServiceError(_("The amount collected cannot be negative."))
    emptied_on = emptied_on or timezone.localdate()
    if emptied_on > timezone.localdate():
        raise ServiceError(_("The emptying date cannot be in the future."))
    ppe = ppe or {}
    event = EmptyingEvent.objects.create(
        local_government=request.local_government,
        request=request,
        containment=request.containment,
        operator=request.operator,
        vehicle=request.vehicle,
        emptied_on=emptied_on,
        volume_l=volume,
        trips=int(trips),
        receipt_number=receipt_number.strip(),
        amount_collected=amount,
        latitude=latitude,
        longitude=longitude,
        photo=photo or "",
        ppe_gloves=bool(ppe.get("gloves")),
        ppe_boots=bool(ppe.get("boots")),
        ppe_mask=bool(ppe.get("mask")),
        ppe_overalls=bool(ppe.get("overalls")),
        recorded_by=actor,
    )
    containment_mark_emptied(containment=request.containment, on=emptied_on)
    request_transition(actor=actor, request=request, action="empty")
    return event


def containment_next_due(*, containment: Containment, emptied_on: dt.date) -> dt.date:
    """The next emptying: the containment's own interval (months) or the city's (years)."""
    if containment.emptying_interval_months:
        return _add_months(emptied_on, containment.emptying_interval_months)
    interval = city_settings_get(containment.local_government).emptying_interval_years
    return _add_years(emptied_on, interval)


def containment_mark_emptied(*, containment: Containment, on: dt.date) -> None:
    Containment.objects.filter(pk=containment.pk).update(
        last_emptied_on=on,
        next_emptying_due=containment_next_due(containment=containment, emptied_on=on),
        times_emptied=F("times_emptied") + 1,
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- scheduled (regular) emptying -------------------------------------------------------------


def _non_working(cfg: CitySettings) -> set[int]:
    return {int(d) for d in cfg.non_working_weekdays.replace(",", " ").split() if d.isdigit()}


def schedule_days(*, local_government: Any, count: int, start: dt.date) -> list[dt.date]:
    """`count` working days from `start`, each used up to the city's daily trip capacity
    (counting the requests already scheduled that day)."""
    from django.db.models import Count

    cfg = city_settings_get(local_government)
    closed = _non_working(cfg)
    if len(closed) >= 7:
        raise ServiceError(
            _("Every day of the week is a non-working day: nothing can be scheduled.")
        )
    capacity = max(1, cfg.daily_trip_capacity)
    booked = {
        row["scheduled_for"]: row["n"]
        for row in DesludgingRequest.objects.filter(
            local_government=local_government, scheduled_for__gte=start
        )
        .values("scheduled_for")
        .annotate(n=Count("pk"))
    }
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() not in closed:
            free = capacity - booked.get(day, 0)
            take = min(free, count - len(days))
            days.extend([day] * max(take, 0))
        day += dt.timedelta(days=1)
    return days


@transaction.atomic
def scheduled_requests_create(
    *, actor: Any, local_government: Any, containment_ids: list[int], start: dt.date | None = None
) -> list[DesludgingRequest]:
    """One request (channel *schedule*) per containment that is due, each on a working day
    within the city's daily capacity, from `start` (tomorrow by default). All or none: a
    containment of another city, not due or with an open request refuses the lot."""
    from edile.sanitation import selectors as sel

    _require(
        actor,
        "sanitation.manage_registry",
        local_government,
        _("Only the city's sanitation officers schedule emptyings."),
    )
    if not containment_ids:
        raise ServiceError(_("Choose at least one containment to schedule."))
    start = start or timezone.localdate() + dt.timedelta(days=1)
    ids = sorted(set(containment_ids))
    due = {c.pk: c for c in sel.containments_due(local_government).filter(pk__in=ids)}
    references = dict(
        Containment.objects.filter(pk__in=ids, local_government=local_government).values_list(
            "pk", "reference"
        )
    )
    errors = [
        _("%(ref)s is not due for emptying or already has an open request.")
        % {"ref": references[pk]}
        if pk in references
        else _("Containment %(id)s is not one of this city's.") % {"id": pk}
        for pk in ids
        if pk not in due
    ]
    if errors:
        raise ServiceError(errors[0], errors=errors)
    chosen = sorted(due.values(), key=sel.due_order)
    days = schedule_days(local_government=local_government, count=len(chosen), start=start)
    created = []
    for containment, day in zip(chosen, days, strict=True):
        request = request_create(actor=actor, containment=containment, channel=Channel.SCHEDULE)
        DesludgingRequest.objects.filter(pk=request.pk).update(scheduled_for=day)
        request.scheduled_for = day
        created.append(request)
    return created


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def trip_create(
    *,
    actor: Any,
    vehicle: Vehicle,
    site: TreatmentSite,
    loads: list[tuple[EmptyingEvent, Any]],
    loaded_at: dt.datetime | None = None,
) -> Trip:
    """A manifest: the truck leaves with the sludge of one or several emptyings."""
    operator = vehicle.operator
    _require(actor, "sanitation.work_job", operator, _("This vehicle is not your operator's."))
    if site.local_government_id != operator.local_government_id:
        raise ServiceError(_("This treatment site is not in the operator's city."))
    if not loads:
        raise ServiceError(_("A trip carries the sludge of at least one emptying."))
    loaded_at = loaded_at or timezone.now()
    vehicle_check_dispatchable(vehicle=vehicle, on=timezone.localdate(loaded_at))
    clean: list[tuple[EmptyingEvent, int]] = []
    for emptying, volume in loads:
        if emptying.operator_id != operator.pk:
            raise ServiceError(_("Emptying %(id)s is not this operator's.") % {"id": emptying.pk})
        clean.append((emptying, _volume(volume, _("The volume loaded"))))
    trip = Trip.objects.create(
        local_government=operator.local_government,
        reference=_reference("TR", Trip),
        operator=operator,
        vehicle=vehicle,
        site=site,
        loaded_at=loaded_at,
        declared_volume_l=sum(v for _e, v in clean),
    )
    TripLoad.objects.bulk_create([TripLoad(trip=trip, emptying=e, volume_l=v) for e, v in clean])
    return trip


@transaction.atomic
def reception_record(
    *,
    actor: Any,
    site: TreatmentSite,
    plate_seen: str,
    received_volume_l: Any,
    trip: Trip | None = None,
    arrived_at: dt.datetime | None = None,
    left_at: dt.datetime | None = None,
    declined: bool = False,
    decline_reason: str = "",
) -> PlantReception:
    """The plant logs an arrival (registered trip or not); it may decline with a reason."""
    _require(
        actor,
        "sanitation.record_reception",
        site,
        _("Only this plant's operators record its receptions."),
    )
    volume = _volume(received_volume_l, _("The volume received"))
    arrived_at = arrived_at or timezone.now()
    if left_at and left_at < arrived_at:
        raise ServiceError(_("The truck cannot leave before it arrives."))
    if declined and not decline_reason.strip():
        raise ServiceError(_("Say why the truck is declined."))
    if trip is not None:
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if trip.site_id != site.pk:
            raise ServiceError(
                _("Trip %(ref)s is bound for another site.") % {"ref": trip.reference}
            )
        if PlantReception.objects.filter(trip=trip).exists():
            raise ConflictError(
                _("Trip %(ref)s has already been received.") % {"ref": trip.reference}
            )
    if not plate_seen.strip():
        if trip is None:
            raise ServiceError(_("Give the plate of the truck."))
        plate_seen = trip.vehicle.plate
    reception = PlantReception.objects.create(
        local_government=site.local_government,
        site=site,
        trip=trip,
        plate_seen=plate_seen.strip().upper(),
        arrived_at=arrived_at,
        left_at=left_at,
        received_volume_l=0 if declined else volume,
        declined=declined,
        decline_reason=decline_reason.strip(),
        recorded_by=actor,
    )
    if trip is not None:
        trip.status = TripStatus.DECLINED if declined else TripStatus.RECEIVED
        trip.save(update_fields=["status", "updated_at"])
        if not declined:
            for load in trip.loads.select_related("emptying__request__state"):
                request = load.emptying.request
                if request is not None and request.state.code == "emptied":
                    request_transition(actor=None, request=request, action="dispose")
    return reception


# --- reconciliation ---------------------------------------------------------------------------


@transaction.atomic
def reconciliation_run(*, local_government: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Compute the city's flags; flags no longer detected are resolved with a note.

    Rules: received volume outside declared ± tolerance; trips loaded and not received after
    N hours; receptions with no trip; declared volume above the tank's capacity; emptied
    volume above the containment's. Idempotent: a flag's key says what it is about.

    Set-based: each rule is one queryset of the records it detects. The database counts
    them, returns only those with no flag yet (NOT EXISTS), and resolves in one UPDATE the
    open flags whose record it no longer detects — a run with nothing new moves no rows
    through Python (it loaded every flag's key before: 10 s at 200,000 emptyings).
    """
    now = now or timezone.now()
    cfg = city_settings_get(local_government)
    lg = local_government
    tol = Decimal(cfg.volume_tolerance_percent) / 100
    low = ExpressionWrapper(F("declared") * (1 - tol), output_field=FloatField())
    high = ExpressionWrapper(F("declared") * (1 + tol), output_field=FloatField())
    mismatched = (
        PlantReception.objects.filter(local_government=lg, trip__isnull=False, declined=False)
        .annotate(declared=F("trip__declared_volume_l"))
        .annotate(low=low, high=high)
        .filter(Q(received_volume_l__lt=F("low")) | Q(received_volume_l__gt=F("high")))
    )
    cutoff = now - dt.timedelta(hours=cfg.unreceived_after_hours)
    unreceived = Trip.objects.filter(
        local_government=lg, status=TripStatus.LOADED, loaded_at__lt=cutoff
    )
    orphans = PlantReception.objects.filter(local_government=lg, trip__isnull=True)
    over_tank = Trip.objects.filter(
        local_government=lg, declared_volume_l__gt=F("vehicle__tank_capacity_l")
    )
    over_containment = EmptyingEvent.objects.filter(
        local_government=lg,
        containment__volume_l__isnull=False,
        volume_l__gt=F("containment__volume_l"),
    )

    def volume_mismatch(pk: int, trip_id: int, received: int, declared: int, arrived: Any) -> Any:
        gap = abs(received - declared) / declared if declared else 1
        return {
            "severity": Severity.HIGH if gap > 2 * tol else Severity.MEDIUM,
            "reception_id": pk,
            "trip_id": trip_id,
            "detail": f"declared {declared} l, received {received} l",
            "data": {"declared": declared, "received": received},
            "occurred_on": timezone.localdate(arrived),
        }

    def not_received(pk: int, loaded_at: Any) -> Any:
        return {
            "severity": Severity.HIGH,
            "trip_id": pk,
            "detail": f"loaded {loaded_at:%Y-%m-%d %H:%M}, no reception after "
            f"{cfg.unreceived_after_hours} h",
            "data": {
                "loaded": timezone.localtime(loaded_at).strftime("%Y-%m-%d %H:%M"),
                "hours": cfg.unreceived_after_hours,
            },
            "occurred_on": timezone.localdate(loaded_at),
        }

    def orphan(pk: int, plate: str, volume: int, arrived: Any) -> Any:
        return {
            "severity": Severity.MEDIUM,
            "reception_id": pk,
            "detail": f"{plate}: {volume} l with no trip",
            "data": {"plate": plate, "volume": volume},
            "occurred_on": timezone.localdate(arrived),
        }

    def tank(pk: int, declared: int, capacity: int, loaded_at: Any) -> Any:
        return {
            "severity": Severity.HIGH if declared > capacity * 1.2 else Severity.MEDIUM,
            "trip_id": pk,
            "detail": f"declared {declared} l, tank {capacity} l",
            "data": {"declared": declared, "capacity": capacity},
            "occurred_on": timezone.localdate(loaded_at),
        }

    def containment(pk: int, volume: int, capacity: int, day: dt.date) -> Any:
        return {
            "severity": Severity.MEDIUM if volume > capacity * 1.2 else Severity.LOW,
            "emptying_id": pk,
            "detail": f"emptied {volume} l, containment {capacity} l",
            "data": {"volume": volume, "capacity": capacity},
            "occurred_on": day,
        }

    rules: list[tuple[str, Any, str, tuple[str, ...], Any]] = [
        (
            FlagRule.VOLUME_MISMATCH,
            mismatched,
            "reception",
            ("pk", "trip_id", "received_volume_l", "declared", "arrived_at"),
            volume_mismatch,
        ),
        (FlagRule.NOT_RECEIVED, unreceived, "trip", ("pk", "loaded_at"), not_received),
        (
            FlagRule.ORPHAN_RECEPTION,
            orphans,
            "reception",
            ("pk", "plate_seen", "received_volume_l", "arrived_at"),
            orphan,
        ),
        (
            FlagRule.OVER_TANK,
            over_tank,
            "trip",
            ("pk", "declared_volume_l", "vehicle__tank_capacity_l", "loaded_at"),
            tank,
        ),
        (
            FlagRule.OVER_CONTAINMENT,
            over_containment,
            "emptying",
            ("pk", "volume_l", "containment__volume_l", "emptied_on"),
            containment,
        ),
    ]
    flags = ReconciliationFlag.objects.filter(local_government=lg)
    detected = resolved = 0
    new: list[tuple[str, dict[str, Any]]] = []
    for rule, found, target, columns, describe in rules:
        detected += found.count()
        # A record flagged once (open, resolved by a person, or no longer detected) is not
        # flagged again: the key is unique.
        # On the record's index only: with the city too, SQLite probes the city's flags
        # for each record detected (a second run took minutes at 70,000 flags).
        flagged = ReconciliationFlag.objects.filter(rule=rule, **{f"{target}_id": OuterRef("pk")})
        for values in (
            found.filter(~Exists(flagged)).values_list(*columns).iterator(chunk_size=5000)
        ):
            new.append((f"{rule}:{values[0]}", {"rule": rule, **describe(*values)}))
        resolved += (
            flags.filter(rule=rule, resolved_at__isnull=True)
            .exclude(**{f"{target}_id__in": found.values("pk")})
            .update(resolved_at=now, resolution_note="No longer detected by the rule.")
        )
    _flags_insert(local_government=lg, flags=new, now=now)
    return {"detected": detected, "new": len(new), "resolved": resolved}


def _flags_insert(
    *, local_government: Any, flags: list[tuple[str, dict[str, Any]]], now: Any
) -> None:
    """Insert new flags with one prepared statement: `bulk_create` spent three quarters of a
    first run preparing values field by field (70,000 flags at 200,000 emptyings)."""
    from django.db import connection

    columns = (
        "created_at",
        "updated_at",
        "local_government_id",
        "key",
        "rule",
        "severity",
        "trip_id",
        "reception_id",
        "emptying_id",
        "detail",
        "data",
        "occurred_on",
        "resolution_note",
    )
    qn = connection.ops.quote_name
    # Names from the model, quoted by the backend; every value goes as a parameter.
    sql = (
        f"INSERT INTO {qn(ReconciliationFlag._meta.db_table)} "  # noqa: S608
        f"({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    data_field = ReconciliationFlag._meta.get_field("data")
    params = [
        (
            stamp,
            stamp,
            local_government.pk,
            key,
            str(values["rule"]),
            str(values["severity"]),
            values.get("trip_id"),
            values.get("reception_id"),
            values.get("emptying_id"),
            values["detail"],
            data_field.get_db_prep_save(values["data"], connection),
            connection.ops.adapt_datefield_value(values["occurred_on"]),
            "",
        )
        for key, values in flags
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


@transaction.atomic
def flag_resolve(*, actor: Any, flag: ReconciliationFlag, note: str) -> ReconciliationFlag:
    _require(
        actor,
        "sanitation.manage_registry",
        flag,
        _("Only the city's sanitation officers resolve its flags."),
    )
    if not (note or "").strip():
        raise ServiceError(_("Write what was found and done, to resolve the flag."))
    if flag.resolved_at:
        raise ConflictError(_("This flag is already resolved."))
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.resolution_note = note.strip()
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution_note", "updated_at"])
    return flag


# --- programme and financing round -----------------------------------------------------------


def _to_eur(amount: Any, currency: str, on: dt.date) -> tuple[Decimal, Decimal, dt.date]:
    from edile.grants.services import currency_clean, rate_for

    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("The amount must be a number.")) from exc
    if value < 0:
        raise ServiceError(_("An amount cannot be negative."))
    rate, rate_date = rate_for(currency_clean(currency), on)
    return value, (value * rate).quantize(Decimal("0.01")), rate_date


@transaction.atomic
def financing_record(
    *,
    actor: Any,
    programme: Programme,
    partner: Any,
    stage: str,
    date: dt.date,
    amount: Any,
    currency: str,
    note: str = "",
) -> Financing:
    _require(
        actor, "sanitation.change_programme", programme, _("Only the city's officers do this.")
    )
    if stage not in FinancingStage.values:
        raise ServiceError(_("Unknown stage: use pledge, commitment or disbursement."))
    value, eur, rate_date = _to_eur(amount, currency, date)
    return Financing.objects.create(
        programme=programme,
        partner=partner,
        stage=stage,
        date=date,
        amount=value,
        currency=currency.upper(),
        amount_eur=eur,
        rate_date=rate_date,
        note=note,
    )


@transaction.atomic
def investment_line_add(
    *,
    actor: Any,
    programme: Programme,
    component: str,
    year: int,
    amount: Any,
    currency: str,
) -> InvestmentLine:
    _require(
        actor, "sanitation.change_programme", programme, _("Only the city's officers do this.")
    )
    if not component.strip():
        raise ServiceError(_("Name the component."))
    value, eur, rate_date = _to_eur(amount, currency, dt.date(int(year), 1, 1))
    return InvestmentLine.objects.create(
        programme=programme,
        component=component.strip(),
        year=int(year),
        amount=value,
        currency=currency.upper(),
        amount_eur=eur,
        rate_date=rate_date,
    )


# --- SFD variables derived from the chain ------------------------------------------------------


@transaction.atomic
def sfd_variables_propose(*, actor: Any, study: Any) -> int:
    """Propose F3 and F4 of the study's onsite rows from the chain's records, as derived."""
    from edile.sanitation.models import SfdVariable, VariableSource

    _require(actor, "sanitation.change_study", study, _("Only the city's officers do this."))
    derived = selectors.derived_variables(study.local_government, year=study.year)
    count = 0
    for row in study.rows.select_related("cell"):
        for name in ("f3", "f4"):
            value = derived.get(name)
            if value is None or name not in row.cell.variable_names:
                continue
            existing = SfdVariable.objects.filter(row=row, name=name).first()
            if existing is not None and not existing.is_derived:
                continue  # a confirmed or hand-entered value is never overwritten
            SfdVariable.objects.update_or_create(
                row=row,
                name=name,
                defaults={
                    "value": Decimal(str(value)),
                    "source": VariableSource.SERVICE_CHAIN,
                    "assumption": _("Proposed from the service chain's records of %(year)s.")
                    % {"year": study.year},
                    "is_derived": True,
                    "confirmed_by": None,
                    "confirmed_at": None,
                },
            )
            count += 1
    return count


@transaction.atomic
def sfd_matrix_save(
    *, actor: Any, study: Any, rows: list[dict[str, Any]], expected_version: int
) -> Any:
    """Replace a study's matrix (systems, shares, variables with source and assumption).

    Refused with every problem named by row unless the matrix computes: grid codes that
    exist, shares adding up to exactly 100, rates in 0–100, each variable on a row it
    applies to. The study's version guards against two editors (409 for the later one);
    every row and variable keeps its history. A value a person changes is no longer
    derived; an unchanged derived value stays to be confirmed.
    """
    from edile.core.concurrency import save_versioned
    from edile.sanitation.models import SfdGridCell, SfdSystemRow, SfdVariable, VariableSource

    _require(actor, "sanitation.change_study", study, _("Only the city's officers do this."))
    matrix = []
    for row in rows:
        entry: dict[str, Any] = {"code": row["code"], "population": row["population"]}
        for name, variable in row["variables"].items():
            if variable.get("value") not in (None, ""):
                entry[name] = variable["value"]
        matrix.append(entry)
    try:
        sfd.evaluate(matrix, selectors.sfd_grid())
    except sfd.SfdInputError as exc:
        raise ServiceError(exc.errors[0], errors=exc.errors) from exc
    places = Decimal("0.001")  # the fields keep three decimals
    total = sum(Decimal(str(row["population"])).quantize(places) for row in rows)
    if total != 100:
        message = _("The population shares add up to %(total)s, not 100.") % {
            "total": f"{total.normalize():f}"
        }
        raise ServiceError(message)
    valid_sources = set(VariableSource.values)
    for index, row in enumerate(rows):
        for name, variable in row["variables"].items():
            if variable.get("source") and variable["source"] not in valid_sources:
                raise ServiceError(
                    _("Row %(number)s: unknown source for %(name)s.")
                    % {"number": index + 1, "name": name.upper()}
                )
    save_versioned(study, expected_version=expected_version)
    cells = {c.code: c for c in SfdGridCell.objects.filter(code__in=[r["code"] for r in rows])}
    existing = list(study.rows.order_by("position", "pk"))
    now = timezone.now()
    for index, row in enumerate(rows):
        system = existing[index] if index < len(existing) else SfdSystemRow(study=study)
        system.cell = cells[row["code"]]
        system.description = (row.get("description") or "").strip()[:200]
        system.population_share = Decimal(str(row["population"])).quantize(places)
        system.position = index
        system.save()
        given = {
            name: v for name, v in row["variables"].items() if v.get("value") not in (None, "")
        }
        for variable in SfdVariable.objects.filter(row=system).exclude(name__in=list(given)):
            variable.delete()
        for name, values in given.items():
            value = Decimal(str(values["value"])).quantize(places)
            variable = SfdVariable.objects.filter(row=system, name=name).first()
            if variable is None:
                variable = SfdVariable(row=system, name=name)
            changed = variable.pk is None or variable.value != value
            variable.value = value
            variable.source = values.get("source") or variable.source or VariableSource.EXPERT
            variable.assumption = (values.get("assumption") or "").strip()[:300]
            if changed:
                variable.is_derived = False
                variable.confirmed_by = actor
                variable.confirmed_at = now
            variable.save()
    for system in existing[len(rows) :]:
        system.delete()
    return study


@transaction.atomic
def sfd_variable_confirm(*, actor: Any, variable: Any) -> Any:
    _require(
        actor, "sanitation.change_study", variable.row.study, _("Only the city's officers do this.")
    )
    variable.is_derived = False
    variable.confirmed_by = actor
    variable.confirmed_at = timezone.now()
    variable.save(update_fields=["is_derived", "confirmed_by", "confirmed_at", "updated_at"])
    return variable


# --- retention --------------------------------------------------------------------------------

APPLICANT_RETENTION_DAYS = 730


def applicant_data_erase_expired(
    *, now: dt.datetime | None = None, days: int = APPLICANT_RETENTION_DAYS
) -> int:
    """Erase applicants' names and phones of requests closed or cancelled `days` ago.

    The period is the one the register of processing states (migration 0004).
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    expired = DesludgingRequest.objects.filter(
        state__is_terminal=True, updated_at__lt=cutoff
    ).exclude(applicant_name="", applicant_phone="")
    return expired.update(applicant_name="", applicant_phone="")


# --- fleet documents ------------------------------------------------------------------------


@transaction.atomic
def vehicle_document_set(
    *, actor: Any, vehicle: Vehicle, kind: str, valid_until: dt.date, number: str = ""
) -> Any:
    """Record or renew a vehicle's document (one per kind)."""
    from edile.sanitation.models import VehicleDocument, VehicleDocumentKind

    _require(
        actor,
        "sanitation.manage_registry",
        vehicle.operator,
        _("Only the city's sanitation officers keep the fleet's documents."),
    )
    if kind not in VehicleDocumentKind.values:
        raise ServiceError(_("Unknown document."))
    if valid_until is None:
        raise ServiceError(_("Give the date until which the document is valid."))
    document, _created = VehicleDocument.objects.update_or_create(
        vehicle=vehicle, kind=kind, defaults={"valid_until": valid_until, "number": number.strip()}
    )
    return document


# --- the registry the officer keeps ---------------------------------------------------------


@transaction.atomic
def registry_record_save(
    *, actor: Any, local_government: Any, record: Any, many: dict[str, Any] | None = None
) -> Any:
    """Create or change a zone, operator, vehicle, worker, site or tariff rule of one city.

    `record` carries the new field values (a model form's unsaved instance); `many` its
    many-to-many values. Every record it points to must be the same city's.
    """
    from django.core.exceptions import ValidationError

    _require(
        actor,
        "sanitation.manage_registry",
        local_government,
        _("Only the city's sanitation officers keep its registry."),
    )
    if hasattr(record, "local_government_id"):
        if record.pk is None:
            record.local_government = local_government
        elif record.local_government_id != local_government.pk:
            raise PermissionDenied(_("This record belongs to another city."))
    if perms.city_id(record) != local_government.pk:
        raise ServiceError(_("Choose an operator of this city."))
    for values in (many or {}).values():
        for value in values:
            if getattr(value, "local_government_id", local_government.pk) != local_government.pk:
                raise ServiceError(_("Choose among this city's own records."))
    zone = getattr(record, "zone", None) if hasattr(record, "zone_id") else None
    if zone is not None and zone.local_government_id != local_government.pk:
        raise ServiceError(_("Choose a zone of this city."))
    if isinstance(record, Containment) and record.last_emptied_on and not record.next_emptying_due:
        record.next_emptying_due = containment_next_due(
            containment=record, emptied_on=record.last_emptied_on
        )
    try:
        record.full_clean()
    except ValidationError as exc:
        raise ServiceError(
            _("The record cannot be saved."),
            errors=[message for messages in exc.message_dict.values() for message in messages],
        ) from exc
    record.save()
    for name, values in (many or {}).items():
        getattr(record, name).set(values)
    return record
