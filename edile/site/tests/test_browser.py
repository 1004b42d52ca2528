"""In a real browser: the home page in both languages, signing in, filtering members, axe-core."""

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user
from edile.core.testing import assert_no_serious_axe_violations, browser_login
from edile.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_french_and_english_with_figures(page, live_server):
    """The home page shows figures counted from records, in French then in English."""
    make_member(name="Phnom Penh", name_fr="Phnom Penh", country="KH")
    make_member(name="Nantes", name_fr="Nantes", country="FR")
    page.goto(f"{live_server.url}/fr/")
    assert page.locator("h1").inner_text() == "La plateforme de l'association"
    assert page.locator("[data-figure=members]").inner_text() == "2"
    assert page.locator("[data-figure=countries]").inner_text() == "2"
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "The association's platform"
    assert page.locator("html").get_attribute("lang") == "en"


def test_focal_point_and_secretariat_sign_in(page, live_server):
    """A focal point signs in with a password; the secretariat also gives a TOTP code."""
    focal = make_user("focal_point", email="focal@example.org")
    browser_login(page, live_server, focal.email, TEST_PASSWORD, language="en")
    page.goto(f"{live_server.url}/en/accounts/profile/")
    assert "City focal point" in page.content()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    staff = make_user("secretariat", email="staff@example.org")
    browser_login(
        page, live_server, staff.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET, language="en"
    )
    page.goto(f"{live_server.url}/en/accounts/profile/")
    assert "Secretariat" in page.content()
    assert "Two-factor authentication is on." in page.content()


def test_filtering_the_member_list_with_htmx_and_keyboard(page, live_server):
    """Choosing a country updates the results in place; the URL keeps the filter."""
    make_member(name="Dakar", name_fr="Dakar", country="SN", region="Dakar")
    make_member(name="Nantes", name_fr="Nantes", country="FR", region="Pays de la Loire")
    page.goto(f"{live_server.url}/fr/members/")
    assert_no_serious_axe_violations(page)
    results = page.locator("#results tbody")
    assert "Dakar" in results.inner_text() and "Nantes" in results.inner_text()
    page.get_by_label("Pays").select_option("SN")
    page.wait_for_url("**country=SN**")
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('Nantes')")
    assert "Dakar" in results.inner_text()
    # Keyboard: the search box is reachable and filters as one types.
    page.get_by_label("Pays").select_option("")
    page.get_by_label("Recherche").focus()
    page.keyboard.type("Nan")
    page.wait_for_function(
        "() => !document.querySelector('#results tbody').innerText.includes('Dakar')"
    )
    assert "Nantes" in results.inner_text()
