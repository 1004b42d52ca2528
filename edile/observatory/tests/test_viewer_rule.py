"""One rule decides who sees confidential data: explicit roles, never `is_superuser`.

An administrator (a Django superuser) manages users and settings; signed in, they see what
docs/observatory.md says an administrator sees (restricted parts of published incidents),
never victims' names, contacts, witnesses or private notes, on any analysts' page.
"""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from edile.accounts.tests.factories import TEST_TOTP_SECRET, UserFactory
from edile.observatory.models import ConfidentialAccess, IntakeReport
from edile.observatory.permissions import RESTRICTED, viewer_level
from edile.observatory.tests.factories import (
    SECRET_VICTIM,
    SECRET_WITNESS,
    make_incident,
    make_secret_incident,
)

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Private note Zanzibar-Quartz"
SECRET_REPORTER = "Reporter Ombrelune"


@pytest.fixture
def superuser_client():
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def world():
    secret = make_secret_incident(date=dt.date(2024, 3, 1), private_notes=SECRET_NOTE)
    unpublished = make_incident(
        victim_name="Unpublished Victimname",
        confidentiality="confidential",
        identity="confidential",
        published=False,
    )
    report = IntakeReport.objects.create(
        channel="anonymous",
        reporter_name=SECRET_REPORTER,
        date=dt.date(2024, 2, 1),
        country="ML",
        victim_name="Reported Victimname",
        description="Intake description Tamarind",
    )
    return {"secret": secret, "unpublished": unpublished, "report": report}


# Every analysts' page: a superuser without the analyst role is refused with 403.
ANALYST_PAGES = {
    "edit page": lambda w: f"/fr/observatory/incidents/{w['secret'].reference}/edit/",
    "edit page of an unpublished incident": lambda w: (
        f"/fr/observatory/incidents/{w['unpublished'].reference}/edit/"
    ),
    "public preview": lambda w: f"/fr/observatory/incidents/{w['secret'].reference}/preview/",
    "triage queue": lambda w: "/fr/observatory/triage/",
    "triage of a report": lambda w: f"/fr/observatory/triage/{w['report'].pk}/",
    "import page": lambda w: "/fr/observatory/incidents/import/",
    "new incident": lambda w: "/fr/observatory/incidents/new/",
    "bulk publication": lambda w: "/fr/observatory/incidents/publication/",
}

# Pages everyone may open: the superuser gets them at the restricted level.
SHARED_PAGES = {
    "list page": lambda w: "/fr/observatory/incidents/",
    "list filtered by status": lambda w: "/fr/observatory/incidents/?status=reported",
    "search by hidden victim": lambda w: "/fr/observatory/incidents/?q=Secretvictim",
    "detail page": lambda w: f"/fr/observatory/incidents/{w['secret'].reference}/",
    "annual report": lambda w: "/fr/observatory/annual-report/2024/",
    "statistics": lambda w: "/fr/observatory/statistics/",
    "API list": lambda w: "/api/v1/observatory/incidents",
    "API detail": lambda w: f"/api/v1/observatory/incidents/{w['secret'].reference}",
    "API search": lambda w: "/api/v1/observatory/incidents?q=Secretvictim",
    "CSV": lambda w: "/api/v1/observatory/incidents.csv",
    "suggestions": lambda w: "/api/v1/observatory/suggestions?q=Secretvictim",
}

FORBIDDEN = [
    SECRET_VICTIM,
    SECRET_WITNESS,
    SECRET_NOTE,
    SECRET_REPORTER,
    "+223 555 0101",
    "Unpublished Victimname",
    "Reported Victimname",
    "Intake description Tamarind",
]


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_a_superuser_is_at_the_restricted_level(superuser_client):
    """`is_superuser` gives the administrator role's level (restricted), not the analyst's."""
    assert viewer_level(superuser_client.user) == RESTRICTED


@pytest.mark.parametrize("page", list(ANALYST_PAGES))
def test_a_superuser_is_refused_the_analysts_pages(world, superuser_client, page):
    """Each analysts' page answers 403 to a superuser who does not hold the analyst role."""
    response = superuser_client.get(ANALYST_PAGES[page](world))
    assert response.status_code == 403
    body = _text(response)
    for text in FORBIDDEN:
        assert text not in body


@pytest.mark.parametrize("page", list(SHARED_PAGES))
def test_a_superuser_sees_no_confidential_part(world, superuser_client, page):
    """Lists, detail, search, exports and reports show a superuser no confidential part."""
    response = superuser_client.get(SHARED_PAGES[page](world))
    assert response.status_code == 200
    body = _text(response)
    for text in FORBIDDEN:
        assert text not in body, f"{text!r} leaked on {page}"
    assert not ConfidentialAccess.objects.exists()


def test_a_superuser_cannot_write(world, superuser_client):
    """Posting to an analyst's write address is refused (403) and changes nothing."""
    incident = world["secret"]
    response = superuser_client.post(
        f"/fr/observatory/incidents/{incident.reference}/publish/",
        {"publish": "0", "version": incident.version},
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.is_published is True
