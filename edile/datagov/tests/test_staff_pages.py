"""The secretariat's data-governance pages: retention policies, roadmap actions, the register's
records linked to their datasets — each on a page of ours, none in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from edile.core.testing import pdf_text
from edile.datagov.models import (
    ProcessingRecord,
    RetentionPolicy,
    RetentionTarget,
    Roadmap,
    RoadmapAction,
)
from edile.datagov.tests.factories import DatasetFactory
from edile.members.tests.factories import LocalGovernmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap(db):
    lg = LocalGovernmentFactory()
    plan = Roadmap.objects.create(
        slug="feuille", title_fr="Feuille de route", adopted_on=dt.date(2024, 5, 1)
    )
    RoadmapAction.objects.create(
        roadmap=plan,
        code="A1",
        title_fr="Inventaire des données",
        title_en="Data inventory",
        owner=lg,
        due_date=dt.date(2025, 6, 30),
        status="planned",
    )
    RoadmapAction.objects.create(
        roadmap=plan,
        code="A2",
        title_fr="Portail ouvert",
        due_date=dt.date.today() + dt.timedelta(days=300),
        status="planned",
    )
    return plan


def test_an_action_past_its_due_date_is_flagged_overdue(roadmap):
    """An action due in 2025 that is still "planned" says it is overdue; one due next year
    does not; a done one never does."""
    body = Client().get("/fr/data/roadmap/").content.decode()
    row_a1 = body.split("Inventaire des données")[1].split("</tr>")[0]
    row_a2 = body.split("Portail ouvert")[1].split("</tr>")[0]
    assert "En retard" in row_a1
    assert "En retard" not in row_a2
    assert "1 action en retard" in body
    RoadmapAction.objects.filter(code="A1").update(status="done", evidence="Inventaire publié")
    assert "En retard" not in Client().get("/fr/data/roadmap/").content.decode()


def test_the_secretariat_adds_and_reschedules_an_action_from_the_page(roadmap, client_as):
    """New action (code, titles, owner, partner, due date) then a new due date and owner, with
    the version check; a focal point may do neither."""
    staff = client_as("secretariat")
    owner = LocalGovernmentFactory()
    response = staff.post(
        "/en/data/roadmap/actions/new/",
        {
            "code": "A3",
            "title_fr": "Catalogue moissonné",
            "title_en": "Harvested catalogue",
            "owner": owner.pk,
            "partner": "Etalab",
            "due_date": "2027-03-31",
        },
    )
    assert response.status_code == 302
    action = RoadmapAction.objects.get(code="A3")
    assert (action.roadmap, action.owner, action.status) == (roadmap, owner, "planned")
    page = staff.get("/en/data/roadmap/").content.decode()
    assert "Harvested catalogue" in page and owner.name in page

    again = staff.post(
        "/en/data/roadmap/actions/new/",
        {"code": "A3", "title_fr": "Doublon", "due_date": "2027-03-31"},
    )
    assert again.status_code == 200
    assert "An action with this code is already in the roadmap." in again.content.decode()

    edit = {
        "code": "A3",
        "title_fr": "Catalogue moissonné",
        "title_en": "Harvested catalogue",
        "owner": "",
        "partner": "Etalab",
        "due_date": "2027-09-30",
        "status": "delayed",
        "evidence": "",
        "evidence_url": "",
        "version": action.version,
    }
    assert staff.post(f"/en/data/roadmap/actions/{action.pk}/edit/", edit).status_code == 302
    action.refresh_from_db()
    assert (action.due_date, action.owner, action.status) == (dt.date(2027, 9, 30), None, "delayed")
    stale = staff.post(f"/en/data/roadmap/actions/{action.pk}/edit/", edit)
    assert stale.status_code == 200
    assert "Someone else changed this record while you were editing it." in stale.content.decode()

    focal = client_as("focal_point", local_government=owner)
    assert focal.get("/en/data/roadmap/actions/new/").status_code == 403
    assert focal.post(f"/en/data/roadmap/actions/{action.pk}/edit/", edit).status_code == 403


def test_the_secretariat_sets_a_retention_policy_from_the_page(client_as):
    """Period, action, active: changed on our page (history kept); 0 days is refused with a
    message; only staff may."""
    policy = RetentionPolicy.objects.get(target=RetentionTarget.DOWNLOAD_LOGS)
    staff = client_as("secretariat")
    index = staff.get("/fr/data/register/").content.decode()
    assert f'href="/fr/data/retention/{policy.pk}/edit/"' in index
    form = {"period_days": "400", "action": "anonymise", "is_active": "on"}
    assert staff.post(f"/fr/data/retention/{policy.pk}/edit/", form).status_code == 302
    policy.refresh_from_db()
    assert (policy.period_days, policy.action, policy.is_active) == (400, "anonymise", True)
    assert policy.history.first().history_user == staff.user

    bad = staff.post(f"/fr/data/retention/{policy.pk}/edit/", {**form, "period_days": "0"})
    assert bad.status_code == 200
    assert "supérieure ou égale à 1" in bad.content.decode()
    policy.refresh_from_db()
    assert policy.period_days == 400

    focal = client_as("focal_point", local_government=LocalGovernmentFactory())
    assert focal.get(f"/fr/data/retention/{policy.pk}/edit/").status_code == 403
    assert "retention/" not in focal.get("/fr/data/register/").content.decode().split("<main")[1]


def test_the_register_pdf_is_complete_and_records_name_their_datasets(client_as):
    """The PDF carries the data-protection contact (it was left out); a record lists the
    datasets it concerns, on the register and on the dataset's page; only the city's own
    datasets may be linked."""
    lg = LocalGovernmentFactory(slug="ville-rgpd")
    mine = DatasetFactory(publisher=lg, title_fr="Registre social RSU")
    theirs = DatasetFactory(title_fr="Autre ville")
    focal = client_as("focal_point", local_government=lg)
    record = {
        "name_fr": "Aide sociale",
        "purpose_fr": "Aider",
        "legal_basis": "public_task",
        "data_categories": "Ressources",
        "subject_categories": "Ménages",
        "retention_period": "5 ans",
        "security_measures": "Chiffrement",
        "dpo_contact": "dpd@ville-rgpd.example",
        "datasets": [theirs.pk],
    }
    refused = focal.post("/fr/data/register/ville-rgpd/new/", record)
    assert refused.status_code == 200
    assert "Sélectionnez un choix valide" in refused.content.decode()
    assert not ProcessingRecord.objects.filter(controller=lg).exists()
    record["datasets"] = [mine.pk]
    assert focal.post("/fr/data/register/ville-rgpd/new/", record).status_code == 302
    assert list(ProcessingRecord.objects.get(controller=lg).datasets.all()) == [mine]

    text = pdf_text(focal.get("/fr/data/register/ville-rgpd/?format=pdf").content)
    assert "dpd@ville-rgpd.example" in text
    assert "Registre social RSU" in text
    page = focal.get("/fr/data/register/ville-rgpd/").content.decode()
    assert f'href="/fr/data/datasets/{mine.slug}/"' in page
    dataset_page = focal.get(f"/fr/data/datasets/{mine.slug}/").content.decode()
    assert "Aide sociale" in dataset_page and 'href="/fr/data/register/ville-rgpd/' in dataset_page


def test_a_self_assessment_shows_what_each_level_means_and_keeps_its_evidence(client_as):
    """The secretariat writes what level 4 means for one dimension; the city's form offers it
    next to the level; the focal point's evidence for each answer is kept and shown."""
    from edile.datagov.models import MaturityAssessment, MaturityDimension, MaturityLevel

    dim = MaturityDimension.objects.order_by("order").first()
    level = MaturityLevel.objects.get(value=4)
    staff = client_as("secretariat")
    framework = staff.get("/fr/data/maturity/framework/")
    assert framework.status_code == 200
    field = f"d_{dim.code}_4_fr"
    assert f'name="{field}"' in framework.content.decode()
    saved = staff.post(
        "/fr/data/maturity/framework/",
        {field: "Un inventaire complet, mis à jour chaque année", f"d_{dim.code}_4_en": ""},
    )
    assert saved.status_code == 302

    lg = LocalGovernmentFactory(slug="ville-maturite")
    focal = client_as("focal_point", local_government=lg)
    form = focal.get("/fr/data/maturity/ville-maturite/assess/").content.decode()
    assert f"4 — {level.name_fr}\u00a0: Un inventaire complet, mis à jour chaque année" in form
    data = {"assessed_on": "2026-11-30"}
    data.update({f"dim_{d.code}": 2 for d in MaturityDimension.objects.all()})
    data[f"dim_{dim.code}"] = 4
    data[f"ev_{dim.code}"] = "Inventaire 2026 publié sur le portail"
    assert focal.post("/fr/data/maturity/ville-maturite/assess/", data).status_code == 302
    score = MaturityAssessment.objects.get(local_government=lg).scores.get(dimension=dim)
    assert score.evidence == "Inventaire 2026 publié sur le portail"
    page = Client().get("/fr/data/maturity/ville-maturite/").content.decode()
    assert "Inventaire 2026 publié sur le portail" in page

    assert focal.get("/fr/data/maturity/framework/").status_code == 403
