"""Anyone can report an incident; reports wait for analysts' triage; abuse is limited."""

import datetime as dt

import pytest

from edile.observatory import services
from edile.observatory.models import ConfidentialAccess, Incident, IntakeReport, ReportStatus
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


def report_data(**overrides):
    data = {
        "date": "2025-02-10",
        "date_precision": "day",
        "country": "BF",
        "place": "Tiaré",
        "victim_name": "Salif Reporté",
        "victim_gender": "male",
        "victim_office": "mayor",
        "violation_types": ["kidnapping"],
        "description": "Le maire a été enlevé à la sortie de la mairie.",
        "reporter_name": "Une voisine",
        "reporter_contact": "voisine@example.org",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anonymous_report_is_received_and_not_public(client):
    """A report without an account is stored for triage and shown nowhere publicly."""
    response = client.post("/fr/observatory/report/", report_data())
    assert response.status_code == 302
    report = IntakeReport.objects.get()
    assert report.channel == "anonymous" and report.status == ReportStatus.NEW
    assert report.reporter_contact == "voisine@example.org"
    assert "Salif" not in client.get("/fr/observatory/incidents/").content.decode()
    assert not Incident.objects.exists()


def test_partner_report_records_the_channel(client_as):
    """A signed-in partner's report is attributed to the partner channel."""
    client = client_as("observatory_partner")
    client.post("/en/observatory/report/", report_data())
    report = IntakeReport.objects.get()
    assert report.channel == "partner" and report.submitted_by == client.user


def test_honeypot_stores_nothing(client):
    """A robot filling the hidden field is answered like a person but nothing is stored."""
    response = client.post("/fr/observatory/report/", report_data(website="http://spam"))
    assert response.status_code == 302
    assert not IntakeReport.objects.exists()


def test_rate_limit_refuses_with_a_message(client):
    """After the limit, a further report from the same address is refused with 429."""
    for _ in range(services.REPORT_RATE_LIMIT):
        assert client.post("/fr/observatory/report/", report_data()).status_code == 302
    response = client.post("/en/observatory/report/", report_data())
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert IntakeReport.objects.count() == services.REPORT_RATE_LIMIT


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"date": "2025-02-31"}, "Enter a valid date"),
        ({"date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "in the future"),
        ({"violation_types": ["alien_abduction"]}, "Select a valid choice"),
        ({"country": "ZZ"}, "Select a valid choice"),
        ({"description": ""}, "This field is required"),
        ({"description": "x" * 6000}, "at most 5000"),
    ],
)
def test_bad_reports_are_refused_with_a_message(client, overrides, message):
    """Malformed dates, unknown codes and oversized text get a 400 and a clear message."""
    response = client.post("/en/observatory/report/", report_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IntakeReport.objects.exists()


def test_script_in_a_report_is_escaped_for_the_analyst(client, client_as):
    """Script typed in a report is shown as text on the triage page, never run."""
    client.post("/fr/observatory/report/", report_data(description="<script>alert(1)</script>"))
    analyst = client_as("observatory_analyst")
    body = analyst.get(f"/fr/observatory/triage/{IntakeReport.objects.get().pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_likely_duplicates_are_shown_side_by_side(client, client_as):
    """The triage page lists incidents with the same victim or place within 30 days."""
    same_victim = make_incident(victim_name="Salif Reporté", country="BF", date=dt.date(2025, 2, 1))
    same_place = make_incident(
        victim_name="Autre", country="BF", place="Tiaré", date=dt.date(2025, 2, 20)
    )
    make_incident(victim_name="Salif Reporté", country="BF", date=dt.date(2023, 1, 1))  # too old
    client.post("/fr/observatory/report/", report_data())
    report = IntakeReport.objects.get()
    duplicates = {i.reference for i in services_duplicates(report)}
    assert duplicates == {same_victim.reference, same_place.reference}
    body = (
        client_as("observatory_analyst")
        .get(f"/en/observatory/triage/{report.pk}/")
        .content.decode()
    )
    assert same_victim.reference in body and same_place.reference in body


def services_duplicates(report):
    from edile.observatory.selectors import report_duplicates

    return report_duplicates(report)


def test_triage_accept_creates_a_confidential_unpublished_incident(client, client_as):
    """Accepting a report makes a confidential incident in 'reported'; the read is logged."""
    client.post("/fr/observatory/report/", report_data())
    report = IntakeReport.objects.get()
    analyst = client_as("observatory_analyst")
    analyst.get(f"/fr/observatory/triage/{report.pk}/")
    assert ConfidentialAccess.objects.filter(report=report, user=analyst.user).exists()
    response = analyst.post(f"/fr/observatory/triage/{report.pk}/", {"action": "accept"})
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.confidentiality == "confidential" and not incident.is_published
    assert incident.verification_status == "reported"
    assert incident.victims.get().name == "Salif Reporté"
    report.refresh_from_db()
    assert report.status == "accepted" and report.incident == incident
    # A second triage of the same report is refused.
    again = analyst.post(f"/fr/observatory/triage/{report.pk}/", {"action": "reject"})
    assert again.status_code == 400
    assert "déjà été trié" in again.content.decode()


def test_triage_marks_a_duplicate(client, client_as):
    """A report can be attached to an existing incident as a duplicate."""
    incident = make_incident()
    client.post("/fr/observatory/report/", report_data())
    report = IntakeReport.objects.get()
    client_as("observatory_analyst").post(
        f"/fr/observatory/triage/{report.pk}/",
        {"action": "duplicate", "incident": incident.reference},
    )
    report.refresh_from_db()
    assert report.status == "duplicate" and report.incident == incident


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 302),
        ("public", 403),
        ("focal_point", 403),
        ("observatory_partner", 403),
        ("secretariat", 403),
        ("bureau_member", 403),
        ("administrator", 403),
        ("observatory_analyst", 200),
    ],
)
def test_only_analysts_triage(client, client_as, role, status):
    """The triage queue and report pages are for analysts only."""
    client.post("/fr/observatory/report/", report_data())
    report = IntakeReport.objects.get()
    c = client_as(role)
    assert c.get("/fr/observatory/triage/").status_code == status
    assert c.get(f"/fr/observatory/triage/{report.pk}/").status_code == status
    if status != 200:
        c.post(f"/fr/observatory/triage/{report.pk}/", {"action": "accept"})
        assert not Incident.objects.exists()


