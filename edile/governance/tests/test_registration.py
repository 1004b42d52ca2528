"""Registration: capacity and waiting list, moderation, e-mails, check-in, retention."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import selectors, services
from edile.governance.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    SignupStatus,
)
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def register(world, n, **kwargs):
    data = {
        "given_name": f"P{n}",
        "family_name": "Test",
        "email": f"p{n}@example.org",
        "type": "delegation_member",
    }
    data.update(kwargs)
    return services.registration_create(congress=world.congress, **data)


def test_beyond_session_capacity_goes_to_the_waiting_list():
    """The session never goes over capacity; the next person waits."""
    world = make_world(2, capacity=2)
    signups = [register(world, n, sessions=[world.session]).signups.get() for n in range(3)]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waitlisted"]


def test_beyond_congress_capacity_the_registration_waits():
    """A full congress puts new registrations on its waiting list."""
    world = make_world(2)
    world.congress.capacity = 1
    world.congress.save()
    assert register(world, 1).status == RegistrationStatus.CONFIRMED
    assert register(world, 2).status == RegistrationStatus.WAITLISTED


def test_rejecting_frees_the_place_for_the_waiting_list(make_user):
    """When a confirmed registrant is rejected, the first person waiting gets the place."""
    world = make_world(2, capacity=1)
    first = register(world, 1, sessions=[world.session])
    second = register(world, 2, sessions=[world.session])
    first.status = RegistrationStatus.PENDING
    first.save()
    services.registration_moderate(user=make_user("secretariat"), registration=first, approve=False)
    assert second.signups.get().status == SignupStatus.CONFIRMED


def test_moderated_congress_registrations_wait_for_approval(make_user):
    """With moderation, a registration is pending until the secretariat approves it."""
    world = make_world(2)
    world.congress.moderation_required = True
    world.congress.save()
    registration = register(world, 1)
    assert registration.status == RegistrationStatus.PENDING
    registration = services.registration_moderate(
        user=make_user("secretariat"), registration=registration, approve=True
    )
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("role", ["delegate", "bureau_member", "focal_point", "public"])
def test_only_staff_moderates(make_user, role):
    """Moderating registrations is for the secretariat."""
    from django.core.exceptions import PermissionDenied

    world = make_world(1)
    registration = register(world, 1)
    registration.status = RegistrationStatus.PENDING
    registration.save()
    with pytest.raises(PermissionDenied):
        services.registration_moderate(
            user=make_user(role), registration=registration, approve=True
        )


def test_duplicate_email_is_refused():
    """The same e-mail cannot register twice for one congress."""
    world = make_world(1)
    register(world, 1)
    with pytest.raises(ServiceError, match="already registered"):
        register(world, 1)


def test_closed_registration_is_refused():
    """After the closing date, registration is refused with a message."""
    world = make_world(1)
    world.congress.registration_closes = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    world.congress.save()
    with pytest.raises(ServiceError, match="closed"):
        register(world, 1)


def test_confirmation_email_in_the_registrants_language(django_capture_on_commit_callbacks):
    """The e-mail speaks the registrant's language, whatever the page's language."""
    world = make_world(1)
    with django_capture_on_commit_callbacks(execute=True):
        register(world, 1, language="fr")
    assert mail.outbox[-1].subject.startswith("Votre inscription")
    assert "Confirmée" in mail.outbox[-1].body
    assert "/fr/governance/registrations/" in mail.outbox[-1].body


def test_public_list_shows_only_consenting_participants(make_user):
    """Personal data appears in the public list only with consent; staff see everyone."""
    world = make_world(1)
    register(world, 1, consent_to_list=True)
    register(world, 2, consent_to_list=False)
    public = selectors.participant_list(world.congress, make_user("public"))
    assert [r.given_name for r in public] == ["P1"]
    staff = selectors.participant_list(world.congress, make_user("secretariat"))
    assert {r.given_name for r in staff} == {"P1", "P2"}


def test_check_in_at_the_desk_does_not_make_the_city_present_at_sessions(make_user):
    """Arrival at the congress (day 1) is not attendance at the General Assembly days later:
    only a scan at that session's door makes the city present there."""
    world = make_world(3, present=0)
    city = world.cities[0]
    registration = register(world, 1, type="mayor", local_government=city, sessions=[world.session])
    staff = make_user("secretariat")
    _, first = services.registration_check_in(
        user=staff, token=str(registration.token), congress=world.congress
    )
    assert first
    assert not Attendance.objects.filter(meeting=world.session).exists()
    assert selectors.presence_counts(world.session) == (0, 0)
    _, entered = services.registration_check_in(
        user=staff, token=str(registration.token), session=world.session
    )
    assert entered
    attendance = Attendance.objects.get(meeting=world.session, local_government=city)
    assert attendance.status == AttendanceStatus.PRESENT
    assert selectors.presence_counts(world.session) == (1, 0)
    _, entered = services.registration_check_in(
        user=staff, token=str(registration.token), session=world.session
    )
    assert not entered


