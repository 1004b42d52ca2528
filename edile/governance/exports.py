"""The Popolo export: persons, organizations, memberships, posts, events, motions, vote events.

One document per language (`lang=fr|en`), as the Popolo multilingual appendix recommends; the
other language's names go in `other_names`. Registrants' personal data is never exported.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import Prefetch
from django.utils import translation

from edile.governance.models import (
    Amendment,
    Ballot,
    Body,
    Meeting,
    Nomination,
    NominationStatus,
    Resolution,
    ResolutionState,
    Seat,
    Vote,
    VoteMode,
    VoteStatus,
)
from edile.members.models import LocalGovernment, Mandate, Membership, Office, Person

ASSOCIATION_ID = "organization/association"


def _dt(value: dt.datetime | None, tz: str = "UTC") -> str | None:
    """A full RFC 3339 date-time, in the meeting's own time zone, without microseconds."""
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(tz or "UTC")).replace(microsecond=0).isoformat()


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _lg_id(lg_id: int | str) -> str:
    return f"organization/local-government/{lg_id}"


def _body_id(body: Body) -> str:
    return f"organization/body/{body.slug}"


def _pick(obj: Any, field: str, lang: str) -> str:
    other = "en" if lang == "fr" else "fr"
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_{other}", None) or ""


def _other_names(obj: Any, field: str, lang: str) -> list[dict[str, str]]:
    other = "en" if lang == "fr" else "fr"
    value = getattr(obj, f"{field}_{other}", None)
    if value and value != _pick(obj, field, lang):
        return [{"name": value, "note": other}]
    return []


def popolo_document(lang: str = "fr") -> dict[str, Any]:
    lang = "en" if lang == "en" else "fr"
    with translation.override(lang):
        return _document(lang)


