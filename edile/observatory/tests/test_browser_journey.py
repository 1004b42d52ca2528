"""The "Done when" journey of issue #12 in a real browser, as a new user would do it.

An analyst (signed in with TOTP) imports the real public data set kept in the repository
(the Wikipedia extract, CC BY-SA 4.0, `tests/data/README.md`) through the import pages —
upload, mapping step, dry run, confirmation — merges the duplicate it finds (then removes
the act and victim the merge doubled), codes a case, reads its public copy and publishes it
after the confirmation step; then an anonymous visitor reads the public statistics (page and
API), where a small cell reads "hidden", never a number, and the map places no marker from a
hidden place. axe-core runs at 390 and 1280 px on the import page, the duplicates and merge
pages, the analyst's edit page, the preview, the public incident page (English and French)
and the public statistics page (English and French); screenshots go to
`$TMPDIR/edile-observatory-journey/`.
"""

import datetime as dt
import tempfile
from pathlib import Path

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from edile.core.testing import (
    assert_no_serious_axe_violations,
    browser_context,
    browser_login,
    wait_for_text,
)
from edile.observatory.models import ImportBatch, Incident, IncidentMerge
from edile.observatory.tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data" / "wikipedia-mexico-2024-elections-extract.csv"
MAPPING = (
    "Name = victim_name\nMunicipality = place\nState = region\n"
    "Violation = violation_types\nOffice = victim_office"
)
SHOTS = Path(tempfile.gettempdir()) / "edile-observatory-journey"
WIDTHS = (390, 1280)
SUMMARY_EN = "A candidate for mayor was shot dead in the state of Puebla."
SUMMARY_FR = "Un candidat à la mairie a été tué par balle dans l’État de Puebla."


def _context(browser, live_server, locale="en-GB", width=1280):
    return browser_context(browser, live_server, locale=locale, width=width, height=900)


