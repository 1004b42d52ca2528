"""Registration types as data (issue 10, item 1): per congress, kept by the secretariat on a
setup page; the form, the service, the badge, the statistics and the API read them."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import registration_types as rt
from edile.governance import selectors, services
from edile.governance.models import Registration, RegistrationType
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


def _register(world, n, **kwargs):
    data = {
        "given_name": f"P{n}",
        "family_name": "Test",
        "email": f"p{n}@example.org",
        "type": "press",
        "send_email": False,
    }
    data.update(kwargs)
    return services.registration_create(congress=world.congress, **data)


def _types_url(world, *args):
    if args:
        return reverse("governance:setup_registration_type", args=[world.congress.slug, *args])
    return reverse("governance:setup_registration_types", args=[world.congress.slug])


ROLE_STATUS = {
    "focal_point": 403,
    "delegate": 403,
    "bureau_member": 403,
    "observatory_analyst": 403,
    "secretariat": 200,
    "administrator": 200,
}


@pytest.mark.parametrize("role", [None, *ROLE_STATUS])
def test_role_matrix_of_the_registration_types_page(client_as, role):
    """Only the secretariat (and administrators) list, create and edit a congress's types;
    anyone else is sent to sign in (anonymous) or refused (403), and nothing is written."""
    world = make_world(1)
    city = world.cities[0]
    kwargs = (
        {"local_government": city} if role in {"focal_point", "delegate", "bureau_member"} else {}
    )
    client = client_as(role, **kwargs)
    pages = [
        _types_url(world),
        reverse("governance:setup_registration_type_new", args=[world.congress.slug]),
    ]
    for url in pages:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/login" in response.url
        else:
            assert response.status_code == ROLE_STATUS[role], (url, role)
    response = client.post(
        reverse("governance:setup_registration_type_new", args=[world.congress.slug]),
        {
            "code": "observer",
            "name_fr": "Observateur",
            "currency": "EUR",
            "order": "5",
            "eligibility": "anyone",
            "is_active": "on",
            "gives_badge": "on",
        },
    )
    created = RegistrationType.objects.filter(congress=world.congress, code="observer").exists()
    if role in {"secretariat", "administrator"}:
        assert response.status_code == 302 and created
    else:
        assert response.status_code in (302, 403) and not created


def test_the_secretariat_creates_edits_and_deactivates_a_type(client_as):
    """Create « Observateur » with a fee; edit it; deactivate it: the registration form stops
    offering it, and the history keeps every change."""
    world = make_world(1)
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_registration_type_new", args=[world.congress.slug]),
        {
            "code": "observer",
            "name_fr": "Observateur",
            "name_en": "Observer",
            "fee": "150.00",
            "currency": "eur",
            "quota": "20",
            "eligibility": "anyone",
            "gives_badge": "on",
            "is_active": "on",
            "order": "80",
        },
    )
    assert response.status_code == 302
    observer = RegistrationType.objects.get(congress=world.congress, code="observer")
    assert (observer.name_fr, observer.name_en, observer.fee, observer.currency) == (
        "Observateur",
        "Observer",
        Decimal("150.00"),
        "EUR",
    )
    listing = staff.get(_types_url(world)).content.decode()
    assert "Observateur" in listing and "0 / 20" in listing
    form = staff.get(reverse("governance:register", args=[world.congress.slug])).content.decode()
    assert 'value="observer"' in form and "150,00" in form

    response = staff.post(
        _types_url(world, observer.pk),
        {
            "name_fr": "Observatrice ou observateur",
            "name_en": "Observer",
            "fee": "100",
            "currency": "EUR",
            "eligibility": "anyone",
            "gives_badge": "on",
            "is_active": "on",
            "order": "80",
            "version": str(observer.version),
            "code": "changed",
        },
    )
    assert response.status_code == 302
    observer.refresh_from_db()
    assert observer.code == "observer" and observer.fee == Decimal("100.00")

    response = staff.post(
        _types_url(world), {"type": observer.pk, "version": observer.version, "active": "0"}
    )
    assert response.status_code == 302
    observer.refresh_from_db()
    assert not observer.is_active
    form = staff.get(reverse("governance:register", args=[world.congress.slug])).content.decode()
    assert 'value="observer"' not in form
    assert observer.history.count() == 3


def test_an_edit_from_a_stale_form_is_refused_with_409(client_as):
    """Two secretaries edit the same type: the second save is refused, not overwritten."""
    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    press = RegistrationType.objects.get(congress=world.congress, code="press")
    staff = client_as("secretariat")
    data = {
        "name_fr": "Presse",
        "currency": "EUR",
        "eligibility": "anyone",
        "order": "60",
        "version": str(press.version),
    }
    assert staff.post(_types_url(world, press.pk), {**data, "quota": "5"}).status_code == 302
    response = staff.post(_types_url(world, press.pk), {**data, "quota": "50"})
    assert response.status_code == 409
    assert "a modifié cette fiche pendant que vous la modifiiez" in response.content.decode()
    press.refresh_from_db()
    assert press.quota == 5


def test_bad_input_on_the_staff_pages_answers_4xx_with_a_message(client_as):
    """A negative fee, an unknown currency, a duplicate code, a tampered list form: 4xx."""
    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    staff = client_as("secretariat")
    new = reverse("governance:setup_registration_type_new", args=[world.congress.slug])
    base = {"name_fr": "Invité", "currency": "EUR", "eligibility": "anyone", "order": "1"}
    response = staff.post(new, {**base, "currency": "XYZ"})
    assert response.status_code == 400
    assert "par son code de trois lettres" in response.content.decode()
    response = staff.post(new, {**base, "fee": "-3"})
    assert response.status_code == 400
    response = staff.post(new, {**base, "code": "press"})
    assert response.status_code == 400
    assert "Ce congrès a déjà un type avec le code « press »" in response.content.decode()
    response = staff.post(new, {**base, "order": "40000"})
    assert response.status_code == 400
    assert "inférieure ou égale à 32767" in response.content.decode()
    response = staff.post(new, {**base, "quota": "99999999999"})
    assert response.status_code == 400
    assert not RegistrationType.objects.filter(congress=world.congress, code="invite").exists()
    assert staff.post(_types_url(world), {"type": "x", "version": "1"}).status_code == 400
    assert staff.post(_types_url(world), {"type": "999999", "version": "1"}).status_code == 404


def test_a_full_quota_is_refused_with_a_clear_message():
    """The quota counts pending, confirmed and waiting registrations; the next one is refused
    with the type's name and quota, and a cancellation frees a place."""
    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    RegistrationType.objects.filter(congress=world.congress, code="press").update(quota=2)
    first = _register(world, 1)
    _register(world, 2)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _register(world, 3)
    assert refused.value.message == (
        "The 2 places for “Press” are all taken: choose another registration type or "
        "contact the secretariat."
    )
    with translation.override("fr"), pytest.raises(ServiceError) as refused:
        _register(world, 3)
    assert refused.value.message.startswith("Les 2 places « Presse » sont toutes prises")
    services.registration_cancel(registration=first)
    assert _register(world, 3).registration_type.code == "press"


