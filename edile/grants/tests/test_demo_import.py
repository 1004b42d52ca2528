"""The 2019 demo programme and the all-or-nothing import of past projects."""

import io
from decimal import Decimal

import pytest

from edile.grants import demo, imports, selectors
from edile.grants.models import Application, CoFinancing, Grant, MonitoringVisit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_loaded():
    from edile.members import demo as members_demo

    # The grants demo needs the member cities; it creates the Bureau itself if governance's
    # demo has not run, so this test does not depend on the other modules' demos.
    out = io.StringIO()
    for module in (members_demo, demo):
        module.load(out)
    return out


def test_demo_programme_2019_matches_the_report(demo_loaded, client):
    """2019: 14 projects, under €1.5 M granted, over €9 M of partnerships, over 3 M beneficiaries."""
    summary = client.get("/api/v1/grants/programme-summary?year=2019").json()
    assert summary["projects"] == 14
    assert Decimal(summary["granted_eur"]) < Decimal("1500000")
    assert Decimal(summary["granted_eur"]) > Decimal("1400000")
    assert Decimal(summary["partnerships_eur"]) > Decimal("9000000")
    assert summary["beneficiaries"] > 3_000_000
    sectors = {row["key"] for row in selectors.breakdown("sector")}
    assert sectors == {"culture", "education", "water_sanitation", "health", "entrepreneurship"}
    siem_reap = Application.objects.get(local_government__slug="siem-reap")
    assert not siem_reap.is_fictional and "boues de vidange" in siem_reap.title_fr
    visit = MonitoringVisit.objects.get(grant__application=siem_reap)
    assert (visit.date.year, visit.date.month) == (2019, 12)
    assert Application.objects.filter(is_fictional=True).count() == 13


def test_demo_twice_changes_nothing(demo_loaded):
    """Loading the demo a second time leaves the same counts."""
    counts = (Application.objects.count(), Grant.objects.count(), CoFinancing.objects.count())
    demo.load(io.StringIO())
    assert (
        Application.objects.count(),
        Grant.objects.count(),
        CoFinancing.objects.count(),
    ) == counts


HEADER = "reference,city,year,title_fr,title_en,sector,start,end,decision_date,amount,currency,beneficiaries,partner,partner_amount,partner_currency\n"


def test_import_all_or_nothing_with_every_bad_row(make_user):
    """A file with bad rows imports nothing and lists each bad row with its line and reason."""
    from edile.members.tests.factories import make_member

    make_member(slug="dakar")
    staff = make_user("secretariat")
    rows = (
        "2017-dakar-a,dakar,2017,Écoles,Schools,education,2017-01-01,2018-01-01,2016-12-01,90000.00,EUR,1000,,,\n"
        "2017-dakar-b,atlantis,2017,X,X,education,2017-01-01,2018-01-01,2016-12-01,90000.00,EUR,1000,,,\n"
        "2017-dakar-c,dakar,2017,X,X,education,2018-01-01,2017-01-01,2016-12-01,-5,EUR,1000,,,\n"
        "2017-dakar-d,dakar,2017,X,X,education,2017-01-01,2018-01-01,2016-12-01,100.00,ZZZ,1000,,,\n"
    )
    report = imports.projects_import(
        actor=staff, data=(HEADER + rows).encode(), filename="past.csv"
    )
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 4, 5]
    assert "atlantis" in report.errors[0].message
    assert "end date" in report.errors[1].message
    assert "ZZZ" in report.errors[2].message
    assert Application.objects.count() == 0


def test_import_good_file_creates_projects(make_user, client_as):
    """A clean file creates approved projects that count in the dashboard."""
    from edile.grants.tests.factories import make_partner
    from edile.members.tests.factories import make_member

    make_member(slug="dakar")
    make_partner(slug="afd")
    c = client_as("secretariat")
    rows = "2017-dakar-a,dakar,2017,Écoles,Schools,education,2017-01-01,2018-01-01,2016-12-01,90000.00,EUR,1000,afd,300000,EUR\n"
    upload = io.BytesIO((HEADER + rows).encode())
    upload.name = "past.csv"
    response = c.post("/fr/grants/projects/import/", {"file": upload})
    assert response.status_code == 302
    summary = selectors.programme_summary(selectors.ProjectFilters(year=2017))
    assert summary["projects"] == 1 and summary["partnerships_eur"] == Decimal("300000.00")
    bad = io.BytesIO(b"reference\nx\n")
    bad.name = "past.csv"
    response = c.post("/fr/grants/projects/import/", {"file": bad})
    assert response.status_code == 400


def test_import_forbidden_to_focal_points(client_as):
    """Only the secretariat imports past projects."""
    assert client_as("focal_point").get("/fr/grants/projects/import/").status_code == 403


def test_demo_decided_at_the_bureau_meeting_of_3_december_2019(demo_loaded, make_user):
    """The demo used to date its 14 decisions 20 June 2019 and write them directly, with no
    review: now the 2019 call is reviewed by the Bureau's reviewers, the 14 decisions are
    taken at the Bureau meeting of 3 December 2019 through the services, and that meeting's
    minutes list each of them."""
    import datetime as dt

    from django.test import Client

    from edile.governance.models import ResolutionKind
    from edile.grants.models import Decision, ReviewStatus

    decisions = list(
        Decision.objects.filter(application__call__year=2019).select_related("meeting")
    )
    assert len(decisions) == 14
    meetings = {d.meeting for d in decisions}
    assert len(meetings) == 1
    meeting = meetings.pop()
    assert meeting.body.slug == "bureau"
    assert {d.meeting_date for d in decisions} == {dt.date(2019, 12, 3)}
    for d in decisions:
        assert d.application.reviews.filter(status=ReviewStatus.SUBMITTED).count() >= 2
        assert d.resolution.meeting == meeting
        assert d.resolution.kind == ResolutionKind.DECISION
    client = Client()
    client.force_login(make_user("secretariat"))
    assert (
        client.post(f"/en/governance/meetings/{meeting.slug}/minutes/generate/").status_code == 302
    )
    text = client.get(f"/en/governance/meetings/{meeting.slug}/minutes/").content.decode()
    shown = text.split('id="minutes-text">', 1)[1].split("</div>", 1)[0]  # not the edit form
    assert shown.count("Grant granted:") == 14
