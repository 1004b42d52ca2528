"""The "Done when" journey of issue #11 in the browser, without the admin: the secretariat
opens a call from the staff pages, a focal point applies, two reviewers assigned in bulk
score, the Bureau decides the ranking at its meeting, whose minutes then show the decision,
the agreement is generated and its signed copy uploaded, a tranche gated by a report is
requested once the report is accepted, approved by a second person and paid, and the public
dashboard counts the project."""

import datetime as dt

import pytest

from edile.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from edile.core.testing import (
    assert_no_serious_axe_violations,
    browser_context,
    browser_login,
    wait_for_text,
)
from edile.grants.tests.factories import bureau_meeting, make_partner
from edile.members.tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, locale="fr-FR", width=1280):
    return browser_context(browser, live_server, locale=locale, width=width, height=900)


def test_call_end_to_end(browser, live_server, make_user):
    """From the call to the dashboard, each step done by its role in the web pages."""
    from edile.grants.models import Application, Call

    city = make_member(country="SN", name="Ziguinchor", name_fr="Ziguinchor", name_en="Ziguinchor")
    make_partner(name_fr="Agence française de développement", slug="afd")
    today = dt.date.today()
    meeting = bureau_meeting(today, title="Bureau de décembre", title_fr="Bureau de décembre")
    focal = make_user("focal_point", local_government=city)
    reviewers = [
        make_user("bureau_member", local_government=make_member(country=country))
        for country in ("FR", "KH")
    ]
    bureau_member = make_user("bureau_member", local_government=make_member(country="CA"))
    staff = make_user("secretariat")
    second = make_user("secretariat")
    url = live_server.url

    # 0. The secretariat opens the call from the staff pages (no admin). It stays signed in
    # (a TOTP code is accepted once: signing in again within 30 seconds would be refused).
    staff_context, page = _context(browser, live_server)
    staff_page = page
    browser_login(page, live_server, staff.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto(f"{url}/fr/grants/staff/calls/new/")
    page.fill("#id_slug", "appel-test")
    page.fill("#id_title_fr", "Appel test")
    page.fill("#id_title_en", "Test call")
    page.fill("#id_year", str(today.year))
    page.fill("#id_envelope", "300000")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_closes_on", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#id_sectors", "14030, 14032")
    page.fill("#id_max_grant", "150000")
    page.fill("#id_min_cofinancing_share", "30")
    for n, (code, fr, en, weight, top) in enumerate(
        [
            ("relevance", "Pertinence", "Relevance", "3", "5"),
            ("impact", "Impact", "Impact", "1", "10"),
        ]
    ):
        page.fill(f"#id_criteria-{n}-code", code)
        page.fill(f"#id_criteria-{n}-label_fr", fr)
        page.fill(f"#id_criteria-{n}-label_en", en)
        page.fill(f"#id_criteria-{n}-weight", weight)
        page.fill(f"#id_criteria-{n}-max", top)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Ouvrir l’appel").click()
    wait_for_text(page, "L’appel a été ouvert.")
    call = Call.objects.get(slug="appel-test")
    assert call.rules["min_reviews"] == 2 and len(call.criteria) == 2

    # The public dashboard and call page are accessible, and start empty.
    context, page = _context(browser, live_server)
    page.goto(f"{url}/fr/grants/")
    assert page.locator('[data-figure="projects"]').inner_text() == "0"
    assert_no_serious_axe_violations(page)
    page.goto(f"{url}/fr/grants/calls/appel-test/")
    assert_no_serious_axe_violations(page)

    # 1. The focal point applies in French.
    browser_login(page, live_server, focal.email, TEST_PASSWORD)
    page.goto(f"{url}/fr/grants/calls/appel-test/")
    page.get_by_role("link", name="Candidater pour ma ville").click()
    page.fill("#id_title_fr", "Assainissement de Ziguinchor")
    page.fill("#id_title_en", "Sanitation in Ziguinchor")
    page.fill("#id_summary_fr", "Latrines et vidange.")
    page.fill("#id_summary_en", "Latrines and emptying.")
    page.select_option("#id_sector", "water_sanitation")
    page.fill("#id_start", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#id_end", (today + dt.timedelta(days=400)).isoformat())
    page.fill("#id_grant_requested", "100000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_selector("#eligibility-failures")
    page.fill("#id_budget-label", "Travaux")
    page.fill("#id_budget-amount", "200000")
    page.locator("#budget form.filters button").click()
    page.select_option("#id_cofinancing-partner", label="Agence française de développement")
    page.fill("#id_cofinancing-amount", "80000")
    page.select_option("#id_cofinancing-status", "committed")
    page.fill("#id_cofinancing-date", today.isoformat())
    page.locator("#cofinancing form.filters button").click()
    page.select_option("#id_beneficiaries-group", "residents")
    page.fill("#id_beneficiaries-number", "12000")
    page.locator("#beneficiaries form.filters button").click()
    page.fill("#id_indicator-name_fr", "Latrines construites")
    page.fill("#id_indicator-unit", "latrines")
    page.fill("#id_indicator-baseline", "0")
    page.fill("#id_indicator-target", "40")
    page.locator("#indicator form.filters button").click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Déposer la candidature").click()
    wait_for_text(page, "Votre candidature a été déposée.")
    reference = page.url.rstrip("/").split("/")[-1]
    application = Application.objects.get(reference=reference)
    context.close()

    # 2. The secretariat assigns both reviewers in bulk from the ranked list.
    page = staff_page
    page.goto(f"{url}/fr/grants/calls/appel-test/ranking/")
    page.fill("#id_reviewers", ", ".join(r.email for r in reviewers))
    page.get_by_role("button", name="Désigner et avertir").click()
    page.wait_for_load_state()
    assert application.reviews.count() == 2

    # 3. Each reviewer declares no conflict, then scores.
    for reviewer, impact in zip(reviewers, ("8", "6"), strict=True):
        context, page = _context(browser, live_server)
        browser_login(page, live_server, reviewer.email, TEST_PASSWORD)
        review = application.reviews.get(reviewer=reviewer)
        page.goto(f"{url}/fr/grants/reviews/{review.pk}/")
        page.get_by_label("Non, je n’ai aucun conflit d’intérêts").check()
        page.get_by_role("button", name="Déclarer").click()
        page.fill("#id_score_relevance", "4")
        page.fill("#id_score_impact", impact)
        page.get_by_role("button", name="Remettre mes notes").click()
        wait_for_text(page, "Votre note :")
        context.close()

    # 4. A Bureau member decides the ranking, in English, at the Bureau meeting.
    context, page = _context(browser, live_server, locale="en-GB")
    browser_login(page, live_server, bureau_member.email, TEST_PASSWORD)
    page.goto(f"{url}/en/grants/applications/{reference}/")
    wait_for_text(page, "Reviews")
    assert "80" in page.locator("#reviews").inner_text()  # the file, with its scores
    page.goto(f"{url}/en/grants/calls/appel-test/ranking/")
    pk = application.pk
    page.select_option("#id_meeting", meeting.slug)
    page.select_option(f"#id_outcome-{pk}", "approved")
    page.fill(f"#id_amount-{pk}", "90000")
    page.fill(f"#id_reasons-{pk}", "A strong, well co-financed project.")
    page.get_by_role("button", name="Record the decisions of the meeting").click()
    wait_for_text(page, "1 decision recorded at")
    assert_no_serious_axe_violations(page)
    context.close()

    # 5. The meeting's minutes, drafted from the records, show the decision.
    page = staff_page
    page.goto(f"{url}/fr/governance/meetings/{meeting.slug}/minutes/")
    page.get_by_role("button", name="Rédiger le procès-verbal à partir des données").click()
    minutes = page.locator("#minutes-text")
    minutes.wait_for()
    text = minutes.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "Subvention accordée : Assainissement de Ziguinchor (Ziguinchor)" in text
    assert "90 000" in text and "A strong, well co-financed project." in text

    # 6. The secretariat downloads the generated agreement, uploads the signed copy, schedules
    # a report and plans a tranche that waits for it.
    grant = Application.objects.get(pk=pk).grant
    page.goto(f"{url}/fr/grants/grants/{grant.pk}/")
    agreement = page.request.get(f"{url}/fr/grants/grants/{grant.pk}/agreement.pdf")
    assert agreement.status == 200
    assert agreement.headers["content-type"] == "application/pdf"
    pdf = agreement.body()
    assert pdf.startswith(b"%PDF")
    page.fill("#id_agreement-agreement_signed_on", today.isoformat())
    page.set_input_files(
        "#id_agreement-agreement_file",
        {"name": "convention-signee.pdf", "mimeType": "application/pdf", "buffer": pdf},
    )
    page.locator("form[aria-label='Convention et statut'] button").click()
    page.get_by_role("link", name="Exemplaire signé").wait_for()
    page.fill("#id_report-title", "Rapport d'étape")
    page.fill("#id_report-due_on", (today + dt.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Prévoir un rapport").click()
    page.get_by_text("Rapport d'étape —").wait_for()
    page.fill("#id_tranche-amount", "54000")
    page.fill("#id_tranche-due_on", today.isoformat())
    page.fill("#id_tranche-condition", "Rapport d'étape accepté")
    page.check("#id_tranche-reports_0")
    page.get_by_role("button", name="Prévoir une tranche").click()
    page.locator("#tranches-title").wait_for()
    # The condition is unmet: the tranche cannot be requested yet.
    assert page.get_by_role("button", name="Demander la tranche 1").count() == 0
    assert page.locator("section[aria-labelledby='tranches-title'] .errorlist").count() == 1

    # 7. The focal point sends the report; the secretariat accepts it and requests the tranche.
    context, page = _context(browser, live_server)
    browser_login(page, live_server, focal.email, TEST_PASSWORD)
    page.goto(f"{url}/fr/grants/grants/{grant.pk}/")
    page.get_by_role("link", name="Déposer ce rapport").click()
    page.fill("#id_narrative", "Les travaux ont commencé.")
    page.fill("#id_spending", "50000")
    page.get_by_role("button", name="Déposer le rapport").click()
    wait_for_text(page, "Votre rapport a été reçu.")
    context.close()
    page = staff_page
    page.goto(f"{url}/fr/grants/grants/{grant.pk}/")
    wait_for_text(page, "Accepter le rapport")
    page.get_by_role("button", name="Accepter le rapport").click()
    page.get_by_role("button", name="Demander la tranche 1").click()
    wait_for_text(page, "Demandé par")
    # The requester cannot approve their own request.
    assert page.get_by_role("button", name="Approuver", exact=True).count() == 0
    staff_context.close()

    # 8. A second person approves and pays it, on a phone.
    context, page = _context(browser, live_server, width=390)
    browser_login(page, live_server, second.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto(f"{url}/fr/grants/grants/{grant.pk}/")
    wait_for_text(page, "une autre personne approuve")
    page.get_by_role("button", name="Approuver", exact=True).click()
    page.locator("input[name='disburse-paid_on']").first.fill(today.isoformat())
    page.get_by_role("button", name="Verser la tranche 1").click()
    page.wait_for_selector("#grant-disbursed:has-text('54')")
    assert_no_serious_axe_violations(page)
    payment = grant.disbursements.get()
    assert payment.payment_request.requested_by == staff
    assert payment.payment_request.decided_by == second
    context.close()

    # 9. The public dashboard moved, in both languages.
    context, page = _context(browser, live_server, locale="en-GB")
    page.goto(f"{url}/en/grants/")
    assert page.locator('[data-figure="projects"]').inner_text() == "1"
    assert "90,000" in page.locator('[data-figure="granted"]').inner_text()
    page.goto(f"{url}/fr/grants/projects/{reference}/")
    assert page.get_by_role("heading", name="Assainissement de Ziguinchor").is_visible()
    assert_no_serious_axe_violations(page)
    context.close()