def _document(lang: str) -> dict[str, Any]:
    cities = list(LocalGovernment.objects.select_related("membership").order_by("pk"))
    bodies = list(Body.objects.order_by("pk"))
    organizations: list[dict[str, Any]] = [
        {
            "id": ASSOCIATION_ID,
            "name": "Association internationale des maires francophones"
            if lang == "fr"
            else "International Association of Francophone Mayors",
            "other_names": [{"name": "AIMF", "note": "acronym"}],
            "classification": "association",
        }
    ]
    for body in bodies:
        organizations.append(
            {
                "id": _body_id(body),
                "name": _pick(body, "name", lang),
                "other_names": _other_names(body, "name", lang),
                "classification": body.kind,
                "parent_id": ASSOCIATION_ID,
            }
        )
    for lg in cities:
        organizations.append(
            {
                "id": _lg_id(lg.pk),
                "name": _pick(lg, "name", lang),
                "other_names": _other_names(lg, "name", lang),
                "classification": lg.kind,
                "identifiers": [
                    {"scheme": "edile-slug", "identifier": lg.slug},
                    {"scheme": "iso-3166-1-alpha-2", "identifier": lg.country.code},
                ],
            }
        )

    memberships: list[dict[str, Any]] = []
    for membership in Membership.objects.select_related("local_government").order_by("pk"):
        memberships.append(
            {
                "id": f"membership/association/{membership.pk}",
                "organization_id": ASSOCIATION_ID,
                "member": {
                    "@type": "Organization",
                    "id": _lg_id(membership.local_government_id),
                    "name": _pick(membership.local_government, "name", lang),
                },
                "role": "member",
                "label": membership.get_status_display(),
                "start_date": _d(membership.joined_on),
            }
        )
    posts: dict[str, dict[str, Any]] = {}
    seats = Seat.objects.select_related("body", "local_government", "person").order_by("pk")
    for seat in seats:
        post_id = f"post/{seat.body.slug}/{seat.role}"
        posts.setdefault(
            post_id,
            {
                "id": post_id,
                "organization_id": _body_id(seat.body),
                "role": seat.role,
                "label": f"{seat.get_role_display()} — {_pick(seat.body, 'name', lang)}",
            },
        )
        row: dict[str, Any] = {
            "id": f"membership/seat/{seat.pk}",
            "organization_id": _body_id(seat.body),
            "post_id": post_id,
            "role": seat.role,
            "start_date": _d(seat.start),
            "end_date": _d(seat.end),
        }
        if seat.person_id:
            row["person_id"] = f"person/{seat.person_id}"
            if seat.local_government_id:
                row["on_behalf_of_id"] = _lg_id(seat.local_government_id)
        else:
            row["member"] = {
                "@type": "Organization",
                "id": _lg_id(seat.local_government_id),
                "name": _pick(seat.local_government, "name", lang),
            }
        memberships.append(row)

    person_ids: set[int] = set()
    mandates = Mandate.objects.filter(office=Office.MAYOR).select_related("person").order_by("pk")
    for mandate in mandates:
        person_ids.add(mandate.person_id)
        memberships.append(
            {
                "id": f"membership/mandate/{mandate.pk}",
                "person_id": f"person/{mandate.person_id}",
                "organization_id": _lg_id(mandate.local_government_id),
                "role": "mayor",
                "label": str(mandate.get_office_display()),
                "start_date": _d(mandate.start),
                "end_date": _d(mandate.end),
            }
        )
    person_ids |= {s.person_id for s in seats if s.person_id}
    person_ids |= set(
        Nomination.objects.filter(status=NominationStatus.LAUREATE).values_list(
            "nominee_id", flat=True
        )
    )
    persons = [
        {
            "id": f"person/{p.pk}",
            "name": f"{p.given_name} {p.family_name}",
            "given_name": p.given_name,
            "family_name": p.family_name,
            "sort_name": f"{p.family_name}, {p.given_name}",
            "gender": p.gender,
        }
        for p in Person.objects.filter(pk__in=person_ids).order_by("pk")
    ]

    events = []
    meetings = Meeting.objects.filter(is_public=True).select_related("body").order_by("pk")
    for m in meetings:
        events.append(
            {
                "id": f"event/{m.slug}",
                "name": _pick(m, "title", lang),
                "description": _pick(m, "description", lang) or None,
                "start_date": _dt(m.start, m.timezone),
                "end_date": _dt(m.end, m.timezone),
                "location": _pick(m, "venue", lang) or None,
                "classification": m.kind,
                "organization_id": _body_id(m.body) if m.body_id else None,
                "parent_id": f"event/{m.parent.slug}"
                if m.parent_id and m.parent.is_public
                else None,
            }
        )

    votes = list(
        Vote.objects.filter(status=VoteStatus.CLOSED)
        .exclude(resolution__state=ResolutionState.DRAFT)
        .select_related("meeting", "meeting__body", "resolution", "amendment")
        .prefetch_related(Prefetch("ballots", queryset=Ballot.objects.order_by("pk")))
        .order_by("pk")
    )
    motions = []
    resolutions = (
        Resolution.objects.exclude(state=ResolutionState.DRAFT)
        .select_related("body", "meeting", "rule")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.order_by("pk")),
            "versions__paragraphs",
            "events",
        )
        .order_by("pk")
    )
    last_vote_at: dict[tuple[int, int | None], dt.datetime] = {}
    for v in votes:
        last_vote_at[(v.resolution_id, v.amendment_id)] = v.closed_at
    for r in resolutions:
        versions = list(r.versions.all())
        text = (
            "\n".join(_pick(p, "text", lang) for p in versions[-1].paragraphs.all())
            if versions
            else ""
        )
        events_ = list(r.events.all())
        date = last_vote_at.get((r.pk, None)) or (events_[0].at if events_ else r.created_at)
        motions.append(
            {
                "id": f"motion/{r.slug}",
                "identifier": r.number or None,
                "organization_id": _body_id(r.body),
                "legislative_session_id": f"event/{r.meeting.slug}" if r.meeting_id else None,
                "classification": r.kind,
                "text": text or _pick(r, "title", lang),
                "title": _pick(r, "title", lang),
                "date": _dt(date),
                "requirement": _pick(r.rule, "label", lang) if r.rule_id else None,
                "result": {"adopted": "pass", "rejected": "fail"}.get(r.state),
                "state": r.state,
            }
        )
        for a in r.amendments.all():
            amendment_date = last_vote_at.get((r.pk, a.pk)) or a.created_at
            motions.append(
                {
                    "id": f"motion/{r.slug}/amendment/{a.number}",
                    "identifier": a.number,
                    "organization_id": _body_id(r.body),
                    "classification": "amendment",
                    "text": _pick(a, "text", lang) or None,
                    "date": _dt(amendment_date),
                    "result": {"adopted": "pass", "rejected": "fail"}.get(a.state),
                    "amends_motion_id": f"motion/{r.slug}",
                    "target_paragraph": a.paragraph_number,
                }
            )

    vote_events = []
    for v in votes:
        motion_id = f"motion/{v.resolution.slug}"
        if v.amendment_id:
            motion_id += f"/amendment/{v.amendment.number}"
        row: dict[str, Any] = {
            "id": f"vote-event/{v.pk}",
            "motion_id": motion_id,
            "organization_id": _body_id(v.meeting.body) if v.meeting.body_id else None,
            "legislative_session_id": f"event/{v.meeting.slug}",
            "start_date": _dt(v.opened_at, v.meeting.timezone),
            "end_date": _dt(v.closed_at, v.meeting.timezone),
            "classification": "amendment-passage" if v.amendment_id else "passage",
            "result": v.result,
            "counts": [
                {"option": "yes", "value": v.yes},
                {"option": "no", "value": v.no},
                {"option": "abstain", "value": v.abstain},
            ],
            "explanation": v.explanation_en if lang == "en" else v.explanation_fr,
        }
        if v.mode == VoteMode.ROLL_CALL and v.status == VoteStatus.CLOSED:
            row["votes"] = [
                {
                    "id": f"vote/{b.pk}",
                    "vote_event_id": row["id"],
                    "group_id": _lg_id(b.local_government_id),
                    "option": b.option,
                    "weight": b.weight,
                    "role": "proxy" if b.by_proxy else None,
                }
                for b in v.ballots.all()
            ]
        vote_events.append(row)

    return {
        "persons": persons,
        "organizations": organizations,
        "memberships": memberships,
        "posts": list(posts.values()),
        "events": events,
        "motions": motions,
        "vote_events": vote_events,
    }
