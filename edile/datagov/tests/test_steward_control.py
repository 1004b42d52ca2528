"""Stewards in control after approving: e-mails at each step in the recipient's language,
expiry reminders, the download log (filters, export), and each file described, replaced with
a version note, or removed from a page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from edile.datagov import services
from edile.datagov.models import (
    AccessRequest,
    AccessRequestStatus,
    Classification,
    Distribution,
    DownloadLog,
)
from edile.datagov.tests.factories import DatasetFactory, csv_distribution


@pytest.fixture
def restricted(db, make_user):
    """A restricted dataset whose steward is a focal point of the publishing city (who
    manages its files as well as its accesses)."""
    ds = DatasetFactory(classification=Classification.RESTRICTED)
    steward = make_user("focal_point", local_government=ds.publisher, preferred_language="fr")
    ds.steward = steward
    ds.save()
    return ds, csv_distribution(ds), steward


def _signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def _approved(ds, steward, requester, *, days=30):
    request = services.access_request_submit(
        user=requester, dataset=ds, purpose="Étude", intended_use="u", duration_days=days
    )
    return services.access_request_decide(user=steward, access_request=request, approve=True)


# ------------------------------------------------------------------------------- e-mails


def test_each_step_is_mailed_to_the_right_person_in_their_language(
    restricted, make_user, mailoutbox
):
    ds, _dist, steward = restricted
    requester = make_user("delegate", preferred_language="en")
    request = services.access_request_submit(
        user=requester, dataset=ds, purpose="Étude des marchés", intended_use="u", duration_days=9
    )
    assert [m.to for m in mailoutbox] == [[steward.email]]
    # The steward reads French: the dataset's French title too.
    assert mailoutbox[0].subject == f"Nouvelle demande d’accès pour {ds.title_fr}"
    assert "Étude des marchés" in mailoutbox[0].body and "/fr/data/requests/" in mailoutbox[0].body

    services.access_request_decide(
        user=steward, access_request=request, approve=False, reason="Données incomplètes"
    )
    assert mailoutbox[1].to == [requester.email]
    assert mailoutbox[1].subject == f"Your access request for {ds.title_en} is refused"
    assert "Données incomplètes" in mailoutbox[1].body

    again = services.access_request_submit(
        user=requester, dataset=ds, purpose="Bis", intended_use="u", duration_days=9
    )
    services.access_request_decide(user=steward, access_request=again, approve=True)
    assert mailoutbox[3].subject == f"Your access to {ds.title_en} is approved"
    assert f"/en/data/datasets/{ds.slug}/" in mailoutbox[3].body


def test_without_a_steward_the_publishing_citys_focal_points_are_told(db, make_user, mailoutbox):
    ds = DatasetFactory(classification=Classification.RESTRICTED, steward=None)
    focal = make_user("focal_point", local_government=ds.publisher)
    make_user("focal_point")  # another city's: not told
    services.access_request_submit(
        user=make_user("delegate"), dataset=ds, purpose="p", intended_use="u", duration_days=3
    )
    assert [m.to for m in mailoutbox] == [[focal.email]]


def test_expiry_reminder_is_sent_once_and_only_near_the_end(
    restricted, make_user, mailoutbox, settings
):
    settings.EDILE_ACCESS_REMINDER_DAYS = 14
    ds, _dist, steward = restricted
    soon = _approved(ds, steward, make_user("delegate", preferred_language="en"), days=5)
    later = _approved(ds, steward, make_user("delegate"), days=60)
    mailoutbox.clear()

    assert services.access_reminders_send() == 1
    assert [m.to for m in mailoutbox] == [[soon.requester.email]]
    assert mailoutbox[0].subject == f"Your access to {ds.title_en} ends soon"
    assert services.access_reminders_send() == 0  # never twice
    assert len(mailoutbox) == 1
    later.refresh_from_db()
    assert later.reminded_at is None
    # 50 days later, the second one is due.
    assert services.access_reminders_send(today=dt.date.today() + dt.timedelta(days=50)) == 1
    assert mailoutbox[1].to == [later.requester.email]
    assert mailoutbox[1].subject == f"Votre accès à {ds.title_fr} prend bientôt fin"


def test_the_reminder_command_sends_through_the_task(restricted, make_user, mailoutbox, capsys):
    ds, _dist, steward = restricted
    _approved(ds, steward, make_user("delegate"), days=2)
    mailoutbox.clear()
    call_command("remind_expiring_accesses")
    assert "Reminders enqueued" in capsys.readouterr().out
    assert len(mailoutbox) == 1  # the immediate task backend of the tests ran it


# -------------------------------------------------------------------------- download log


def test_download_log_page_filters_and_exports(restricted, make_user):
    ds, dist, steward = restricted
    alice = make_user("delegate", email="alice@example.org")
    bob = make_user("delegate", email="bob@example.org")
    for person in (alice, bob):
        _approved(ds, steward, person)
        assert (
            _signed_in(person)
            .get(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/download/")
            .status_code
            == 200
        )
    old = DownloadLog.objects.get(user=bob)
    DownloadLog.objects.filter(pk=old.pk).update(at=old.at - dt.timedelta(days=40))

    client = _signed_in(steward)
    url = f"/fr/data/datasets/{ds.slug}/downloads/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Journal des téléchargements" in html
    assert "alice@example.org" in html and "bob@example.org" in html
    assert "2 téléchargements" in html

    page = client.get(url, {"person": "ALICE"}).content.decode()
    assert "alice@example.org" in page and "bob@example.org" not in page
    since = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    page = client.get(url, {"since": since}).content.decode()
    assert "alice@example.org" in page and "bob@example.org" not in page

    bad = client.get(url, {"since": "2024-13-45"})
    assert bad.status_code == 400
    assert "Corrigez les filtres" in bad.content.decode()

    export = client.get(url, {"person": "bob", "format": "csv"})
    assert export.status_code == 200
    assert export["Content-Disposition"] == f'attachment; filename="{ds.slug}-downloads.csv"'
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Date et heure;Personne;Fichier;Demande d’accès"
    assert len(lines) == 2 and "bob@example.org" in lines[1]


def test_only_the_people_who_decide_read_the_download_log(restricted, make_user, client):
    ds, _dist, steward = restricted
    url = f"/fr/data/datasets/{ds.slug}/downloads/"
    holder = make_user("delegate")
    _approved(ds, steward, holder)
    for user in (holder, make_user("focal_point"), make_user("observatory_analyst")):
        response = _signed_in(user).get(url)
        assert response.status_code == 403, user
        assert "holder" not in response.content.decode()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert _signed_in(steward).get(url).status_code == 200


def test_dataset_page_links_the_log_and_the_file_pages_to_its_managers_only(restricted, make_user):
    ds, dist, steward = restricted
    page = _signed_in(steward).get(f"/fr/data/datasets/{ds.slug}/").content.decode()
    assert f"/fr/data/datasets/{ds.slug}/downloads/" in page
    assert f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/edit/" in page
    page = _signed_in(make_user("delegate")).get(f"/fr/data/datasets/{ds.slug}/").content.decode()
    assert "/downloads/" not in page and "/edit/" not in page


# ------------------------------------------------------------------------------- files


def test_a_file_is_replaced_with_a_note_and_keeps_its_address(
    restricted, django_capture_on_commit_callbacks
):
    ds, dist, steward = restricted
    old_name, old_checksum = dist.file.name, dist.checksum
    client = _signed_in(steward)
    url = f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/edit/"
    assert client.get(url).status_code == 200

    no_note = client.post(
        url,
        {"title": "Comptages", "file": SimpleUploadedFile("v2.csv", b"a,b\n1,2\n")},
    )
    assert no_note.status_code == 400
    assert "Dites ce qui a changé" in no_note.content.decode()

    page = client.post(
        url,
        {
            "title": "Comptages",
            "file": SimpleUploadedFile("page.csv", b"<html><script>x</script>"),
            "version_note": "v2",
        },
    )
    assert page.status_code == 400
    assert "du balisage de page web" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes at commit
        response = client.post(
            url,
            {
                "title": "Comptages 2025",
                "description": "Un comptage par jour et par quartier.",
                "file": SimpleUploadedFile("v2.csv", b"a,b\n1,2\n3,4\n"),
                "version_note": "Ajout de 2025",
            },
        )
    assert response.status_code == 302
    replaced = Distribution.objects.get(pk=dist.pk)
    assert replaced.title == "Comptages 2025"
    assert replaced.description == "Un comptage par jour et par quartier."
    assert replaced.version_note == "Ajout de 2025"
    assert replaced.byte_size == len(b"a,b\n1,2\n3,4\n")
    assert replaced.checksum != old_checksum and replaced.file.name != old_name
    assert not default_storage.exists(old_name)
    assert replaced.file.read() == b"a,b\n1,2\n3,4\n"
    assert replaced.history.order_by("history_date").first().checksum == old_checksum
    detail = client.get(f"/fr/data/datasets/{ds.slug}/").content.decode()
    assert "Cette version\u00a0: Ajout de 2025" in detail


def test_removal_needs_a_confirmation_and_the_right_person(restricted, make_user):
    ds, dist, steward = restricted
    url = f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/remove/"
    assert _signed_in(make_user("delegate")).post(url, {"confirm": "yes"}).status_code == 403
    assert (
        _signed_in(make_user("delegate"))
        .post(f"/fr/data/datasets/{ds.slug}/distributions/{dist.pk}/edit/", {"title": "x"})
        .status_code
        == 403
    )
    client = _signed_in(steward)
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 302
    assert Distribution.objects.filter(pk=dist.pk).exists()
    name = dist.file.name
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Distribution.objects.filter(pk=dist.pk).exists()
    assert not default_storage.exists(name)


def test_a_link_is_described_but_not_replaced(restricted):
    ds, _dist, steward = restricted
    link = services.distribution_add_link(
        user=steward, dataset=ds, url="https://example.org/api", fmt="JSON", title="API"
    )
    response = _signed_in(steward).post(
        f"/fr/data/datasets/{ds.slug}/distributions/{link.pk}/edit/",
        {"title": "API", "file": SimpleUploadedFile("x.csv", b"a\n1\n"), "version_note": "n"},
    )
    assert response.status_code == 400
    assert "seuls les fichiers déposés sont remplacés" in response.content.decode()
    assert AccessRequest.objects.filter(status=AccessRequestStatus.APPROVED).count() == 0
