"""The Phnom Penh 2019 demo: idempotent, and it tells the congress as the report does."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from edile.governance import models

pytestmark = pytest.mark.django_db

MODELS = [
    models.Body,
    models.Seat,
    models.Meeting,
    models.Registration,
    models.SessionSignup,
    models.Attendance,
    models.Proxy,
    models.Resolution,
    models.ResolutionVersion,
    models.Paragraph,
    models.Amendment,
    models.Vote,
    models.ResolutionEvent,
    models.Minutes,
    models.Nomination,
    models.AgendaItem,
    models.DecisionRule,
    models.Topic,
]


def _load():
    from edile.accounts import demo as accounts_demo
    from edile.governance import demo as governance_demo
    from edile.members import demo as members_demo

    for module in (members_demo, accounts_demo, governance_demo):
        module.load(io.StringIO())


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_loads_twice_without_change_and_tells_the_congress(client):
    """Loading twice changes nothing; the congress, its texts and laureates are there."""
    _load()
    first = _counts()
    _load()
    assert _counts() == first
    assert first["Registration"] > 400
    assert models.Registration.objects.filter(is_fictional=False).count() == 0
    bureau = models.Meeting.objects.get(slug="phnom-penh-2019-bureau")
    assert bureau.body.slug == "bureau"
    assert bureau.start.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(
        2019, 12, 3
    )
    adopted = set(models.Resolution.objects.filter(state="adopted").values_list("slug", flat=True))
    assert "ga-2019-decision-observatory" in adopted and len(adopted) == 4
    decision = models.Resolution.objects.get(slug="ga-2019-decision-observatory")
    assert decision.kind == "decision" and decision.decided_on == dt.date(2019, 12, 4)
    page = client.get(
        reverse("governance:resolution_detail", kwargs={"slug": "ga-2019-decision-observatory"})
    )
    assert page.status_code == 200
    assert (
        reverse(
            "governance:resolution_detail", kwargs={"slug": "ga-2019-decision-observatory"}
        ).replace("/fr/", "/en/", 1)
        == "/en/governance/resolutions/ga-2019-decision-observatory/"
    )
    laureates = client.get(reverse("governance:laureates")).content.decode()
    assert "Maïmou Wali" in laureates and "Andréanne Laurein" in laureates
    minutes = client.get(reverse("governance:minutes", args=["phnom-penh-2019-general-assembly"]))
    assert "Quorum atteint" in minutes.content.decode()
