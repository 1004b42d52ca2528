"""In a real browser: a focal point meets the publish form in steps; the steward of a dataset
describes the columns of its CSV file and readers find the dictionary on the dataset page.
axe-core on each page, the Content-Security-Policy active (the `page` fixture)."""

from __future__ import annotations

import re

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, make_user
from edile.core.testing import assert_no_serious_axe_violations, browser_login
from edile.datagov.tests.factories import DatasetFactory, csv_distribution
from edile.members.tests.factories import LocalGovernmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_form_in_steps_and_the_steward_describes_the_columns(page, live_server):
    city = LocalGovernmentFactory(name="Dakar", name_fr="Dakar", slug="dakar", country="SN")
    focal = make_user("focal_point", local_government=city, email="focal@example.org")
    steward = make_user("public", email="steward@example.org")
    dataset = DatasetFactory(publisher=city, steward=steward, slug="collecte", title_fr="Collecte")
    csv_distribution(dataset, b"mois;quartier;tonnes\n2024-01-01;Centre;812\n")

    # The focal point's publish form: four steps, listed at the top, each linked.
    browser_login(page, live_server, focal.email, TEST_PASSWORD, language="fr")
    page.goto(f"{live_server.url}/fr/data/datasets/new/")
    assert page.locator("fieldset.form-step > legend").all_inner_texts() == [
        "Étape 1 sur 4\u00a0: Décrire les données",
        "Étape 2 sur 4\u00a0: Qui le publie et qui peut l’obtenir",
        "Étape 3 sur 4\u00a0: Ce qu’il couvre et à quel rythme il change",
        "Étape 4 sur 4\u00a0: Qualité et identifiant",
    ]
    assert page.locator("#id_publisher option").all_inner_texts() == ["Dakar"]
    assert_no_serious_axe_violations(page)
    page.context.clear_cookies()

    # The steward describes the columns from the dataset page.
    browser_login(page, live_server, steward.email, TEST_PASSWORD, language="fr")
    page.goto(f"{live_server.url}/fr/data/datasets/collecte/")
    page.get_by_role("link", name=re.compile("Décrire les colonnes")).click()
    page.wait_for_url(re.compile(r".*/dictionary/$"))
    assert page.locator("#id_col-2-name").input_value() == "tonnes"
    assert page.locator("#id_col-2-datatype").input_value() == "integer"
    assert_no_serious_axe_violations(page)
    page.locator("#id_col-2-unit").fill("t")
    page.locator("#id_col-2-description_fr").fill("Déchets collectés")
    page.locator("#id_col-2-description_en").fill("Waste collected")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/fr/data/datasets/collecte/$"))
    assert "Le dictionnaire de données est enregistré." in page.content()
    row = page.locator("table.dictionary tbody tr").nth(2)
    assert row.inner_text().split("\t") == ["tonnes", "entier", "t", "Déchets collectés"]
    assert_no_serious_axe_violations(page)
