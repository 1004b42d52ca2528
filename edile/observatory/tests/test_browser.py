"""The whole journey in the browser: an anonymous report in French, triage, verification and
publication by an analyst in English, and the public sees it without its confidential parts."""

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from edile.core.testing import assert_no_serious_axe_violations, browser_context, browser_login
from edile.observatory.models import Incident
from edile.observatory.tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VICTIM = "Salimata Confidentielle"


def _context(browser, live_server, locale):
    return browser_context(browser, live_server, locale=locale, width=1280, height=900)


def test_report_triage_verify_publish(browser, live_server, make_user):
    """Report (fr, anonymous) → triage → verify → publish (en) → public page hides the victim."""
    url = live_server.url
    analyst = make_user("observatory_analyst")
    # An earlier incident about the same victim: the triage page must flag it.
    earlier = make_incident(
        victim_name=VICTIM,
        country="BF",
        place="Tiaré",
        published=False,
        status="under_review",
        confidentiality="confidential",
    )
    earlier.date_start = earlier.date_start.replace(year=2025, month=2, day=1)
    earlier.save()

    # 1. An anonymous person reports in French.
    context, page = _context(browser, live_server, "fr-FR")
    page.goto(f"{url}/fr/observatory/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Signaler un incident").click()
    assert_no_serious_axe_violations(page)
    page.fill("#id_date", "2025-02-10")
    page.select_option("#id_country", "BF")
    page.fill("#id_place", "Tiaré")
    page.fill("#id_victim_name", VICTIM)
    page.select_option("#id_victim_gender", "female")
    page.check("input[name=violation_types][value=kidnapping]")
    page.fill("#id_description", "La maire a été enlevée devant la mairie.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le signalement").click()
    assert "Merci" in page.locator("h1").inner_text()
    context.close()

    # 2. The analyst triages, verifies and publishes, in English.
    context, page = _context(browser, live_server, "en-GB")
    browser_login(page, live_server, analyst.email, TEST_PASSWORD, TEST_TOTP_SECRET, language="en")
    page.goto(f"{url}/en/observatory/triage/")
    page.locator("table a").first.click()
    assert earlier.reference in page.locator("#dup-heading + article").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept as a new incident").click()
    page.select_option("#id_confidentiality", "public")
    page.fill("#id_summary_en", "The mayor was kidnapped in front of the town hall.")
    page.fill("#id_summary_fr", "La maire a été enlevée devant la mairie.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "The incident has been saved." in page.content()
    for status in ("under_review", "verified"):
        page.select_option("#id_to", status)
        with page.expect_navigation():
            page.get_by_role("button", name="Change the status").click()
    assert page.locator("#status").inner_text() == "Verified"
    # Publishing goes through the public copy: checked, read, then confirmed.
    with page.expect_navigation():
        page.get_by_role("link", name="Preview the public copy and publish").click()
    assert "What the public will see of" in page.locator("h1").inner_text()
    assert page.locator("#publication-ok").is_visible()
    preview = page.locator("main").inner_text()
    assert "An anonymous reader" in preview and "Public API answer" in preview
    public_copy = page.locator("#copy-1").locator("xpath=..").inner_text()
    assert VICTIM not in public_copy and "Tiaré" not in public_copy
    assert_no_serious_axe_violations(page)
    page.check("#id_confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish", exact=True).click()
    assert "The incident is published." in page.content()
    incident = Incident.objects.exclude(pk=earlier.pk).get()
    assert incident.is_published and incident.verification_status == "verified"
    context.close()

    # 3. The public sees it in both languages, without the victim's name.
    context, page = _context(browser, live_server, "en-GB")
    page.goto(f"{url}/en/observatory/incidents/")
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Kidnapping or enforced disappearance reported in Burkina Faso"
        ).click()
    body = page.locator("main").inner_text()
    assert "identity withheld" in body and VICTIM not in body
    assert "Tiaré" not in body
    page.goto(f"{url}/fr/observatory/incidents/{incident.reference}/")
    assert "Enlèvement ou disparition forcée" in page.locator("h1").inner_text()
    assert VICTIM not in page.content()
    page.goto(f"{url}/fr/observatory/statistics/")
    assert_no_serious_axe_violations(page)
    page.goto(f"{url}/fr/observatory/legal-benchmark/")
    assert_no_serious_axe_violations(page)
    context.close()