def test_the_quota_message_shows_on_the_form(client):
    """On the public form the refusal is shown, with a 200 re-display of the form."""
    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    RegistrationType.objects.filter(congress=world.congress, code="press").update(quota=0)
    with translation.override("fr"):
        url = reverse("governance:register", args=[world.congress.slug])
    response = client.post(
        url,
        {
            "given_name": "Li",
            "family_name": "Na",
            "email": "li@example.org",
            "type": "press",
            "gender": "unknown",
            "language": "fr",
        },
    )
    assert response.status_code == 200
    assert "Les 0 places « Presse » sont toutes prises" in response.content.decode()
    assert not Registration.objects.filter(email="li@example.org").exists()


def test_who_may_register_with_a_type_is_enforced(make_user):
    """A mayor needs a member city; a type kept for the secretariat is refused to the public,
    accepted from the secretariat; an inactive type is refused."""
    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _register(world, 1, type="mayor")
    assert "needs the member city you represent" in refused.value.message
    staff_type = RegistrationType.objects.get(congress=world.congress, code="staff")
    staff_type.eligibility = "secretariat"
    staff_type.save()
    with pytest.raises(ServiceError):
        _register(world, 2, type="staff")
    assert _register(world, 2, type="staff", user=make_user("secretariat")).type == "staff"
    RegistrationType.objects.filter(congress=world.congress, code="partner").update(is_active=False)
    with pytest.raises(ServiceError):
        _register(world, 3, type="partner")


