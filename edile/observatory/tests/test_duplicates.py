"""Duplicates found and merged (issue 12, point 4): fuzzy names and places, dates by
precision, pending reports compared with each other, a merge that carries every fact and
can be undone."""

import datetime as dt

import pytest

from edile.observatory import duplicates, services
from edile.observatory.models import (
    FollowUp,
    Incident,
    IncidentMerge,
    IntakeReport,
    Witness,
)
from edile.observatory.selectors import report_duplicates, similar_incidents, statistics
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("M. Tshibanda", "Mireille Tshibanda", True),
        ("Tshibanda", "Mireille Tshibanda", True),
        ("MIREILLE TSHIBANDA", "mireille tshibanda", True),
        ("Mireille Tshibanda", "Tshibanda Mireille", True),
        ("Mireille Tshibanda", "Mireile Tchibanda", True),
        ("A. Tshibanda", "Mireille Tshibanda", False),
        ("Awa Diarra", "Moussa Traoré", False),
    ],
)
def test_names_match_across_accents_case_initials_and_spelling(a, b, same):
    assert duplicates.similar_name(a, b, 0.85) is same


def test_places_match_without_accents():
    assert duplicates.similar_place("Sénou-Dari", "Senou-Dari", 0.85)
    assert not duplicates.similar_place("Sénou-Dari", "Kita", 0.85)


def test_the_missed_pair_of_the_issue_is_found():
    """'M. Tshibanda' in 'Sénou-Dari' vs 'Mireille Tshibanda' in 'Senou-Dari', 35 days later
    (the exact-match ±30 days rule missed it)."""
    first = make_incident(
        country="CD", place="Sénou-Dari", victim_name="M. Tshibanda", date=dt.date(2024, 3, 1)
    )
    found = similar_incidents(
        date=dt.date(2024, 4, 5), country="CD", place="Senou-Dari", victim_name="Mireille Tshibanda"
    )
    assert [i.reference for i in found] == [first.reference]


def test_a_year_precision_record_matches_a_day_in_that_year():
    year_only = make_incident(
        country="ML",
        place="Nioro",
        victim_name="Ousmane Keïta",
        date=dt.date(2022, 1, 1),
        date_precision="year",
    )
    found = similar_incidents(
        date=dt.date(2022, 9, 14), country="ML", place="", victim_name="Ousmane Keita"
    )
    assert [i.reference for i in found] == [year_only.reference]
    # The other way round too, and a day of another year is not close.
    assert not similar_incidents(
        date=dt.date(2024, 9, 14), country="ML", victim_name="Ousmane Keita"
    )


def test_another_country_or_a_far_date_is_not_a_duplicate():
    make_incident(country="ML", place="Kita", victim_name="Awa Diarra", date=dt.date(2024, 1, 1))
    assert not similar_incidents(date=dt.date(2024, 1, 2), country="SN", victim_name="Awa Diarra")
    assert not similar_incidents(date=dt.date(2024, 9, 1), country="ML", victim_name="Awa Diarra")


def _report(**kwargs):
    values = {
        "channel": "public",
        "date": dt.date(2025, 2, 10),
        "date_precision": "day",
        "country": "BF",
        "place": "Tiaré",
        "victim_name": "Salif Ouédraogo",
        "description": "Enlèvement",
    }
    values.update(kwargs)
    return IntakeReport.objects.create(**values)


def test_pending_reports_are_compared_with_each_other_and_with_incidents():
    one = _report()
    two = _report(victim_name="S. Ouedraogo", place="Tiare", date=dt.date(2025, 2, 12))
    _report(victim_name="Autre Personne", place="Ailleurs")
    incident = make_incident(
        country="BF", place="Tiaré", victim_name="Salif Ouedraogo", date=dt.date(2025, 1, 30)
    )

    def key(obj):
        return obj.pk if isinstance(obj, IntakeReport) else obj.reference

    found = {frozenset({key(p.first), key(p.second)}) for p in duplicates.possible_duplicates()}
    assert frozenset({one.pk, two.pk}) in found
    assert frozenset({one.pk, incident.reference}) in found
    assert [i.reference for i in report_duplicates(two)] == [incident.reference]


