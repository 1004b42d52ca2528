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
    models.RegistrationType,
    models.Election,
    models.Candidate,
    models.ElectionRound,
    models.ElectionReceipt,
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
    assert "ga-2019-decision-observatory" in adopted and len(adopted) == 5
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


def test_the_2019_report_states_the_seed_report_facts(client):
    """The demo's report of Phnom Penh 2019 says what the report that started the project says
    (shared/seed/aimf-congress-phnom-penh-2019.txt): more than 400 participants, 2 to 5
    December, the symposium on 3 December, three resolutions, the observatory and the data
    roadmap decided, the two laureates, 14 projects granted nearly €1.5 M by the Bureau on
    3 December with more than €9 M of partnerships and 3 M beneficiaries, Siem Reap visited."""
    from decimal import Decimal

    from edile.governance.report import congress_report
    from edile.grants import demo as grants_demo

    _load()
    grants_demo.load(io.StringIO())
    congress = models.Meeting.objects.get(slug="phnom-penh-2019")
    record = congress_report(congress, language="en")
    assert record.participants > 400
    assert (record.first_day, record.last_day) == (dt.date(2019, 12, 2), dt.date(2019, 12, 5))
    sessions = {s.title: s.day for s in record.sessions}
    assert sessions["Symposium: resilient cities"] == dt.date(2019, 12, 3)
    assert sessions["Bureau meeting"] == dt.date(2019, 12, 3)
    assert sessions["General Assembly"] == dt.date(2019, 12, 4)
    assert sessions["Second Conference of the mayors of South-East Asia"] == dt.date(2019, 12, 2)
    assert {"Innovative Cities Commission", "Living Together Commission"} <= set(sessions)
    assert any("Fast Track Cities" in t for t in sessions)
    assert any("Zéro Palu" in t for t in sessions)
    assert [t.number for t in record.resolutions] == ["AG-2019-R01", "AG-2019-R02", "AG-2019-R03"]
    assert "Adama Sangaré" in record.resolutions[0].title
    assert (
        "refugee" in record.resolutions[1].title and "biodiversity" in record.resolutions[2].title
    )
    decisions = [t.title for t in record.decisions]
    assert len(decisions) == 2  # the 14 grant decisions are summed in the grants section
    assert "Observatory of Mayors in Danger" in decisions[0]
    assert "roadmap on the governance of urban data" in decisions[1]
    assert sorted(laureate.name for laureate in record.laureates) == [
        "Andréanne Laurein",
        "Maïmou Wali",
    ]
    assert "Cercle.DEV" in record.laureates[0].citation + record.laureates[1].citation
    grants = record.grants
    assert grants.count == 14
    assert Decimal("1400000") < grants.amount_eur < Decimal("1500000")
    assert grants.partnerships_eur > Decimal("9000000")
    assert grants.beneficiaries > 3_000_000
    assert any(v.title == "Siem Reap" for v in record.site_visits)

    french = client.get(reverse("governance:congress_report", args=["phnom-penh-2019"]))
    assert french.status_code == 200
    html = french.content.decode()
    assert "14 projets ont reçu 1" in html and "Maïmou Wali" in html
    assert "Feuille de route" in html or "feuille de route" in html
    pdf = client.get(
        reverse("governance:congress_report_pdf", args=["phnom-penh-2019"]) + "?lang=en"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_congress_has_its_registration_types_and_a_closed_bureau_election(client):
    """Every demo registration points to its congress's type; the General Assembly elected
    two Bureau members in two rounds (absolute, then relative majority), results published
    and the elected seated for three years from 4 December 2019."""
    _load()
    congress = models.Meeting.objects.get(slug="phnom-penh-2019")
    assert congress.registration_types.count() == 7
    assert not models.Registration.objects.filter(
        congress=congress, registration_type__isnull=True
    ).exists()
    assert (
        models.Registration.objects.filter(
            congress=congress, registration_type__code="mayor", type="mayor"
        ).count()
        == models.Registration.objects.filter(congress=congress, type="mayor").count()
    )

    election = models.Election.objects.get(meeting__slug="phnom-penh-2019-general-assembly")
    assert election.status == "published" and election.body.slug == "bureau"
    rounds = list(election.rounds.order_by("number"))
    assert [(r.number, r.rule, r.status) for r in rounds] == [
        (1, "absolute", "closed"),
        (2, "relative", "closed"),
    ]
    elected = {
        c.name: c.elected_in_round
        for c in election.candidates.filter(elected_in_round__isnull=False)
    }
    assert elected == {"Aline Uwase": 1, "Karim Benali": 2}
    assert "Aline Uwase" in rounds[0].explanation_fr and rounds[0].required
    seats = models.Seat.objects.filter(
        body__slug="bureau", local_government__slug__in=["kigali", "rabat"]
    )
    assert {(s.start, s.end) for s in seats} == {(dt.date(2019, 12, 4), dt.date(2022, 12, 3))}
    page = client.get(reverse("governance:election_detail", args=[election.pk]))
    assert page.status_code == 200
    assert "Aline Uwase" in page.content.decode()
