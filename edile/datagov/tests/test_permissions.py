"""Who sees what, on every surface: list page, detail page, API list and detail, DCAT export,
download and preview, for each classification and role."""

from __future__ import annotations

import pytest
from django.test import Client

from edile.datagov.models import Classification
from edile.datagov.tests.factories import DatasetFactory, csv_distribution
from edile.members.tests.factories import LocalGovernmentFactory

ROLES = ["anonymous", "public", "delegate", "focal_own", "focal_other", "secretariat", "steward"]

# classification -> roles that see the metadata, roles that get the data
MATRIX = {
    Classification.OPEN: (set(ROLES), set(ROLES)),
    Classification.RESTRICTED: (set(ROLES), {"focal_own", "secretariat", "steward"}),
    Classification.INTERNAL: (
        {"focal_own", "secretariat", "steward"},
        {"focal_own", "secretariat", "steward"},
    ),
    Classification.PERSONAL: (
        {"delegate", "focal_own", "focal_other", "secretariat", "steward"},
        {"steward"},
    ),
}


@pytest.fixture
def world(db, make_user):
    city = LocalGovernmentFactory(slug="ville-a")
    other = LocalGovernmentFactory(slug="ville-b")
    steward = make_user("public")
    datasets = {}
    for classification in MATRIX:
        ds = DatasetFactory(
            publisher=city,
            classification=classification,
            steward=steward,
            slug=f"ds-{classification}",
            title_fr=f"Titre {classification}",
        )
        datasets[classification] = (ds, csv_distribution(ds))
    return {"city": city, "other": other, "steward": steward, "datasets": datasets}


def _client(role: str, world: dict, make_user) -> Client:
    client = Client()
    user = None
    if role == "public":
        user = make_user("public")
    elif role == "delegate":
        user = make_user("delegate", local_government=world["other"])
    elif role == "focal_own":
        user = make_user("focal_point", local_government=world["city"])
    elif role == "focal_other":
        user = make_user("focal_point", local_government=world["other"])
    elif role == "secretariat":
        user = make_user("secretariat")
    elif role == "steward":
        user = world["steward"]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_respects_the_classification(role, world, make_user):
    """Metadata is listed only where the classification allows; the data only to those with access."""
    client = _client(role, world, make_user)
    listing = client.get("/fr/data/").content.decode()
    api_list = {d["slug"] for d in client.get("/api/v1/datagov/datasets?limit=100").json()["items"]}
    export = b"".join(client.get("/api/v1/datagov/catalog.ttl").streaming_content).decode()
    for classification, (ds, dist) in world["datasets"].items():
        sees, gets = MATRIX[classification]
        visible = role in sees
        assert (ds.title_fr in listing) is visible, (classification, "list page")
        assert (ds.slug in api_list) is visible, (classification, "API list")
        assert (f"/datasets/{ds.slug}>" in export) is visible, (classification, "DCAT export")
        detail = client.get(f"/fr/data/datasets/{ds.slug}/")
        assert detail.status_code == (200 if visible else 404), (classification, "detail page")
        api_detail = client.get(f"/api/v1/datagov/datasets/{ds.slug}")
        assert api_detail.status_code == (200 if visible else 404), (classification, "API detail")
        if visible:
            assert api_detail.json()["access"] is (role in gets)
        download = client.get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/download/")
        preview = client.get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/preview/")
        if role in gets:
            assert download.status_code == 200, (classification, "download")
            assert preview.status_code == 200, (classification, "preview")
        else:
            assert download.status_code in (403, 404), (classification, "download")
            assert preview.status_code in (403, 404), (classification, "preview")
            assert b"A,1" not in preview.content


def test_restricted_export_never_offers_the_file(world):
    """A restricted dataset is in the open catalogue, but without a download link to its file."""
    export = b"".join(Client().get("/api/v1/datagov/catalog.ttl").streaming_content).decode()
    ds, dist = world["datasets"][Classification.RESTRICTED]
    assert f"/datasets/{ds.slug}/distributions/{dist.pk}/download/" not in export


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("public", False),
        ("delegate", False),
        ("focal_own", True),
        ("focal_other", False),
        ("secretariat", True),
    ],
)
def test_only_managers_edit_a_dataset(role, allowed, world, make_user):
    """A city's focal point edits its city's datasets, the secretariat all; others are refused."""
    client = _client(role, world, make_user)
    ds, _dist = world["datasets"][Classification.OPEN]
    response = client.get(f"/fr/data/datasets/{ds.slug}/edit/")
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if allowed else 403)
    posted = client.post(
        f"/fr/data/datasets/{ds.slug}/distributions/",
        {"url": "https://x.example.org/a.csv", "format": "CSV"},
    )
    assert (posted.status_code == 302 and "login" not in posted.get("Location", "")) is allowed
