"""Personal API tokens: created and revoked from the profile, stored hashed, sent as Bearer."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from edile.accounts.models import ApiToken
from edile.accounts.services import (
    api_token_create,
    hash_token,
    role_grant,
    role_revoke,
)
from edile.accounts.tests.factories import UserFactory
from edile.core.errors import ServiceError


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


def _create_token(c, name="Export script", expires_in="90"):
    response = c.post("/en/accounts/profile/tokens/", {"name": name, "expires_in": expires_in})
    assert response.status_code == 200
    return response.context["new_token"]


def test_token_is_shown_once_and_stored_hashed(client_as):
    c = client_as("focal_point")
    raw = _create_token(c)
    token = ApiToken.objects.get(user=c.user)
    assert token.key_hash == hash_token(raw)
    assert raw not in token.key_hash
    assert raw not in c.get("/en/accounts/profile/").content.decode()


def test_bearer_token_authenticates_api_requests(client_as, client):
    c = client_as("secretariat")
    raw = _create_token(c)
    response = client.get(
        "/api/v1/members/local-governments", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    assert ApiToken.objects.get(user=c.user).last_used_at is not None


def test_revoked_token_is_refused(client_as, client):
    c = client_as("secretariat")
    raw = _create_token(c)
    token = ApiToken.objects.get(user=c.user)
    c.post(f"/en/accounts/profile/tokens/{token.pk}/revoke/")
    response = client.get(
        "/api/v1/members/local-governments",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic abc", "Bearer "])
def test_bad_authorization_header_is_401_with_message(client, header):
    response = client.get("/api/v1/members/local-governments", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_cannot_revoke_someone_elses_token(client_as):
    owner = client_as("focal_point")
    _create_token(owner)
    token = ApiToken.objects.get(user=owner.user)
    thief = client_as("focal_point")
    thief.post(f"/en/accounts/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_needs_a_name(client_as):
    c = client_as("focal_point")
    response = c.post("/en/accounts/profile/tokens/", {"name": "", "expires_in": "90"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_profile_requires_login(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _api(client, raw):
    return client.get(
        "/api/v1/members/local-governments",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )


def test_token_expires_after_the_default_90_days(client_as):
    """The form preselects 90 days; the token records its expiry and shows it."""
    c = client_as("focal_point")
    page = c.get("/en/accounts/profile/")
    assert page.context["token_form"]["expires_in"].value() == 90
    before = timezone.now()
    _create_token(c)
    token = ApiToken.objects.get(user=c.user)
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)


def test_token_lifetime_is_chosen_from_a_short_list(client_as):
    """30 days is on the list; 7 days is not and gets a form error (400)."""
    c = client_as("focal_point")
    _create_token(c, expires_in="30")
    token = ApiToken.objects.get(user=c.user)
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=5)
    response = c.post("/en/accounts/profile/tokens/", {"name": "x", "expires_in": "7"})
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=c.user).count() == 1


def test_expired_token_is_refused_with_a_message(client_as, client):
    """After its expiry a token answers 401 and says so."""
    c = client_as("focal_point")
    raw = _create_token(c)
    ApiToken.objects.filter(user=c.user).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _api(client, raw)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This token has expired: create a new one on your profile."
    }


def test_role_requiring_mfa_cannot_create_a_token_without_totp():
    """The service refuses, whatever page or script calls it."""
    from django.utils import translation

    user = UserFactory()
    role_grant(user=user, code="observatory_analyst")
    with translation.override("en"), pytest.raises(ServiceError, match="two-factor"):
        api_token_create(user=user, name="export")
    assert not ApiToken.objects.exists()


def test_token_stops_working_when_its_holder_must_have_totp_and_has_none(client_as, client):
    """A focal point's token, then the secretariat role (MFA required) without TOTP: 401."""
    c = client_as("focal_point")
    raw = _create_token(c)
    role_grant(user=c.user, code="secretariat")
    assert not Authenticator.objects.filter(user=c.user).exists()
    response = _api(client, raw)
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_token_created_before_a_role_was_granted_does_not_gain_it(client_as, client):
    """Roles granted after creation: the token is refused (no silent gain); once the new role
    is revoked again it works, and a new token made now carries the role."""
    c = client_as("focal_point")
    raw = _create_token(c)
    assert _api(client, raw).status_code == 200
    role_grant(user=c.user, code="observatory_partner")
    response = _api(client, raw)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "You have been given new roles since this token was created: "
        "create a new token to use them."
    }
    fresh = _create_token(c, name="With the partner role")
    assert _api(client, fresh).status_code == 200
    role_revoke(user=c.user, code="observatory_partner")
    assert _api(client, raw).status_code == 200


def test_token_of_a_person_made_superuser_afterwards_is_refused(client_as, client):
    """Superuser status is a gain of rights too."""
    c = client_as("focal_point")
    raw = _create_token(c)
    c.user.is_superuser = True
    c.user.save(update_fields=["is_superuser"])
    from allauth.mfa.totp.internal.auth import TOTP

    from edile.accounts.tests.factories import TEST_TOTP_SECRET

    TOTP.activate(c.user, TEST_TOTP_SECRET)
    response = _api(client, raw)
    assert response.status_code == 401
    assert "new roles" in response.json()["detail"]


def test_profile_lists_expiry_and_last_use(client_as, client):
    """The token table shows when each token expires and was last used."""
    c = client_as("focal_point")
    raw = _create_token(c)
    _api(client, raw)
    token = ApiToken.objects.get(user=c.user)
    html = c.get("/en/accounts/profile/").content.decode()
    assert '<th scope="col">Expires</th>' in html
    assert token.last_used_at is not None
