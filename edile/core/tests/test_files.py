"""Uploaded files: random names, no public /media/, served only through permission checks."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings

from edile.core.files import random_name, registered_rules
from edile.grants.models import Document, MonitoringVisit
from edile.grants.tests.factories import TODAY, make_application, make_grant

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_random_name_keeps_the_folder_and_the_suffix_only():
    name = random_name("grants/documents/2026/étude budget.PDF")
    assert re.fullmatch(r"grants/documents/2026/[0-9a-f]{32}\.pdf", name)
    assert random_name("x/etude.pdf") != random_name("x/etude.pdf")
    assert re.fullmatch(r"x/[0-9a-f]{32}", random_name("x/odd.<script>"))


def test_the_grants_and_datagov_file_fields_are_registered():
    assert {(r.model._meta.label, r.field) for r in registered_rules()} >= {
        ("grants.Document", "file"),
        ("grants.MonitoringVisit", "photo"),
        ("datagov.Distribution", "file"),
    }


def _document(is_public: bool = False, status: str = "submitted") -> Document:
    application = make_application(status=status)
    document = Document(application=application, title="Étude", is_public=is_public)
    document.file.save("etude.pdf", ContentFile(b"%PDF-1.4 secret"), save=True)
    return document


def test_an_uploaded_document_gets_a_random_name_and_a_checked_url():
    """`/media/grants/documents/2026/etude.pdf` was guessable and served to anyone."""
    document = _document()
    assert "etude" not in document.file.name
    assert document.file.url == f"/files/{document.file.name}"
    response = Client().get(document.file.url)
    assert response.status_code == 302
    assert response["Location"] == f"/fr/grants/documents/{document.pk}/"
    assert Client().get(response["Location"]).status_code == 403  # a private document


@override_settings(DEBUG=True)
def test_media_is_not_served_even_in_development():
    document = _document()
    assert Client().get(f"/media/{document.file.name}").status_code == 404


def test_a_name_no_model_owns_is_never_served(tmp_path):
    (tmp_path / "stray.txt").write_text("secret")
    assert Client().get("/files/stray.txt").status_code == 404
    assert Client().get("/files/../settings.py").status_code == 404


def _visit(grant) -> MonitoringVisit:
    visit = MonitoringVisit(grant=grant, date=TODAY, visitors="Secrétariat", findings="OK")
    visit.photo.save("site.jpg", ContentFile(JPEG), save=True)
    return visit


def test_a_visit_photo_of_a_public_project_is_served_to_anyone_with_caching_headers():
    visit = _visit(make_grant())
    response = Client().get(visit.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert b"".join(response.streaming_content) == JPEG


def test_a_visit_photo_of_a_project_that_is_not_public_is_private(make_user):
    """Withdrawn after approval (no longer a public project): only the grant's managers."""
    grant = make_grant()
    visit = _visit(grant)
    grant.application.status = "withdrawn"
    grant.application.save()
    assert Client().get(visit.photo.url).status_code == 404
    staff = Client()
    staff.force_login(make_user("secretariat"))
    response = staff.get(visit.photo.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