def test_an_import_dry_run_shows_fuzzy_duplicates(make_user):
    existing = make_incident(
        country="ML", place="Kita", victim_name="Awa Diarra", date=dt.date(2023, 3, 1)
    )
    text = (
        "date,date_precision,country,place,victim_name,violation_types,confidentiality,"
        "verification_status\n"
        "2023,year,ML,KITA,A. Diarra,threat,confidential,reported\n"
    )
    report = services.incidents_import(
        actor=make_user("observatory_analyst"),
        data=text.encode(),
        filename="again.csv",
        dry_run=True,
    )
    assert report.ok
    assert report.planned[0]["duplicates"] == [existing.reference]


def test_the_duplicates_page_lists_pairs_with_a_merge_link(client_as):
    a = make_incident(country="ML", place="Kita", victim_name="Awa Diarra")
    b = make_incident(country="ML", place="Kita", victim_name="A. Diarra", published=False)
    response = client_as("observatory_analyst").get("/en/observatory/incidents/duplicates/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"keep={a.reference}&amp;absorb={b.reference}" in html or (
        f"keep={b.reference}&amp;absorb={a.reference}" in html
    )
    assert "similar victim&#x27;s name" in html or "similar victim's name" in html


@pytest.mark.parametrize("role", ["administrator", "secretariat", "observatory_partner"])
def test_the_duplicates_and_merge_pages_are_for_analysts_only(client_as, role):
    a = make_incident(victim_name="Secret Person")
    b = make_incident(victim_name="Secret Person")
    c = client_as(role)
    page = c.get("/en/observatory/incidents/duplicates/")
    assert page.status_code == 403 and "Secret Person" not in page.content.decode()
    merge = c.get(f"/en/observatory/incidents/merge/?keep={a.reference}&absorb={b.reference}")
    assert merge.status_code == 403


def _merge(client, kept, absorbed, **extra):
    data = {
        "keep": kept.reference,
        "absorb": absorbed.reference,
        "keep_version": kept.version,
        "absorb_version": absorbed.version,
        "reason": "Même événement",
        "confirm": "on",
    }
    data.update(extra)
    return client.post("/en/observatory/incidents/merge/", data)


def test_merge_carries_every_fact_is_recorded_and_can_be_undone(client_as):
    kept = make_incident(country="ML", victim_name="Awa Diarra", date=dt.date(2024, 5, 3))
    absorbed = make_incident(
        country="ML", victim_name="A. Diarra", date=dt.date(2024, 5, 20), witness="Un Témoin"
    )
    FollowUp.objects.create(
        incident=absorbed, kind="advocacy", date=dt.date(2024, 6, 1), description="Lettre"
    )
    analyst = client_as("observatory_analyst")
    report = _report(
        country="ML",
        incident=absorbed,
        status="duplicate",
        triaged_by=analyst.user,
        triaged_at=dt.datetime(2024, 6, 2, tzinfo=dt.UTC),
    )
    assert statistics(analyst.user)["total"]["count"] == 2
    page = analyst.get(
        f"/en/observatory/incidents/merge/?keep={kept.reference}&absorb={absorbed.reference}"
    )
    assert page.status_code == 200 and "A. Diarra" in page.content.decode()

    response = _merge(analyst, kept, absorbed)
    assert response.status_code == 302
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert absorbed.merged_into == kept and not absorbed.is_published
    assert sorted(v.name for v in kept.victims.all()) == ["A. Diarra", "Awa Diarra"]
    assert kept.acts.count() == 2 and kept.sources.count() == 2
    assert kept.witnesses.get().name == "Un Témoin"
    assert kept.follow_ups.get().description == "Lettre"
    assert list(kept.reports.all()) == [report]
    merge = IncidentMerge.objects.get()
    assert merge.merged_by == analyst.user and merge.absorbed_state["is_published"] is True
    assert len(merge.moved["victims"]) == 1 and merge.moved["reports"] == [report.pk]
    # The absorbed record is no longer counted nor listed.
    assert statistics(analyst.user)["total"]["count"] == 1
    assert analyst.get(f"/en/observatory/incidents/{absorbed.reference}/").status_code == 404

    undo = analyst.post(f"/en/observatory/incidents/merges/{merge.pk}/undo/")
    assert undo.status_code == 302
    absorbed.refresh_from_db()
    assert absorbed.merged_into is None and not absorbed.is_published
    assert [v.name for v in absorbed.victims.all()] == ["A. Diarra"]
    assert absorbed.witnesses.get().name == "Un Témoin"
    assert [v.name for v in kept.victims.all()] == ["Awa Diarra"]
    assert list(absorbed.reports.all()) == [report]
    merge.refresh_from_db()
    assert merge.undone_by == analyst.user
    again = analyst.post(f"/en/observatory/incidents/merges/{merge.pk}/undo/")
    assert again.status_code == 302 and Witness.objects.filter(incident=absorbed).count() == 1


