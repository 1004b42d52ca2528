"""Security headers on every page, and a sign-up that does not reveal existing accounts."""

import pytest
from django.core import mail

from edile.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    """The home page: scripts from this site only (no 'unsafe-inline' for scripts), no
    framing, no plugins; the map tiles' server is allowed for images."""
    response = client.get("/en/")
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    # No executable inline script in the page itself (JSON data blocks are not executed).
    html = response.content.decode()
    assert "<script>" not in html


def test_pages_carry_a_permissions_policy(client):
    """Powerful features are off, except the camera for this site (badge scanning)."""
    response = client.get("/en/")
    header = response["Permissions-Policy"]
    assert "geolocation=()" in header
    assert "microphone=()" in header
    assert "camera=(self)" in header


def test_api_and_admin_carry_the_headers_too(client):
    """The same policy reaches the API and the admin site."""
    for url in ("/api/v1/members/local-governments", "/admin/login/"):
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        assert "Permissions-Policy" in response, url


def _signup(client, email):
    return client.post(
        "/en/accounts/signup/",
        {
            "email": email,
            "password1": "another-Horse-battery-7",
            "password2": "another-Horse-battery-7",
        },
    )


def test_signup_does_not_tell_whether_an_address_has_an_account(client):
    """Signing up with a taken address looks exactly like signing up with a new one: same
    redirect to "check your e-mail", no error; the owner of the address gets an e-mail."""
    existing = UserFactory(email="taken@example.org")
    new = _signup(client, "fresh@example.org")
    client.logout()
    taken = _signup(client, existing.email)
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == "/en/accounts/confirm-email/"
    page = client.get(taken["Location"]).content.decode()
    assert "already" not in page.lower()
    recipients = [m.to[0] for m in mail.outbox]
    assert recipients.count("fresh@example.org") == 1
    assert recipients.count("taken@example.org") == 1


def test_new_account_cannot_sign_in_before_verifying_its_address(client):
    """Verification is mandatory: the password alone leads to "check your e-mail"."""
    _signup(client, "fresh@example.org")
    client.logout()
    response = client.post(
        "/en/accounts/login/",
        {"login": "fresh@example.org", "password": "another-Horse-battery-7"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