def _axe_at_widths(page, name):
    """axe-core at each width (no serious or critical violation), with a full-page screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe_violations(page)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _table(page, caption):
    """A count table of the statistics page, by its caption: {row label: cell as shown}."""
    table = page.locator(f"table:has(> caption:text-is({caption!r}))").last
    return {
        row.locator("th").inner_text().strip(): row.locator("td").first.inner_text().strip()
        for row in table.locator("tbody tr").all()
    }


def _items(answer):
    return answer["items"] if isinstance(answer, dict) else answer


def _upload(page, url, *, dry_run):
    page.goto(f"{url}/en/observatory/incidents/import/")
    page.set_input_files("#id_file", str(DATA))
    page.fill("#id_mapping", MAPPING)
    if dry_run:
        page.check("#id_dry_run")
    else:
        page.uncheck("#id_dry_run")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()


def test_import_merge_code_publish_then_public_statistics(browser, live_server, make_user):
    url = live_server.url
    analyst = make_user("observatory_analyst")
    # A partner's earlier record of the first killing of the file, with the victim's initial
    # and without accents, ten days off: the import must see it as a possible duplicate.
    earlier = make_incident(
        victim_name="J. Torres Barrera",
        country="MX",
        region="Puebla",
        place="Chiautla de Tapia",
        date=dt.date(2023, 7, 23),
        violation="killing",
        published=False,
        status="under_review",
        confidentiality="confidential",
        identity="confidential",
        location="confidential",
        gender="male",
        office="candidate",
        perpetrator="organised_crime",
        killed=1,
        title="Assassinat d'un candidat",
        title_fr="Assassinat d'un candidat",
        title_en="Killing of a candidate",
        summary_fr="",
        summary_en="",
    )
    # Other verified killings in Mexico in 2023 (details not public): the inventory counts them.
    # Distinct people, places and months, so that they are not duplicates of one another.
    for name, place, month, gender in (
        ("Abel Ortiz Vega", "Chilapa", 2, "male"),
        ("Bruno Salgado Ruiz", "Iguala", 5, "male"),
        ("Carlos Nava Soto", "Taxco", 8, "male"),
        ("Diana Campos Leal", "Tlapa", 11, "female"),
    ):
        make_incident(
            victim_name=name,
            place=place,
            country="MX",
            region="Guerrero",
            date=dt.date(2023, month, 1),
            violation="killing",
            published=False,
            status="verified",
            confidentiality="confidential",
            identity="confidential",
            location="confidential",
            gender=gender,
            office="mayor",
            perpetrator="organised_crime",
            killed=1,
        )

    # 1. The analyst signs in (TOTP) and opens the import page.
    context, page = _context(browser, live_server, "en-GB")
    browser_login(page, live_server, analyst.email, TEST_PASSWORD, TEST_TOTP_SECRET, language="en")
    page.goto(f"{url}/en/observatory/incidents/import/")
    assert page.locator("h1").inner_text() == "Import incidents"

    # 2. Without the mapping the headers are not ours: every problem is listed, nothing saved.
    page.set_input_files("#id_file", str(DATA))
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    wait_for_text(page, "Missing columns: violation_types.")
    assert Incident.objects.count() == 5

    # 3. The dry run with the mapping: five incidents planned, a duplicate flagged, nothing saved.
    _upload(page, url, dry_run=True)
    wait_for_text(page, "Dry run: nothing has been saved")
    plan = page.locator("#import-plan")
    assert "importing it would create 5 incidents" in plan.inner_text()
    rows = plan.locator("tbody tr")
    assert rows.count() == 5
    first = rows.nth(0).inner_text()
    assert (
        "2023-07-13" in first and "Chiautla de Tapia" in first and "Javier Torres Barrera" in first
    )
    assert "reported" in first.lower()
    assert earlier.reference in first
    assert Incident.objects.count() == 5 and not ImportBatch.objects.exists()
    _axe_at_widths(page, "import-dry-run")

    # 4. The real import, the verified box left unticked.
    _upload(page, url, dry_run=False)
    wait_for_text(page, "Recent imports")
    assert Incident.objects.count() == 10
    batch = ImportBatch.objects.get()
    assert batch.created_count == 5 and not batch.verified_confirmed
    imported = Incident.objects.get(victims__name="Javier Torres Barrera")
    assert imported.verification_status == "reported" and imported.killed == 1
    assert earlier.reference in page.locator("#import-duplicates").inner_text()
    # The browser tab's title is the page's title (it once held the recent imports' table).
    assert page.title() == "Import incidents · Édile"

    # 5. The duplicates page lists the pair; the analyst compares and merges it.
    page.goto(f"{url}/en/observatory/incidents/duplicates/")
    pair = page.locator("tbody tr", has_text=imported.reference).filter(has_text=earlier.reference)
    assert pair.count() == 1
    assert page.locator("tbody tr", has_text="Compare and merge").count() == 1  # only that pair
    _axe_at_widths(page, "duplicates")
    with page.expect_navigation():
        pair.get_by_role("link", name="Compare and merge").click()
    assert page.locator("h1").inner_text() == "Merge two incidents"
    kept_ref = page.locator("#side-1 a").inner_text()
    absorbed_ref = page.locator("#side-2 a").inner_text()
    assert {kept_ref, absorbed_ref} == {earlier.reference, imported.reference}
    _axe_at_widths(page, "merge")
    if kept_ref != earlier.reference:
        with page.expect_navigation():
            page.get_by_role("link", name="Keep the other one instead").click()
        assert page.locator("#side-1 a").inner_text() == earlier.reference
    page.fill("#id_reason", "Same killing: the partner's record and the Wikipedia list.")
    page.check("#id_confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Merge", exact=True).click()
    merge = IncidentMerge.objects.get()
    assert merge.kept_id == earlier.pk and merge.absorbed_id == imported.pk
    imported.refresh_from_db()
    assert imported.merged_into_id == earlier.pk
    assert earlier.victims.count() == 2

    # 6. The merge carried the imported victim and act: the same killing, recorded twice.
    # The analyst removes the duplicate act (perpetrator "unknown"), then the duplicate victim.
    page.goto(f"{url}/en/observatory/incidents/{earlier.reference}/edit/")
    acts = page.locator("h2:text-is('Acts') + ol > li")
    assert acts.count() == 2
    twin_act = acts.nth(1)  # the act moved from the imported record, listed second
    # The line itself (before its "Edit or remove" box): violation — victims — perpetrator.
    line = " ".join(twin_act.inner_text().split("Edit or remove")[0].split())
    assert line == "Killing — Javier Torres Barrera — Unknown", line
    twin_act.locator("summary").click()
    with page.expect_navigation():
        twin_act.get_by_role("button", name="Remove", exact=True).click()
    wait_for_text(page, "The act has been removed.")
    assert page.locator("form[aria-label='Victim 2'] input[name$='-name']").input_value() == (
        "Javier Torres Barrera"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Remove victim 2").click()
    wait_for_text(page, "The victim has been removed.")
    assert list(earlier.victims.values_list("name", flat=True)) == ["J. Torres Barrera"]
    assert earlier.acts.count() == 1

    # 7. The analyst codes the kept case: public level, summaries, then verification.
    page.select_option("#id_confidentiality", "public")
    page.fill("#id_summary_en", SUMMARY_EN)
    page.fill("#id_summary_fr", SUMMARY_FR)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    wait_for_text(page, "The incident has been saved.")
    page.select_option("#id_to", "verified")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the status").click()
    assert page.locator("#status").inner_text() == "Verified"
    _axe_at_widths(page, "incident-edit")

    # 8. Its public copy, read before publishing; then the confirmation step.
    with page.expect_navigation():
        page.get_by_role("link", name="Preview the public copy and publish").click()
    assert "What the public will see of" in page.locator("h1").inner_text()
    assert page.locator("#publication-ok").is_visible()
    public_copy = page.locator("#copy-1").locator("xpath=..").inner_text()
    assert SUMMARY_EN in public_copy
    for hidden in ("Torres", "Barrera", "Chiautla"):
        assert hidden not in public_copy
    _axe_at_widths(page, "preview")
    # The box is required: the browser refuses to send the form without it.
    page.get_by_role("button", name="Publish", exact=True).click()
    earlier.refresh_from_db()
    assert not earlier.is_published
    page.check("#id_confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish", exact=True).click()
    wait_for_text(page, "The incident is published.")
    earlier.refresh_from_db()
    assert earlier.is_published and earlier.verification_status == "verified"
    context.close()

    # 9. An anonymous visitor reads the incident, then the statistics, in both languages.
    context, page = _context(browser, live_server, "en-GB")
    page.goto(f"{url}/en/observatory/incidents/{earlier.reference}/")
    body = page.locator("main").inner_text()
    assert SUMMARY_EN in body and body.count("identity withheld") == 1
    for hidden in ("Torres", "Barrera", "Chiautla"):
        assert hidden not in page.content()
    _axe_at_widths(page, "incident-public-en")
    page.goto(f"{url}/fr/observatory/incidents/{earlier.reference}/")
    assert "Un candidat à la mairie" in page.locator("main").inner_text()
    _axe_at_widths(page, "incident-public-fr")
    for language in ("en", "fr"):
        page.goto(f"{url}/{language}/observatory/statistics/")
        _axe_at_widths(page, f"statistics-{language}")
    # The published figures: the five verified killings of 2023 in Mexico (the four
    # confidential ones counted, details hidden), the merged record not counted twice.
    page.goto(f"{url}/en/observatory/statistics/")
    assert page.locator("dl.figures dd").inner_text() == "5"
    assert _table(page, "By year") == {"2023": "5"}
    assert _table(page, "By country") == {"Mexico": "5"}
    assert _table(page, "By violation") == {"Killing": "5"}
    # Puebla holds one incident: hidden, and Guerrero (4) with it, or 5 − 4 would give it away.
    assert _table(page, "By region") == {"Guerrero, Mexico": "hidden", "Puebla, Mexico": "hidden"}
    # The only woman is hidden, and so are the complements that would give her away.
    assert _table(page, "By alleged perpetrator") == {"Organised crime": "5"}
    assert _table(page, "By victim's gender") == {"Female": "hidden", "Male": "hidden"}
    assert _table(page, "By victim's office") == {"Candidate": "hidden", "Mayor": "hidden"}
    for caption in ("By year", "By country", "By region", "By victim's gender", "By motive"):
        cells = list(_table(page, caption).values())
        assert cells.count("hidden") != 1, f"{caption}: one hidden cell is total minus the others"
    # The same cells in the public API, and the map places no marker from a hidden place.
    api = page.request.get(f"{url}/api/v1/observatory/statistics").json()
    assert api["total"]["count"] == 5 and api["total"]["suppressed"] is False
    assert {r["key"]: (r["count"], r["suppressed"]) for r in api["by_region"]} == {
        "MX:Guerrero": (None, True),
        "MX:Puebla": (None, True),
    }
    markers = page.request.get(f"{url}/api/v1/observatory/map?by=region").json()
    assert [(m["region"], m["lat"], m["lon"]) for m in _items(markers)] == [
        ("Guerrero", None, None),
        ("Puebla", None, None),
    ]
    page.goto(f"{url}/fr/observatory/statistics/")
    assert page.locator("dl.figures dd").inner_text() == "5"
    assert _table(page, "Par région") == {
        "Guerrero, Mexique": "masqué",
        "Puebla, Mexique": "masqué",
    }
    context.close()