def test_merge_needs_the_confirmation_and_the_current_versions(client_as):
    kept, absorbed = make_incident(), make_incident()
    analyst = client_as("observatory_analyst")
    response = _merge(analyst, kept, absorbed, confirm="")
    assert response.status_code == 400
    assert not Incident.objects.filter(merged_into__isnull=False).exists()
    response = _merge(analyst, kept, absorbed, keep_version=kept.version + 5)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert not IncidentMerge.objects.exists()


def test_a_merged_incident_is_not_counted_in_statistics(client_as):
    for n in range(4):
        make_incident(country="ML", victim_name=f"Person {n}", date=dt.date(2024, 1, n + 1))
    kept = Incident.objects.order_by("pk").first()
    absorbed = Incident.objects.order_by("pk").last()
    services.incident_merge(
        actor=client_as("observatory_analyst").user,
        kept=kept,
        absorbed=absorbed,
        kept_version=kept.version,
        absorbed_version=absorbed.version,
    )
    assert statistics(client_as("observatory_analyst").user)["total"]["count"] == 3
    public = statistics(None)
    assert public["total"]["count"] in (3, None)  # 3, or hidden by the protection
    assert sum(c["count"] or 0 for c in public["by_year"]) <= 3


def test_after_a_real_import_the_analyst_sees_the_possible_duplicates(client_as):
    """Re-importing rows no longer creates duplicates silently."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = make_incident(
        country="ML", place="Kita", victim_name="Awa Diarra", date=dt.date(2023, 3, 1)
    )
    text = (
        "date,date_precision,country,place,victim_name,violation_types,confidentiality,"
        "verification_status\n"
        "2023-03-20,day,ML,Kita,Awa DIARRA,threat,confidential,reported\n"
        "2023-03-21,day,ML,Kita,Awa Diarra,threat,confidential,reported\n"
    )
    analyst = client_as("observatory_analyst")
    dry = analyst.post(
        "/en/observatory/incidents/import/",
        {"file": SimpleUploadedFile("again.csv", text.encode()), "dry_run": "on"},
    )
    assert dry.status_code == 200
    assert "line 2 of this file" in dry.content.decode()
    response = analyst.post(
        "/en/observatory/incidents/import/",
        {"file": SimpleUploadedFile("again.csv", text.encode())},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicates among the imported incidents" in html
    assert f"keep={existing.reference}&amp;absorb=" in html


def test_the_duplicates_page_scans_the_most_recent_incidents_and_says_so(client_as, monkeypatch):
    """A large inventory does not make the page load every incident; the limit is stated."""
    monkeypatch.setattr(duplicates, "SCAN_LIMIT", 2)
    make_incident(country="ML", place="Kita", victim_name="Awa Diarra", date=dt.date(2020, 1, 1))
    make_incident(country="ML", place="Kita", victim_name="A. Diarra", date=dt.date(2020, 1, 5))
    make_incident(country="ML", place="Nioro", victim_name="X", date=dt.date(2024, 1, 1))
    make_incident(country="ML", place="Kayes", victim_name="Y", date=dt.date(2024, 2, 1))
    assert duplicates.possible_duplicates() == []
    monkeypatch.setattr(duplicates, "SCAN_LIMIT", 5000)
    assert len(duplicates.possible_duplicates()) == 1
    html = client_as("observatory_analyst").get("/en/observatory/incidents/duplicates/")
    assert "compares the 5000 most recent incidents" in html.content.decode()
