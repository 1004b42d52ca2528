"""Catalogue search and facets, publishing, the register, the roadmap and maturity pages, the demo."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from edile.datagov.models import (
    Classification,
    Dataset,
    MaturityAssessment,
    MaturityDimension,
    ProcessingRecord,
)
from edile.datagov.tests.factories import DatasetFactory, DistributionFactory
from edile.members.tests.factories import LocalGovernmentFactory


@pytest.fixture
def many(db):
    """Twenty-odd datasets over several publishers, themes, formats and licences."""
    cities = [LocalGovernmentFactory(country=c) for c in ("SN", "KH", "FR", "CA")]
    for i in range(24):
        ds = DatasetFactory(
            publisher=cities[i % 4],
            themes=[["TRAN"], ["ENVI", "REGI"], ["ECON"]][i % 3],
            licence=["etalab-2.0", "odbl", "cc-by-4.0"][i % 3],
            classification=[
                Classification.OPEN,
                Classification.RESTRICTED,
                Classification.INTERNAL,
            ][i % 3],
            title_fr=f"Jeu {i} {'eau' if i % 2 else 'bus'}",
        )
        DistributionFactory(dataset=ds, format=["CSV", "JSON"][i % 2])
        DistributionFactory(dataset=ds, format="PDF")
    return cities


def test_catalogue_page_runs_in_constant_queries(many, client, django_assert_max_num_queries):
    """The catalogue page with facets costs the same few queries whatever the number of datasets."""
    with django_assert_max_num_queries(14):
        response = client.get("/fr/data/")
    assert response.status_code == 200
    assert response.content.decode().count('class="dataset-list"') == 1


def test_api_list_runs_in_constant_queries(many, client, django_assert_max_num_queries):
    """The API list with facets costs a constant number of queries."""
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/datagov/datasets?limit=50")
    assert response.json()["count"] == 16  # internal ones are hidden from the public


def test_facets_count_and_filter(many, client):
    """A facet filters the results, and each facet's counts follow the other filters."""
    data = client.get("/api/v1/datagov/datasets?theme=TRAN&format=CSV").json()
    assert data["count"] == len(data["items"]) > 0
    assert all("TRAN" in d["themes"] and "CSV" in d["formats"] for d in data["items"])
    countries = {f["value"]: f["count"] for f in data["facets"]["country"]}
    assert sum(countries.values()) == data["count"]
    classes = {
        f["value"]
        for f in client.get("/api/v1/datagov/datasets").json()["facets"]["classification"]
    }
    assert classes == {"open", "restricted"}
    words = client.get("/api/v1/datagov/datasets?q=eau").json()
    assert words["count"] and all("eau" in d["title"] for d in words["items"])
    html = client.get("/fr/data/?theme=TRAN&format=CSV").content.decode()
    assert 'aria-current="true"' in html


def test_bad_filter_answers_422_with_a_message(client, db):
    """An unknown facet value in the API is a 422 with a readable detail, not a 500."""
    response = client.get("/api/v1/datagov/datasets?classification=secret")
    assert response.status_code == 422 and "classification" in response.json()["detail"]


def test_focal_point_publishes_through_the_form(client_as):
    """A focal point publishes for its own city; the DCAT-AP check result is shown."""
    lg = LocalGovernmentFactory()
    client = client_as("focal_point", local_government=lg)
    response = client.post(
        "/fr/data/datasets/new/",
        {
            "publisher": lg.pk,
            "title_fr": "Marchés",
            "description_fr": "Les marchés de la ville.",
            "classification": "open",
            "licence": "cc-by-4.0",
            "contact_name": "Data",
            "contact_email": "data@example.org",
            "frequency": "ANNUAL",
            "issued": "2025-01-01",
            "modified": "2025-02-01",
            "themes": ["ECON"],
        },
    )
    assert response.status_code == 302
    ds = Dataset.objects.get(title_fr="Marchés")
    assert ds.publisher == lg and [t.code for t in ds.themes.all()] == ["ECON"]
    page = client.get(response["Location"]).content.decode()
    assert "DCAT-AP" in page


def test_focal_point_cannot_publish_for_another_city(client_as):
    """Choosing another city as publisher is refused by the form."""
    lg, other = LocalGovernmentFactory(), LocalGovernmentFactory()
    client = client_as("focal_point", local_government=lg)
    response = client.post(
        "/fr/data/datasets/new/",
        {
            "publisher": other.pk,
            "title_fr": "X",
            "description_fr": "Y",
            "classification": "open",
            "licence": "cc0",
            "contact_name": "D",
            "contact_email": "d@example.org",
            "frequency": "ANNUAL",
            "issued": "2025-01-01",
            "modified": "2025-01-01",
        },
    )
    assert response.status_code == 200 and not Dataset.objects.exists()