def test_a_type_without_voting_right_does_not_make_the_city_present(make_user):
    """The voting right is the type's: a delegation member whose type no longer gives it is
    welcomed at the door but the city's attendance is unchanged."""
    world = make_world(1, present=0)
    rt.registration_types_ensure_defaults(congress=world.congress)
    RegistrationType.objects.filter(congress=world.congress, code="delegation_member").update(
        gives_voting_right=False
    )
    registration = _register(world, 1, type="delegation_member", local_government=world.cities[0])
    with pytest.raises(ServiceError):
        services.registration_check_in(
            user=make_user("secretariat"), token=str(registration.token), session=world.session
        )
    assert not world.session.attendances.filter(status="present").exists()


def test_labels_are_bilingual_on_the_form_badge_page_and_statistics(client):
    """The type's name is read in the reader's language: « Presse » / “Press”."""
    world = make_world(1)
    registration = _register(world, 1, consent_to_list=True)
    with translation.override("fr"):
        fr_form = client.get(reverse("governance:register", args=[world.congress.slug]))
        fr_page = client.get(reverse("governance:registration_detail", args=[registration.token]))
        assert dict(selectors.registration_statistics(world.congress)["type"]) == {"Presse": 1}
    with translation.override("en"):
        en_form = client.get(reverse("governance:register", args=[world.congress.slug]))
        en_page = client.get(reverse("governance:registration_detail", args=[registration.token]))
        assert dict(selectors.registration_statistics(world.congress)["type"]) == {"Press": 1}
    assert '<option value="press">Presse</option>' in fr_form.content.decode()
    assert '<option value="press">Press</option>' in en_form.content.decode()
    assert '<dd id="registration-type">Presse</dd>' in fr_page.content.decode()
    assert '<dd id="registration-type">Press</dd>' in en_page.content.decode()
    from edile.governance.badges import type_name

    registration.refresh_from_db()
    with translation.override("fr"):
        assert type_name(registration) == "Presse"


def test_a_type_without_badge_has_no_badge():
    """A type that gives no badge: the registrant's page offers none and the PDF is a 404."""
    world = make_world(1)
    registration = _register(world, 1)
    RegistrationType.objects.filter(pk=registration.registration_type_id).update(gives_badge=False)
    from django.test import Client

    client = Client()
    badge = reverse("governance:registration_badge", args=[registration.token])
    assert client.get(badge).status_code == 404
    page = client.get(reverse("governance:registration_detail", args=[registration.token]))
    assert badge not in page.content.decode()


