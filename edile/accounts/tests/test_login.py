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


TOO_MANY = "Too many failed login attempts. Try again later."


def test_repeated_failed_logins_are_rate_limited(client):
    """5 wrong passwords for one account: the 6th attempt, even right, is refused with a
    message on the form (200), and the person is not signed in."""
    user = make_user("focal_point")
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert client.get("/en/accounts/profile/").status_code == 302


def test_account_limit_holds_across_addresses():
    """Guessing one account from many addresses is still stopped by the per-account limit."""
    from django.test import Client

    user = make_user("focal_point")
    for n in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/en/accounts/login/", {"login": user.email, "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="198.51.100.99").post(
        "/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_300_delegates_behind_one_address_sign_in_within_two_minutes(monkeypatch):
    """A venue: 300 delegates behind one address sign in over two minutes, 60 of them after
    one mistyped password: all 300 get in. A guesser at the same address is then stopped by
    the per-address limit on failures (100 per 5 minutes) and gets the message."""
    from allauth.core.internal import ratelimit
    from django.test import Client

    # The rate limiter's clock: the 360 attempts are spread evenly over 120 seconds.
    clock = {"now": 1_900_000_000.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock["now"])

    def attempt(c, email, password):
        clock["now"] += 120 / 360
        return c.post("/en/accounts/login/", {"login": email, "password": password})

    venue = "203.0.113.7"
    delegates = [UserFactory() for _ in range(300)]
    signed_in = 0
    for n, delegate in enumerate(delegates):
        c = Client(REMOTE_ADDR=venue)
        if n % 5 == 0:
            attempt(c, delegate.email, "typo")
        response = attempt(c, delegate.email, TEST_PASSWORD)
        assert response.status_code == 302, n
        signed_in += "_auth_user_id" in c.session
    assert signed_in == 300
    guesser = Client(REMOTE_ADDR=venue)
    victims = [UserFactory() for _ in range(41)]
    for victim in victims[:40]:
        response = attempt(guesser, victim.email, "x")
        assert TOO_MANY not in response.content.decode()
    response = attempt(guesser, victims[40].email, TEST_PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_password_reset_sends_an_email(client):
    user = make_user("focal_point")
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to
