"""In a real browser, on a 390 px phone (French) and a 1280 px screen (English): a focal point
adds a harvest source, runs it and reads the report; nothing overflows the screen."""

from __future__ import annotations

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, make_user
from edile.core.testing import assert_no_serious_axe_violations, browser_login
from edile.datagov.tests.test_harvest_sources import portal  # noqa: F401  (the fake portal)
from edile.members.tests.factories import LocalGovernmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("locale", "width"), [("fr", 390), ("en", 1280)])
def test_add_run_and_read_a_harvest_source(browser, live_server, portal, settings, locale, width):  # noqa: F811
    """Add a source, run it, see "2 created"; the page fits the screen and passes axe."""
    settings.DATAGOV_HARVEST_ALLOW_PRIVATE = True
    city = LocalGovernmentFactory(
        name="Dakar", name_fr="Dakar", name_en="Dakar", slug="dakar", country="SN"
    )
    focal = make_user("focal_point", local_government=city, email=f"focal-{locale}@example.org")
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_login(page, live_server, focal.email, TEST_PASSWORD, language=locale)
    page.goto(f"{live_server.url}/{locale}/data/harvest/sources/")
    page.locator("#id_publisher").select_option(label="Dakar")
    page.locator("#id_url").fill(f"{portal.base}/dcat/a")
    page.locator("#id_kind").select_option("dcat")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    run_label = "Lancer maintenant" if locale == "fr" else "Run now"
    page.get_by_role("button", name=run_label).click()
    page.wait_for_load_state()
    expected = "2 jeu(x) de données créé(s)" if locale == "fr" else "2 dataset(s) created"
    assert expected in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/datagov-harvest-{locale}-{width}.png", full_page=True)
    assert_no_serious_axe_violations(page)
    context.close()
