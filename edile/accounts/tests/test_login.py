"""E-mail login, MFA required by role, rate-limited failures, password reset by e-mail."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from edile.accounts.tests.factories import TEST_PASSWORD, UserFactory, make_user

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client):
    user = make_user("focal_point")
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_staff_role_without_totp_is_sent_to_activate_it(client):
    user = UserFactory()
    from edile.accounts.services import role_grant

    role_grant(user=user, code="secretariat")
    client.force_login(user)
    response = client.get("/en/members/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


def test_staff_role_with_totp_is_asked_for_a_code_at_login(client):
    user = make_user("secretariat")
    assert Authenticator.objects.filter(user=user).exists()
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate" in response["Location"]
    # Not signed in until the code is given.
    assert client.get("/en/accounts/profile/").status_code == 302


def test_focal_point_needs_no_totp(client):
    user = make_user("focal_point")
    client.force_login(user)
    assert client.get("/en/members/").status_code == 200


def test_repeated_failed_logins_are_rate_limited(client):
    user = make_user("focal_point")
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    # Even the right password is refused while the limit holds.
    assert response.status_code in (200, 429)
    assert client.get("/en/accounts/profile/").status_code == 302


def test_password_reset_sends_an_email(client):
    user = make_user("focal_point")
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to
