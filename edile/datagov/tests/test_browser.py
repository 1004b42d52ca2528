"""In a real browser: a focal point publishes a restricted dataset (in French), someone else
finds it by facet and asks for it (in English), the focal point approves, the data downloads."""

from __future__ import annotations

import re

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, make_user
from edile.core.testing import assert_no_serious_axe_violations, browser_login
from edile.members.tests.factories import LocalGovernmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_page(browser, live_server, locale: str):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    new = context.new_page()
    new.set_default_timeout(15_000)
    return new


def test_publish_find_request_approve_download(page, browser, live_server):
    """The whole journey of a restricted dataset, across two people and two languages."""
    city = LocalGovernmentFactory(
        name="Dakar", name_fr="Dakar", name_en="Dakar", slug="dakar", country="SN"
    )
    LocalGovernmentFactory(name="Hanoï", name_fr="Hanoï", slug="hanoi", country="VN")
    focal = make_user("focal_point", local_government=city, email="focal@example.org")
    requester = make_user("delegate", email="delegate@example.org", preferred_language="en")

    # 1. The focal point publishes, in French.
    browser_login(page, live_server, focal.email, TEST_PASSWORD, language="fr")
    page.goto(f"{live_server.url}/fr/data/")
    page.get_by_role("link", name="Publier un jeu de données").click()
    page.get_by_label("Titre (français)").fill("Consommation d'eau par quartier")
    page.get_by_label("Titre (anglais)").fill("Water use by district")
    page.get_by_label("Description (français)").fill("Volumes distribués par quartier.")
    page.get_by_label("Classification").select_option("restricted")
    page.locator("#id_licence").select_option("odbl")
    page.get_by_label("Point de contact").fill("Service de l'eau")
    page.get_by_label("Adresse électronique de contact").fill("eau@dakar.example.org")
    page.get_by_label("Environnement").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/fr/data/datasets/(?!new/)[^/]+/$"))
    assert "Le jeu de données est publié" in page.content()
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "eau.csv",
                "mimeType": "text/csv",
                "buffer": b"quartier,m3\nCentre,120000\nNord,80000\n",
            }
        ]
    )
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    assert "La distribution est ajoutée" in page.content()
    assert_no_serious_axe_violations(page)
    dataset_url = page.url

    # 2. Someone else finds it by facet, in English, and asks for it.
    other = _new_page(browser, live_server, "en-GB")
    browser_login(other, live_server, requester.email, TEST_PASSWORD, language="en")
    other.goto(f"{live_server.url}/en/data/")
    assert_no_serious_axe_violations(other)
    other.locator("a[data-facet=classification][data-value=restricted]").click()
    other.wait_for_url("**classification=restricted**")
    other.get_by_role("link", name="Water use by district").click()
    other.wait_for_url("**/en/data/datasets/**")
    assert "On approved request" in other.content()
    other.get_by_role("link", name="Request access").click()
    other.get_by_label("Purpose").fill("Compare water losses between member cities")
    other.get_by_label("Intended use").fill("Aggregated statistics in a report")
    other.get_by_label("Duration (days)").fill("90")
    with other.expect_navigation():
        other.get_by_role("button", name="Send the request").click()
    assert "Your request is sent" in other.content()

    # 3. The focal point, who manages the dataset, approves it with a condition.
    page.goto(f"{live_server.url}/fr/data/requests/")
    # Generic words ("Approve", "Save"…) may take another app's translation: use the fields.
    page.locator("input[name=decision][value=approve]").check()
    page.get_by_label("Conditions").fill("Pas de rediffusion des données brutes")
    with page.expect_navigation():
        page.locator("form[action$='/decide/'] button[type=submit]").click()
    assert "La décision est enregistrée" in page.content()

    # 4. The requester now downloads the file.
    other.goto(dataset_url.replace("/fr/", "/en/"))
    assert "Access until" in other.content()
    with other.expect_download() as download:
        other.locator("a[href$='/download/']").click()
    assert download.value.suggested_filename.endswith(".csv")
    other.context.close()


def _phone(browser, live_server, locale: str):
    page = _new_page(browser, live_server, locale)
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_on_a_phone_results_come_first_and_the_secretariat_keeps_the_roadmap(browser, live_server):
    """390 px: a French search for "donnees" shows its results with the facets folded behind a
    button; the secretariat adds an action to the roadmap and sees the overdue one flagged,
    without the admin. axe-core on each page."""
    import datetime as dt

    from edile.accounts.tests.factories import TEST_TOTP_SECRET
    from edile.datagov.models import Roadmap, RoadmapAction
    from edile.datagov.tests.factories import DatasetFactory

    DatasetFactory(title_fr="Données budgétaires", title_en="Budget data")
    reader = _phone(browser, live_server, "fr-FR")
    reader.goto(f"{live_server.url}/fr/data/?q=donnees")
    assert reader.locator("mark", has_text="Données").count() >= 1
    toggle = reader.locator("details.facet-toggle")
    assert toggle.get_attribute("open") is None  # folded on a phone: results first
    assert reader.get_by_text("Filtrer les résultats").is_visible()
    assert_no_serious_axe_violations(reader)
    reader.screenshot(path="/tmp/datagov-search-fr-390.png", full_page=True)
    reader.context.close()

    plan = Roadmap.objects.create(
        slug="feuille",
        title_fr="Feuille de route",
        title_en="Roadmap",
        adopted_on=dt.date(2019, 12, 1),
    )
    RoadmapAction.objects.create(
        roadmap=plan, code="A1", title_en="Data inventory", due_date=dt.date(2025, 6, 30)
    )
    staff = make_user("secretariat", email="staff@example.org")
    page = _phone(browser, live_server, "en-GB")
    browser_login(
        page, live_server, staff.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET, language="en"
    )
    page.goto(f"{live_server.url}/en/data/roadmap/")
    assert "1 action overdue" in page.content()
    assert page.locator("tr", has_text="Data inventory").locator(".badge-overdue").is_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Code").fill("A2")
    page.get_by_label("Title (English)").fill("Open data portal")
    page.get_by_label("Due date").fill("2027-06-30")
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "The roadmap is saved." in page.content()
    assert page.locator("tr", has_text="Open data portal").count() == 1
    page.screenshot(path="/tmp/datagov-roadmap-en-390.png", full_page=True)
    page.context.close()