def test_the_api_keeps_the_code_and_gives_the_name(client):
    """`POST congresses/{slug}/registrations` still takes `type` as the code; the answer
    names the type; `GET congresses/{slug}/registration-types` lists the active ones."""
    world = make_world(1)
    response = client.post(
        f"/api/v1/governance/congresses/{world.congress.slug}/registrations",
        {"given_name": "Li", "family_name": "Na", "email": "li@example.org", "type": "press"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "press" and body["type_name"] == {"fr": "Presse", "en": "Press"}
    listing = client.get(
        f"/api/v1/governance/congresses/{world.congress.slug}/registration-types"
    ).json()
    press = next(t for t in listing if t["code"] == "press")
    assert press["name"] == {"fr": "Presse", "en": "Press"}
    assert press["fee"] == "0.00" and press["quota"] is None and press["places_taken"] == 1
    response = client.post(
        f"/api/v1/governance/congresses/{world.congress.slug}/registrations",
        {"given_name": "A", "family_name": "B", "email": "ab@example.org", "type": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Choisissez un type d'inscription."


def test_the_data_migration_gives_each_congress_its_types_and_back():
    """Migration 0011: each existing congress gets the seven types that were in the code,
    its registrations point to theirs (an unknown code becomes an inactive type); the reverse
    unlinks and deletes them; running it again changes nothing."""
    world = make_world(1)
    Registration.objects.create(
        congress=world.congress, given_name="A", family_name="B", email="a@x.org", type="mayor"
    )
    Registration.objects.create(
        congress=world.congress, given_name="C", family_name="D", email="c@x.org", type="vip"
    )
    assert not RegistrationType.objects.exists()
    migration = importlib.import_module("edile.governance.migrations.0011_registration_types_data")
    migration.forwards(apps, None)
    codes = set(
        RegistrationType.objects.filter(congress=world.congress).values_list("code", flat=True)
    )
    assert codes == {
        "mayor",
        "delegation_member",
        "accompanying_person",
        "partner",
        "speaker",
        "press",
        "staff",
        "vip",
    }
    mayor = Registration.objects.get(email="a@x.org").registration_type
    assert (mayor.code, mayor.name_fr, mayor.name_en, mayor.gives_voting_right) == (
        "mayor",
        "Maire",
        "Mayor",
        True,
    )
    vip = Registration.objects.get(email="c@x.org").registration_type
    assert vip.code == "vip" and not vip.is_active
    # The session is not a congress: it gets no types.
    assert not RegistrationType.objects.filter(congress=world.session).exists()
    migration.forwards(apps, None)
    assert RegistrationType.objects.count() == 8
    migration.backwards(apps, None)
    assert not RegistrationType.objects.exists()
    assert Registration.objects.filter(registration_type__isnull=False).count() == 0
    assert set(Registration.objects.values_list("type", flat=True)) == {"mayor", "vip"}


def test_a_congress_created_on_the_setup_page_starts_with_the_default_types(client_as):
    """New congress → the seven default types, mayors needing a member city."""
    staff = client_as("secretariat")
    response = staff.post(
        reverse("governance:setup_congress_new"),
        {
            "kind": "congress",
            "title_fr": "Congrès de Dakar",
            "title_en": "Dakar Congress",
            "venue": "Dakar",
            "timezone": "Africa/Dakar",
            "start_date": "2031-11-10",
            "start_time": "09:00",
            "end_date": "2031-11-13",
            "end_time": "18:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    types = RegistrationType.objects.filter(congress__title_fr="Congrès de Dakar")
    assert types.count() == 7
    assert types.get(code="mayor").eligibility == "member_city"


def test_the_types_page_and_endpoint_take_the_same_queries_for_more_types(client_as):
    """The staff list and the API list do not query once per type."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world(1)
    rt.registration_types_ensure_defaults(congress=world.congress)
    staff = client_as("secretariat")
    api = f"/api/v1/governance/congresses/{world.congress.slug}/registration-types"

    def counts():
        with CaptureQueriesContext(connection) as page:
            assert staff.get(_types_url(world)).status_code == 200
        with CaptureQueriesContext(connection) as endpoint:
            assert staff.get(api).status_code == 200
        return len(page), len(endpoint)

    before = counts()
    for n in range(5):
        RegistrationType.objects.create(
            congress=world.congress, code=f"extra_{n}", name=f"Extra {n}", name_fr=f"Extra {n}"
        )
    assert counts() == before


def test_the_data_migration_keeps_the_type_of_a_registration_outside_a_congress():
    """A registration written outside the service on a meeting that is not a congress still
    gets its type (the meeting gets the list), and the reverse removes it again."""
    world = make_world(1)
    Registration.objects.create(
        congress=world.session, given_name="E", family_name="F", email="e@x.org", type="press"
    )
    migration = importlib.import_module("edile.governance.migrations.0011_registration_types_data")
    migration.forwards(apps, None)
    press = Registration.objects.get(email="e@x.org").registration_type
    assert (press.congress_id, press.code, press.name_en) == (world.session.pk, "press", "Press")
    assert RegistrationType.objects.filter(congress=world.congress).count() == 7
    migration.backwards(apps, None)
    assert Registration.objects.get(email="e@x.org").registration_type is None
    assert Registration.objects.get(email="e@x.org").type == "press"