def test_concurrent_edits_do_not_overwrite(client_as):
    """Saving with a stale version is refused with 409 and the other editor's change stays."""
    ds = DatasetFactory()
    client = client_as("secretariat")
    form = {
        "title_fr": "Nouveau titre",
        "description_fr": "D",
        "classification": "open",
        "licence": "cc0",
        "contact_name": "D",
        "contact_email": "d@example.org",
        "frequency": "ANNUAL",
        "issued": "2021-01-01",
        "modified": "2025-01-01",
        "version": ds.version,
    }
    assert client.post(f"/fr/data/datasets/{ds.slug}/edit/", form).status_code == 302
    form["title_fr"] = "Titre périmé"
    response = client.post(f"/fr/data/datasets/{ds.slug}/edit/", form)
    assert response.status_code == 409
    ds.refresh_from_db()
    assert ds.title_fr == "Nouveau titre"


def test_api_create_dataset_checks_permission(client_as):
    """Publishing through the API: 201 for the city's focal point, 403 for another city's."""
    lg = LocalGovernmentFactory(slug="ville-api")
    body = {
        "publisher": "ville-api",
        "title_fr": "API",
        "description_fr": "D",
        "classification": "restricted",
        "licence": "odbl",
        "contact_name": "D",
        "contact_email": "d@example.org",
        "themes": ["GOVE"],
    }
    own = client_as("focal_point", local_government=lg)
    created = own.post("/api/v1/datagov/datasets", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["classification"] == "restricted"
    other = client_as("focal_point", local_government=LocalGovernmentFactory())
    assert (
        other.post("/api/v1/datagov/datasets", body, content_type="application/json").status_code
        == 403
    )
    assert (
        Client().post("/api/v1/datagov/datasets", body, content_type="application/json").status_code
        == 401
    )


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("public", 403), ("delegate", 200), ("secretariat", 200)]
)
def test_register_is_for_members(role, status, client_as, db):
    """The register of processing is readable by members, not by the public."""
    ProcessingRecord.objects.create(
        name_fr="État civil",
        purpose_fr="Registres",
        legal_basis="legal_obligation",
        data_categories="Identité",
        subject_categories="Habitants",
        retention_period="Permanente",
        security_measures="Accès nominatif",
    )
    client = client_as(role) if role else Client()
    assert client.get("/fr/data/register/association/").status_code == status


