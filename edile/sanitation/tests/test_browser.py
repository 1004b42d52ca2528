"""In a real browser: the officer (French, desktop) records and assigns a request; the crew
(English, a 390 px phone) accepts it and records the emptying; the plant records a short
reception; the officer sees the flag. axe-core checks each main page; no page scrolls sideways
on the phone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD
from edile.core.testing import assert_no_serious_axe_violations, browser_login
from edile.sanitation.models import SfdGridCell, SfdStudy, SfdSystemRow, SfdVariable, TariffRule
from edile.sanitation.tests.factories import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, locale: str, width: int):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 860})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 1, f"{page.url} scrolls sideways: {width} > {viewport}"


def test_sanitation_chain_in_the_browser(browser, live_server):
    city = make_city()
    TariffRule.objects.create(local_government=city.lg, name="Gratuit", amount_per_trip=0)
    for user, language in ((city.officer, "fr"), (city.crew, "en"), (city.plant, "en")):
        user.preferred_language = language
        user.save()
    study = SfdStudy.objects.create(
        local_government=city.lg, year=2019, title="Estimation", status="published"
    )
    row = SfdSystemRow.objects.create(
        study=study, cell=SfdGridCell.objects.get(code="T1A5C10"), population_share=Decimal(100)
    )
    for name in ("f3", "f4", "f5"):
        SfdVariable.objects.create(row=row, name=name, value=Decimal(50))

    # 1. The officer, in French on a desktop, records the request and assigns it.
    officer = _page(browser, live_server, "fr-FR", 1280)
    browser_login(officer, live_server, city.officer.email, TEST_PASSWORD, language="fr")
    officer.goto(f"{live_server.url}/fr/sanitation/city/{city.lg.slug}/requests/")
    assert_no_serious_axe_violations(officer)
    officer.locator("#id_containment").fill("C1")
    officer.locator("#id_channel").select_option("phone")
    officer.get_by_role("button", name="Enregistrer la demande").click()
    officer.wait_for_url("**/sanitation/requests/*/")
    assert "À attribuer" in officer.content()
    officer.locator("#id_operator").select_option(str(city.operator.pk))
    officer.get_by_role("button", name="Attribuer").click()
    officer.wait_for_load_state()
    assert "En attente de l'opérateur" in officer.content()
    assert_no_serious_axe_violations(officer)
    job_url = officer.url.replace("/fr/", "/en/")

    # 2. The crew, in English on a phone, accepts and records the emptying (no JavaScript needed).
    crew = _page(browser, live_server, "en-GB", 390)
    browser_login(crew, live_server, city.crew.email, TEST_PASSWORD, language="en")
    crew.goto(f"{live_server.url}/en/sanitation/jobs/")
    _no_sideways_scroll(crew)
    assert_no_serious_axe_violations(crew)
    crew.goto(job_url)
    crew.locator("#id_vehicle").select_option(str(city.vehicle.pk))
    crew.get_by_role("button", name="Accept", exact=True).click()
    crew.wait_for_load_state()
    assert "Scheduled" in crew.content()
    _no_sideways_scroll(crew)
    assert_no_serious_axe_violations(crew)
    # The phone form the crew fills at the containment, kept for a person to look at.
    crew.screenshot(path="/tmp/sanitation-crew-emptying-en-390.png", full_page=True)
    crew.locator("#id_volume_l").fill("3000")
    crew.locator("#id_ppe_gloves").check()
    crew.locator("#id_ppe_boots").check()
    crew.get_by_role("button", name="Record the emptying").click()
    crew.wait_for_url("**/en/sanitation/jobs/")
    assert "Emptying recorded." in crew.content()
    crew.locator("#id_vehicle").select_option(str(city.vehicle.pk))
    crew.locator("#id_site").select_option(str(city.site.pk))
    crew.locator("input[name=emptyings]").first.check()
    crew.get_by_role("button", name="Record the trip").click()
    crew.wait_for_load_state()
    assert "recorded: 3 m³" in crew.content()

    # 3. The plant, in English, receives much less than declared.
    plant = _page(browser, live_server, "en-GB", 390)
    browser_login(plant, live_server, city.plant.email, TEST_PASSWORD, language="en")
    plant.goto(f"{live_server.url}/en/sanitation/plant/")
    plant.locator("select[name=trip]").select_option(index=1)
    plant.locator("#id_received_volume_l").fill("2000")
    plant.get_by_role("button", name="Record the reception").click()
    plant.wait_for_load_state()
    assert "Reception recorded." in plant.content()
    _no_sideways_scroll(plant)
    assert_no_serious_axe_violations(plant)

    # 4. The officer checks the records: the trip is flagged; the dashboard counts it.
    officer.goto(f"{live_server.url}/fr/sanitation/city/{city.lg.slug}/flags/")
    officer.get_by_role("button", name="Vérifier les enregistrements maintenant").click()
    officer.wait_for_load_state()
    assert "déclaré 3000 l, reçu 2000 l" in officer.content()
    assert_no_serious_axe_violations(officer)
    officer.goto(f"{live_server.url}/fr/sanitation/city/{city.lg.slug}/")
    assert "2\u00a0m³" in officer.content() or "2 m³" in officer.content()
    assert_no_serious_axe_violations(officer)
    officer.set_viewport_size({"width": 390, "height": 860})
    _no_sideways_scroll(officer)

    # 4b. On the phone, the officer adds a worker from the registry pages the dashboard links.
    officer.get_by_role("link", name="Agents").click()
    officer.wait_for_url("**/registry/workers/")
    officer.get_by_role("link", name="Ajouter").click()
    officer.locator("#id_operator").select_option(str(city.operator.pk))
    officer.locator("#id_name").fill("Kim Rithy")
    officer.locator("#id_role").select_option("emptier")
    officer.get_by_role("button", name="Enregistrer").click()
    officer.wait_for_url("**/registry/workers/")
    assert "« Kim Rithy » est enregistré." in officer.content().replace("&nbsp;", " ")
    _no_sideways_scroll(officer)
    assert_no_serious_axe_violations(officer)
    officer.goto(f"{live_server.url}/fr/sanitation/city/{city.lg.slug}/registry/operators/new/")
    _no_sideways_scroll(officer)
    assert_no_serious_axe_violations(officer)
    officer.screenshot(path="/tmp/sanitation-officer-operator-fr-390.png", full_page=True)

    # 5. The public sees the published estimate and its graphic.
    public = _page(browser, live_server, "en-GB", 390)
    public.goto(f"{live_server.url}/en/sanitation/sfd/{study.pk}/")
    assert public.locator("svg.sfd-graphic").count() == 1
    _no_sideways_scroll(public)
    assert_no_serious_axe_violations(public)