def test_purge_erases_old_anonymous_reporters_only(client):
    """The retention job erases old anonymous reporters' contact; facts and newer ones stay."""
    client.post("/fr/observatory/report/", report_data())
    old = IntakeReport.objects.get()
    IntakeReport.objects.filter(pk=old.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client.post("/fr/observatory/report/", report_data(reporter_name="Récent"))
    count = services.anonymous_report_purge_expired(before=dt.date(2021, 1, 1))
    assert count == 1
    old.refresh_from_db()
    assert old.reporter_contact == "" and old.reporter_name == "" and old.contact_purged_at
    assert old.description and old.victim_name == "Salif Reporté"
    assert IntakeReport.objects.get(reporter_name="Récent").reporter_contact
    assert not old.history.exclude(reporter_name="").exists()
    assert services.anonymous_report_purge_expired(before=dt.date(2021, 1, 1)) == 0


def test_reporters_follow_only_their_own_reports(client_as):
    """A partner sees the status of the reports they sent, and not other people's."""
    partner, other = client_as("observatory_partner"), client_as("focal_point")
    partner.post("/en/observatory/report/", report_data(place="Partnerville"))
    other.post("/en/observatory/report/", report_data(place="Othertown", country="SN"))
    body = partner.get("/en/observatory/report/mine/").content.decode()
    assert "Burkina Faso" in body and "Waiting for triage" in body
    assert "Senegal" not in body
    assert client_as(None).get("/en/observatory/report/mine/").status_code == 302