def test_register_exports_pdf_and_csv(client_as, db):
    """A register downloads as PDF and CSV with its records."""
    lg = LocalGovernmentFactory(slug="ville-reg")
    focal = client_as("focal_point", local_government=lg)
    response = focal.post(
        "/fr/data/register/ville-reg/new/",
        {
            "name_fr": "Aide sociale",
            "purpose_fr": "Aider",
            "legal_basis": "public_task",
            "data_categories": "Ressources",
            "subject_categories": "Ménages",
            "retention_period": "5 ans",
            "security_measures": "Chiffrement",
        },
    )
    assert response.status_code == 302
    pdf = focal.get("/fr/data/register/ville-reg/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = b"".join(focal.get("/fr/data/register/ville-reg/?format=csv").streaming_content).decode()
    assert "Aide sociale" in csv and "Mission d'intérêt public" in csv
    other = client_as("focal_point", local_government=LocalGovernmentFactory())
    assert other.get("/fr/data/register/ville-reg/new/").status_code == 403


def test_maturity_assessment_and_comparison(client_as, db):
    """A focal point records a self-assessment; the city page and the comparison chart show it."""
    lg = LocalGovernmentFactory(slug="ville-mat")
    client = client_as("focal_point", local_government=lg)
    data = {"assessed_on": "2026-01-15"}
    data.update({f"dim_{d.code}": 3 for d in MaturityDimension.objects.all()})
    assert client.post("/fr/data/maturity/ville-mat/assess/", data).status_code == 302
    assert MaturityAssessment.objects.get().scores.count() == MaturityDimension.objects.count()
    assert "3" in client.get("/fr/data/maturity/ville-mat/").content.decode()
    roadmap = Client().get("/fr/data/roadmap/").content.decode()
    assert lg.name in roadmap and "<svg" in roadmap
    other = client_as("focal_point", local_government=LocalGovernmentFactory())
    assert other.post("/fr/data/maturity/ville-mat/assess/", data).status_code == 403


def test_demo_is_idempotent(db):
    """Loading the demo twice gives the same counts, with ≥ 40 fictional datasets from ≥ 10 cities."""
    from edile.accounts import demo as accounts_demo
    from edile.datagov import demo

    # The demo's cities (the members demo itself is slower and tested by its own app).
    for slug in demo.CITIES:
        LocalGovernmentFactory(slug=slug, name_fr=slug.title(), name_en=slug.title())
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    from edile.datagov.models import (
        AccessRequest,
        DataDictionary,
        DictionaryColumn,
        Distribution,
        RoadmapAction,
    )

    def counts():
        return (
            Dataset.objects.count(),
            Distribution.objects.count(),
            DataDictionary.objects.count(),
            DictionaryColumn.objects.count(),
            AccessRequest.objects.count(),
            RoadmapAction.objects.count(),
            MaturityAssessment.objects.count(),
            ProcessingRecord.objects.count(),
        )

    first = counts()
    demo.load(io.StringIO())
    assert counts() == first
    assert Dataset.objects.filter(is_fictional=True).count() >= 40
    assert Dataset.objects.values("publisher").distinct().count() >= 10
    assert MaturityAssessment.objects.values("local_government").distinct().count() >= 10
    assert AccessRequest.objects.filter(status="pending").exists()
    assert AccessRequest.objects.filter(status="approved").exists()
    assert not Dataset.objects.exclude(dcat_errors=[]).exists()
    # The waste-collection files have their data dictionary.
    assert DataDictionary.objects.exists()
    assert set(DictionaryColumn.objects.values_list("name", flat=True)) == {
        "month",
        "district",
        "tonnes",
    }


def test_api_refuses_a_bad_contact_address(client_as):
    """A malformed contact e-mail address is a 400 with a message, and nothing is published."""
    lg = LocalGovernmentFactory(slug="ville-mail")
    body = {
        "publisher": "ville-mail",
        "title_fr": "T",
        "description_fr": "D",
        "classification": "open",
        "licence": "cc0",
        "contact_name": "D",
        "contact_email": "not-an-address",
    }
    response = client_as("focal_point", local_government=lg).post(
        "/api/v1/datagov/datasets", body, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert not Dataset.objects.exists()


def test_other_list_pages_run_in_constant_queries(client_as, django_assert_max_num_queries):
    """Requests, register and roadmap pages cost a fixed number of queries with 20 rows each."""
    from edile.datagov.models import AccessRequest, MaturityLevel
    from edile.datagov.services import maturity_assessment_save
    from edile.datagov.tests.factories import AccessRequestFactory

    staff = client_as("secretariat")
    requester = client_as("delegate")
    for _ in range(20):
        AccessRequestFactory(requester=requester.user)
        ProcessingRecord.objects.create(
            name_fr="T",
            purpose_fr="P",
            legal_basis="consent",
            data_categories="d",
            subject_categories="s",
            retention_period="1 an",
            security_measures="m",
        )
        lg = LocalGovernmentFactory()
        maturity_assessment_save(
            user=staff.user,
            local_government=lg,
            assessed_on=dt.date(2025, 1, 1),
            levels={
                d.code: MaturityLevel.objects.first().value for d in MaturityDimension.objects.all()
            },
        )
    assert AccessRequest.objects.count() == 20
    with django_assert_max_num_queries(12):
        assert "Étude" in staff.get("/fr/data/requests/").content.decode()
    with django_assert_max_num_queries(12):
        assert requester.get("/fr/data/requests/").status_code == 200
    with django_assert_max_num_queries(10):
        assert staff.get("/fr/data/register/association/").status_code == 200
    with django_assert_max_num_queries(10):
        assert Client().get("/fr/data/roadmap/").status_code == 200


def test_api_update_refuses_a_stale_version(client_as):
    """Updating through the API with an old version is a 409; with the current one it saves."""
    ds = DatasetFactory()
    client = client_as("focal_point", local_government=ds.publisher)
    body = {
        "title_fr": "Nouveau",
        "description_fr": "D",
        "classification": "open",
        "licence": "cc0",
        "contact_name": "D",
        "contact_email": "d@example.org",
        "themes": ["ENVI"],
        "version": ds.version,
    }
    ok = client.put(f"/api/v1/datagov/datasets/{ds.slug}", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == ds.version + 1
    stale = client.put(f"/api/v1/datagov/datasets/{ds.slug}", body, content_type="application/json")
    assert stale.status_code == 409
    intruder = client_as("focal_point", local_government=LocalGovernmentFactory())
    body["version"] = ds.version + 1
    assert (
        intruder.put(
            f"/api/v1/datagov/datasets/{ds.slug}", body, content_type="application/json"
        ).status_code
        == 403
    )


def test_publisher_names_a_steward_by_address(client_as, make_user):
    """The edit form names the steward by e-mail address; an unknown address is an error."""
    ds = DatasetFactory()
    client = client_as("focal_point", local_government=ds.publisher)
    steward = make_user("public", email="steward@example.org")
    form = {
        "title_fr": "T",
        "description_fr": "D",
        "classification": "restricted",
        "licence": "cc0",
        "contact_name": "D",
        "contact_email": "d@example.org",
        "frequency": "ANNUAL",
        "issued": "2021-01-01",
        "modified": "2025-01-01",
        "version": ds.version,
        "steward_email": "nobody@example.org",
    }
    assert client.post(f"/fr/data/datasets/{ds.slug}/edit/", form).status_code == 400
    form["steward_email"] = "steward@example.org"
    assert client.post(f"/fr/data/datasets/{ds.slug}/edit/", form).status_code == 302
    ds.refresh_from_db()
    assert ds.steward == steward


def test_search_answers_a_fragment_to_htmx(many, client):
    """With htmx, the catalogue answers only the results fragment, not the whole page."""
    response = client.get("/fr/data/?q=eau", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'class="dataset-list"' in body