def test_a_badge_of_another_congress_is_refused_with_no_side_effect(make_user):
    """Scanned at another congress's desk or session door, a badge is refused and nothing
    changes: no arrival recorded, the city not marked present."""
    from edile.governance.models import Meeting

    world = make_world(2, present=0)
    other = Meeting.objects.create(
        slug="other",
        kind="congress",
        title="Autre",
        start=world.congress.start,
        end=world.congress.end,
    )
    other_ga = Meeting.objects.create(
        slug="other-ga",
        parent=other,
        kind="general_assembly",
        body=world.body,
        title="AG",
        start=world.session.start,
        end=world.session.end,
    )
    registration = register(world, 1, type="mayor", local_government=world.cities[0])
    staff = make_user("secretariat")
    with pytest.raises(ServiceError, match="another congress"):
        services.registration_check_in(user=staff, token=str(registration.token), congress=other)
    with pytest.raises(ServiceError, match="another congress"):
        services.registration_check_in(user=staff, token=str(registration.token), session=other_ga)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert not Attendance.objects.exists()


def test_check_out_and_carry_over(make_user):
    """A city checked out is no longer present; the chair carries over an earlier roll
    explicitly, only for cities entitled and not yet recorded."""
    from edile.governance.models import Meeting

    world = make_world(4, present=3)
    staff = make_user("secretariat")
    services.attendance_check_out(
        user=staff, meeting=world.session, local_government=world.cities[0]
    )
    assert selectors.presence_counts(world.session) == (2, 0)
    with pytest.raises(ServiceError, match="not recorded as present"):
        services.attendance_check_out(
            user=staff, meeting=world.session, local_government=world.cities[0]
        )
    later = Meeting.objects.create(
        slug="congress-ga-2",
        parent=world.congress,
        kind="general_assembly",
        body=world.body,
        title="AG, suite",
        start=world.session.end,
        end=world.session.end + (world.session.end - world.session.start),
    )
    assert selectors.presence_counts(later) == (0, 0)
    assert services.attendance_carry_over(user=staff, meeting=later, source=world.session) == 2
    assert selectors.presence_counts(later) == (2, 0)
    with pytest.raises(ServiceError, match="earlier statutory session"):
        services.attendance_carry_over(user=staff, meeting=world.session, source=later)


def test_absent_members_are_counted_from_the_entitled(make_user):
    """Entitled cities with no attendance row are absent (the minutes said "Absent: 0")."""
    world = make_world(6, present=2)
    assert selectors.attendance_summary(world.session) == {
        "entitled": 6,
        "present": 2,
        "represented": 0,
        "excused": 0,
        "absent": 4,
    }


def test_check_in_refuses_unknown_or_unconfirmed_badges(make_user):
    """A bad code or a waiting registration is refused with a message."""
    world = make_world(1)
    staff = make_user("secretariat")
    with pytest.raises(ServiceError, match="No registration"):
        services.registration_check_in(user=staff, token="not-a-code")
    registration = register(world, 1)
    Registration.objects.filter(pk=registration.pk).update(status="waitlisted")
    with pytest.raises(ServiceError, match="not confirmed"):
        services.registration_check_in(user=staff, token=str(registration.token))


def test_registration_anonymise_expired():
    """Registrations of congresses that ended before the date lose their personal data."""
    world = make_world(1)
    registration = register(world, 1, gender="female", consent_to_list=True)
    assert services.registration_anonymise_expired(before=dt.date(2030, 12, 1)) == 0
    assert services.registration_anonymise_expired(before=dt.date(2031, 1, 1)) == 1
    registration.refresh_from_db()
    assert (registration.given_name, registration.family_name, registration.email) == ("", "", "")
    assert registration.anonymised_at is not None and registration.gender == "unknown"
    assert registration.type == "delegation_member"
    assert not Registration.history.filter(id=registration.pk).exists()
    assert services.registration_anonymise_expired(before=dt.date(2031, 1, 1)) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
def test_two_people_for_the_last_place_never_exceed_capacity():
    """Two simultaneous registrations for the last place: one gets it, the other waits."""
    world = make_world(1, capacity=1)
    barrier = threading.Barrier(2)
    errors = []

    def attempt(n):
        from django.db import connection as conn

        try:
            barrier.wait()
            register(world, n, sessions=[world.session])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    statuses = sorted(world.session.signups.values_list("status", flat=True))
    assert statuses == ["confirmed", "waitlisted"]


def test_cancelling_gives_the_places_to_the_people_waiting(client):
    """A registrant cancels from their page; the first waiting person gets both places."""
    world = make_world(1, capacity=1)
    world.congress.capacity = 1
    world.congress.save()
    first = register(world, 1, sessions=[world.session])
    second = register(world, 2, sessions=[world.session])
    assert second.status == RegistrationStatus.WAITLISTED
    response = client.post(f"/fr/governance/registrations/{first.token}/cancel/")
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert second.status == RegistrationStatus.CONFIRMED
    assert second.signups.get().status == SignupStatus.CONFIRMED
    with translation.override("en"), pytest.raises(ServiceError, match="already cancelled"):
        services.registration_cancel(registration=first)
