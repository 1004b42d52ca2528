"""Faults survived: versions bumped on every save path (admin included), e-mails through the
task worker, a wrong encryption key is an error."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import RequestFactory, override_settings
from django.utils import translation

from edile.core.concurrency import save_versioned
from edile.core.errors import ConflictError
from edile.members.models import Person

pytestmark = pytest.mark.django_db


def _person() -> Person:
    return Person.objects.create(given_name="Awa", family_name="Diop", gender="female")


def test_a_plain_save_bumps_the_version_so_an_older_form_is_refused():
    """An admin (or shell) save used not to bump the version: a focal point's form opened
    before it then silently undid the admin's change."""
    person = _person()
    opened_at = person.version
    admin_copy = Person.objects.get(pk=person.pk)
    admin_copy.family_name = "Diop-Sy"
    admin_copy.save()
    assert Person.objects.get(pk=person.pk).version == opened_at + 1
    person.family_name = "Ndiaye"
    with pytest.raises(ConflictError):
        save_versioned(person, expected_version=opened_at)
    assert Person.objects.get(pk=person.pk).family_name == "Diop-Sy"


def test_save_versioned_bumps_once_and_update_fields_keeps_the_version():
    person = _person()
    save_versioned(person, expected_version=1)
    assert Person.objects.get(pk=person.pk).version == 2
    person.family_name = "Sy"
    person.save(update_fields=["family_name"])
    assert Person.objects.get(pk=person.pk).version == 3


def _admin_form(person: Person, request):
    model_admin = admin.site._registry[Person]
    form_class = model_admin.get_form(request, person, change=True)
    unbound = form_class(instance=person)
    data = {}
    for name, field in unbound.fields.items():
        value = unbound[name].value()
        if value is None:
            continue
        data[name] = value
    return model_admin, form_class, data


def test_the_admin_change_form_refuses_a_save_over_a_newer_version(make_user):
    """The members admin carries the version it was opened at (VersionedAdminMixin)."""
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_staff=True, is_superuser=True)
    person = _person()
    model_admin, form_class, data = _admin_form(person, request)
    assert data["edile_version"] == 1

    page = Person.objects.get(pk=person.pk)
    save_versioned(page, expected_version=1)  # a page saved in between

    stale = form_class({**data, "family_name": "Admin"}, instance=Person.objects.get(pk=person.pk))
    with translation.override("en"):
        assert not stale.is_valid()
    assert "Someone else changed this record" in str(stale.non_field_errors())

    fresh_data = {**data, "edile_version": 2, "family_name": "Admin"}
    fresh_obj = Person.objects.get(pk=person.pk)
    fresh = form_class(fresh_data, instance=fresh_obj)
    assert fresh.is_valid(), fresh.errors
    model_admin.save_model(request, fresh.save(commit=False), fresh, change=True)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.family_name, stored.version) == ("Admin", 3)


def test_every_versioned_model_in_the_admin_saves_through_the_version_check():
    """Grants, governance, observatory, datagov and sanitation records have a version too:
    their admins now carry it (before, only the members' did, so an admin save silently undid a
    page's change)."""
    from django.contrib import admin

    from edile.core.admin import VersionedAdminMixin
    from edile.core.models import VersionedModel

    versioned = {m for m in admin.site._registry if issubclass(m, VersionedModel)}
    assert {m._meta.app_label for m in versioned} >= {"members", "grants", "governance"}
    unguarded = [
        m._meta.label
        for m in versioned
        if not isinstance(admin.site._registry[m], VersionedAdminMixin)
    ]
    assert unguarded == []


def test_a_grants_admin_save_over_a_newer_version_is_refused(make_user):
    """The call's admin (mixed in by the site-wide rule) refuses a stale save."""
    from django.contrib import admin

    from edile.grants.models import Call
    from edile.grants.tests.factories import make_call

    call = make_call(slug="appel-version")
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[Call]
    form_class = model_admin.get_form(request, call, change=True)
    form = form_class(instance=call)
    assert form.initial["edile_version"] == call.version
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    save_versioned(Call.objects.get(pk=call.pk), expected_version=call.version)
    stale = form_class(data, instance=Call.objects.get(pk=call.pk))
    with translation.override("en"):
        assert not stale.is_valid()
    assert "Someone else changed this record" in str(stale.non_field_errors())


