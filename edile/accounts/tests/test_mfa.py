"""One sign-in, always with its second factor: no path around TOTP (admin, API, /accounts/)."""

import pytest

from edile.accounts.models import ApiToken
from edile.accounts.services import role_grant
from edile.accounts.tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    UserFactory,
    make_user,
    password_only_login,
)
from edile.core.testing import totp_now


@pytest.fixture
def client():
    """These tests read the messages in English: the API answers in the language asked for."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def _english():
    """Services called directly speak the active language: English here."""
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_page_sends_to_the_platform_login(client):
    """/admin/login/ is allauth's login (which asks for TOTP), never Django's own form."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_admin_login_with_password_alone_never_signs_in(client):
    """20 wrong passwords then the right one on /admin/login/: still not signed in, no TOTP
    asked there, and the administrator's session does not exist."""
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    for _ in range(20):
        response = client.post("/admin/login/", {"username": admin.email, "password": "wrong"})
        assert response.status_code == 302
    response = client.post("/admin/login/", {"username": admin.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not _signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_platform_login_of_an_administrator_asks_for_the_code_then_opens_the_admin(client):
    """Password, then TOTP code, then the admin site answers."""
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    response = client.post("/en/accounts/login/", {"login": admin.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert not _signed_in(client)
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_now(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_session_without_second_factor_is_sent_to_give_the_code(client):
    """A session opened with the password only (e.g. by the old admin form) cannot use pages,
    the admin or the API until the TOTP code is given."""
    user = make_user("secretariat", is_staff=True)
    password_only_login(client, user)
    response = client.get("/en/members/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/reauthenticate/?next=%2Fen%2Fmembers%2F"
    admin_response = client.get("/admin/")
    assert admin_response.status_code == 302
    assert "/2fa/reauthenticate/" in admin_response["Location"]
    api = client.get("/api/v1/members/local-governments", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/json"
    assert "two-factor" in api.json()["detail"]
    # Giving the code opens the session.
    page = client.get("/en/accounts/2fa/reauthenticate/")
    assert page.status_code == 200
    response = client.post(
        "/en/accounts/2fa/reauthenticate/?next=/en/members/", {"code": totp_now(TEST_TOTP_SECRET)}
    )
    assert response.status_code == 302
    assert client.get("/en/members/").status_code == 200
    assert client.get("/api/v1/members/local-governments").status_code == 200


def test_optional_totp_is_also_required_once_set_up(client):
    """A focal point who chose to activate TOTP must give it too: one rule for every session."""
    from allauth.mfa.totp.internal.auth import TOTP

    user = make_user("focal_point")
    TOTP.activate(user, TEST_TOTP_SECRET)
    password_only_login(client, user)
    assert client.get("/en/members/").status_code == 302


def test_analyst_without_totp_cannot_read_the_api_with_the_session_cookie(client):
    """The API is no exemption: 403 JSON with a message, for every endpoint."""
    user = UserFactory()
    role_grant(user=user, code="observatory_analyst")
    client.force_login(user)
    for url in ("/api/v1/observatory/incidents", "/api/v1/observatory/incidents.csv"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, url
        assert response.json() == {
            "detail": "Activate two-factor authentication on your profile before using the API."
        }


def test_accounts_pages_are_no_exemption(client):
    """Profile and token pages are under /accounts/ but still need TOTP first."""
    user = UserFactory()
    role_grant(user=user, code="observatory_analyst")
    client.force_login(user)
    assert client.get("/en/accounts/profile/").status_code == 302
    response = client.post("/en/accounts/profile/tokens/", {"name": "export", "expires_in": "90"})
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]
    assert not ApiToken.objects.filter(user=user).exists()
    # The set-up page itself and signing out stay open (activation asks the password first).
    setup = client.get("/en/accounts/2fa/totp/activate/")
    assert setup.status_code == 302
    assert "/accounts/reauthenticate/" in setup["Location"]
    assert client.get(setup["Location"]).status_code == 200
    assert client.post("/en/accounts/logout/").status_code == 302
    assert not _signed_in(client)


def test_role_requiring_mfa_granted_mid_session_applies_at_the_next_request(client):
    """A focal point signed in without TOTP, then made secretariat, must activate TOTP."""
    user = make_user("focal_point")
    client.force_login(user)
    assert client.get("/en/members/").status_code == 200
    role_grant(user=user, code="secretariat")
    response = client.get("/en/members/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]


def test_activating_totp_counts_as_this_sessions_second_factor(rf):
    """Activation proves the code: the receiver writes the "mfa" record to the session."""
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.mfa.signals import authenticator_added
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.sessions.backends.db import SessionStore

    from edile.accounts.middleware import session_passed_mfa

    user = UserFactory()
    request = rf.get("/")
    request.session = SessionStore()
    request.user = user
    assert not session_passed_mfa(request, user)
    totp = TOTP.activate(user, TEST_TOTP_SECRET).instance
    authenticator_added.send(sender=type(totp), request=request, user=user, authenticator=totp)
    assert session_passed_mfa(request, user)
    assert get_authentication_records(request, user)[-1]["type"] == "totp"


def test_static_files_stay_open(client):
    """Assets load on the activation page of a user without TOTP."""
    user = UserFactory()
    role_grant(user=user, code="secretariat")
    client.force_login(user)
    assert client.get("/static/edile/css/site.css").status_code == 200


def test_role_requiring_mfa_cannot_switch_totp_off(client):
    """The deactivation form refuses for the secretariat, and TOTP stays."""
    from allauth.mfa.models import Authenticator

    user = make_user("secretariat")
    client.force_login(user)
    # Deactivation asks to confirm the code first (allauth's re-authentication).
    client.post("/en/accounts/2fa/reauthenticate/", {"code": totp_now(TEST_TOTP_SECRET)})
    response = client.post("/en/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_profile_counts_the_recovery_codes_left(client):
    """With TOTP and no codes the profile offers to create them; with codes it says how many
    are left and links to the page that shows them."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_user("secretariat")
    client.force_login(user)
    html = client.get("/en/accounts/profile/").content.decode()
    assert "You have no recovery codes" in html
    RecoveryCodes.activate(user)
    html = client.get("/en/accounts/profile/").content.decode()
    assert "10 unused recovery codes left" in html
    assert 'href="/en/accounts/2fa/recovery-codes/"' in html
