"""In the browser: the administrator reaches the admin through the one sign-in (password,
then TOTP code), and the pages run under the Content-Security-Policy without a violation."""

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user
from edile.core.testing import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sign_in_goes_through_totp_under_the_csp(page, live_server):
    """/admin/ → the platform's login → the TOTP step → the admin index; the API docs page
    (Swagger UI) renders too. The `page` fixture fails on any CSP console violation."""
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    assert "/accounts/login/" in page.url
    browser_login(page, live_server, admin.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#site-name").count() == 1
    page.goto(f"{live_server.url}/admin/accounts/user/{admin.pk}/change/")
    assert page.locator("input[name=email]").input_value() == admin.email
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    page.goto(f"{live_server.url}/en/accounts/profile/")
    assert page.locator("#recovery-codes").count() == 1