@override_settings(
    EMAIL_BACKEND="edile.core.mail.TaskEmailBackend",
    EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
)
def test_an_email_is_enqueued_for_the_worker_not_sent_in_the_request():
    from django_tasks import default_task_backend

    default_task_backend.clear()
    message = EmailMultiAlternatives("Sujet", "Texte", "noreply@example.org", ["a@example.org"])
    message.attach_alternative("<p>Texte</p>", "text/html")
    message.attach("note.txt", b"contenu", "text/plain")
    assert message.send() == 1
    assert mail.outbox == []
    (result,) = default_task_backend.results
    assert result.task.name == "email_send"
    assert result.kwargs["message"]["to"] == ["a@example.org"]


@override_settings(
    EMAIL_BACKEND="edile.core.mail.TaskEmailBackend",
    EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
)
def test_the_worker_sends_the_email_whole():
    """Subject, recipients, HTML alternative and attachment survive the trip through JSON."""
    message = EmailMultiAlternatives(
        "Sujet é", "Texte", "noreply@example.org", ["a@example.org"], cc=["c@example.org"]
    )
    message.attach_alternative("<p>Texte</p>", "text/html")
    message.attach("note.txt", b"contenu", "text/plain")
    message.send()
    (sent,) = mail.outbox
    assert (sent.subject, sent.to, sent.cc) == ("Sujet é", ["a@example.org"], ["c@example.org"])
    assert sent.alternatives[0][:2] == ("<p>Texte</p>", "text/html")
    # Django gives text attachments back as text.
    assert sent.attachments[0][:3] == ("note.txt", "contenu", "text/plain")


def test_a_wrong_encryption_key_is_an_error_not_an_empty_value(settings):
    """A wrong key showed 0 of 90 contacts without an error."""
    from edile.core.fields import EncryptionKeyError, decrypt_text

    field_keys = ["9Kq3m6l1pE0m2b8o0k0rH9w3oXo2y3o0kVbqk5o5d2E="]
    settings.FIELD_ENCRYPTION_KEYS = field_keys
    from edile.core.fields import _fernet

    token = _fernet().encrypt(b"+223 555 0101").decode()
    assert decrypt_text(token) == "+223 555 0101"
    settings.FIELD_ENCRYPTION_KEYS = ["tTd0RmHDhYxq3xpDLd3bIhGNQzgIuxS5Ffn1KY0-9Jk="]
    with pytest.raises(EncryptionKeyError, match="FIELD_ENCRYPTION_KEYS"):
        decrypt_text(token)


def test_key_rotation_reads_old_values_and_writes_with_the_newest_key(settings):
    from edile.core.fields import _fernet, decrypt_text

    old, new = (
        "9Kq3m6l1pE0m2b8o0k0rH9w3oXo2y3o0kVbqk5o5d2E=",
        "tTd0RmHDhYxq3xpDLd3bIhGNQzgIuxS5Ffn1KY0-9Jk=",
    )
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = _fernet().encrypt(b"secret").decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert decrypt_text(token) == "secret"
    fresh = _fernet().encrypt(b"secret").decode()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert decrypt_text(fresh) == "secret"


def test_rotate_field_keys_re_encrypts_with_the_newest_key(settings):
    """After `rotate_field_keys`, the old key can be dropped and the data is still readable."""
    from django.core.management import call_command

    from edile.observatory.models import Victim
    from edile.observatory.tests.factories import make_incident

    old, new = (
        "9Kq3m6l1pE0m2b8o0k0rH9w3oXo2y3o0kVbqk5o5d2E=",
        "tTd0RmHDhYxq3xpDLd3bIhGNQzgIuxS5Ffn1KY0-9Jk=",
    )
    settings.FIELD_ENCRYPTION_KEYS = [old]
    make_incident()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=__import__("io").StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Victim.objects.get().contact == "+223 555 0101"
