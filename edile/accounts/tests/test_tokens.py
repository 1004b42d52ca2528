"""Personal API tokens: created and revoked from the profile, stored hashed, sent as Bearer."""

import pytest

from edile.accounts.models import ApiToken
from edile.accounts.services import hash_token

pytestmark = pytest.mark.django_db


def _create_token(c, name="Export script"):
    response = c.post("/en/accounts/profile/tokens/", {"name": name})
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
        "/api/v1/members/local-governments", headers={"Authorization": f"Bearer {raw}"}
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
    response = c.post("/en/accounts/profile/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_profile_requires_login(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
