"""The demo congress followed end to end in a real browser, in French and English."""

import io
import re

import pytest

from edile.core.testing import assert_no_serious_axe_violations, browser_login

DEMO_PASSWORD = "demo-Edile-2019"
DEMO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _prepare() -> list:
    """The demo, registration reopened, a Bureau text to decide, and eight of the Bureau's 13
    cities present (the quorum is half the members); returns those eight cities."""
    from edile.accounts import demo as accounts_demo
    from edile.governance import demo as governance_demo
    from edile.governance import services
    from edile.governance.models import Attendance, Meeting, Resolution
    from edile.members import demo as members_demo

    for module in (members_demo, accounts_demo, governance_demo):
        module.load(io.StringIO())
    Meeting.objects.filter(slug="phnom-penh-2019").update(registration_closes=None)
    bureau = Meeting.objects.get(slug="phnom-penh-2019-bureau")
    seats = bureau.body.seats.exclude(local_government__slug="phnom-penh")
    present = [seat.local_government for seat in seats.order_by("pk")[:8]]
    for city in present:
        Attendance.objects.get_or_create(
            meeting=bureau, local_government=city, defaults={"status": "present"}
        )
    resolution = Resolution.objects.create(
        slug="bureau-2019-decision-test",
        number="B-2019-D99",
        kind="decision",
        title="Décision sur le calendrier 2020",
        title_fr="Décision sur le calendrier 2020",
        title_en="Decision on the 2020 calendar",
        body=bureau.body,
        meeting=bureau,
        state="tabled",
    )
    services.resolution_version_create(
        resolution=resolution,
        paragraphs=[("Le Bureau arrête le calendrier 2020.", "The Bureau sets the 2020 calendar.")],
    )
    return present


def _others_vote_yes(vote_url: str, cities: list) -> None:
    """Delegates of `cities` cast a yes ballot on the vote at `vote_url` (through the service,
    as the voting app or the API would)."""
    from edile.accounts.tests.factories import make_user
    from edile.governance import services
    from edile.governance.models import Vote

    vote = Vote.objects.get(pk=int(vote_url.rstrip("/").rsplit("/", 1)[-1]))
    for city in cities:
        delegate = make_user("delegate", local_government=city)
        services.ballot_cast(user=delegate, vote=vote, local_government=city, option="yes")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_check_in_vote_adopt_and_read_the_minutes(live_server, page, browser):
    """Register, get checked in, vote as a delegate, see the text adopted and the minutes."""
    present = _prepare()
    base = live_server.url

    # The public programme, then registration as the mayor of Phnom Penh's delegation.
    page.goto(f"{base}/fr/governance/meetings/phnom-penh-2019/")
    assert page.get_by_role("heading", name="Programme").is_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="S'inscrire").click()
    page.wait_for_url(re.compile(r"/register/"))
    assert_no_serious_axe_violations(page)
    page.get_by_label("Prénom").fill("Sophal")
    page.get_by_label("Nom de famille").fill("Kim")
    page.get_by_label("Adresse électronique").fill("sophal.kim@example.org")
    page.get_by_label("Je m'inscris comme").select_option("mayor")
    page.get_by_label("Ville membre").select_option(label="Phnom Penh")
    page.get_by_label("Réunion du Bureau").check()
    page.get_by_label("J'accepte de figurer").check()
    page.get_by_role("button", name="S'inscrire").click()
    page.wait_for_url(re.compile(r"/registrations/"))
    assert page.locator("#registration-status").inner_text() == "Confirmée"
    token = page.url.rstrip("/").rsplit("/", 1)[-1]

    # The secretariat scans the badge at the desk: arrival at the congress only.
    staff = browser.new_context(locale="fr-FR")
    staff_page = staff.new_page()
    browser_login(
        staff_page, live_server, "secretariat@demo.edile.org", DEMO_PASSWORD, totp_secret=DEMO_TOTP
    )
    staff_page.goto(f"{base}/fr/governance/congresses/phnom-penh-2019/check-in/")
    staff_page.get_by_label("Code du badge").fill(token)
    staff_page.get_by_role("button", name="Enregistrer l'arrivée").click()
    assert "arrivée enregistrée" in staff_page.locator("#check-in-result").inner_text()

    # Then at the Bureau's door: the badge scanned there makes Phnom Penh present at that session.
    staff_page.goto(f"{base}/fr/governance/meetings/phnom-penh-2019-bureau/")
    staff_page.get_by_role("link", name="Prendre les présences").click()
    staff_page.wait_for_url(re.compile(r"/roll/"))
    assert_no_serious_axe_violations(staff_page)
    staff_page.get_by_label("Code du badge").fill(token)
    staff_page.get_by_role("button", name="Enregistrer l’entrée").click()
    assert (
        staff_page.locator("#roll-result").inner_text()
        == "Sophal Kim\u00a0: Phnom Penh est présente à cette séance."
    )

    # The secretariat opens a roll-call vote on the Bureau's text.
    staff_page.goto(f"{base}/fr/governance/resolutions/bureau-2019-decision-test/")
    staff_page.get_by_label("Mode de scrutin").select_option("roll_call")
    staff_page.get_by_role("button", name="Ouvrir le vote").click()
    staff_page.wait_for_url(re.compile(r"/votes/\d+/"))
    vote_url = staff_page.url
    # The Bureau decides by a majority of the members present: with Phnom Penh, 9 attend, so
    # 5 yes adopt. Four other cities' delegates vote yes first.
    _others_vote_yes(vote_url, present[:4])

    # Phnom Penh's delegate votes, in English.
    delegate = browser.new_context(locale="en-GB")
    delegate_page = delegate.new_page()
    browser_login(
        delegate_page, live_server, "delegate@demo.edile.org", DEMO_PASSWORD, language="en"
    )
    delegate_page.goto(vote_url.replace("/fr/", "/en/"))
    delegate_page.get_by_label("Yes").check()
    delegate_page.get_by_role("button", name="Vote", exact=True).click()
    assert "Your city's vote is recorded." in delegate_page.locator(".messages").inner_text()

    # The secretariat closes the vote: four cities present have not voted, so closing asks
    # for confirmation first; then the result is computed and the text adopted.
    staff_page.goto(vote_url)
    staff_page.get_by_role("button", name="Clore et calculer le résultat").click()
    assert staff_page.locator("#vote-status").inner_text() == "Ouvert"
    assert "4 villes présentes ou représentées n’ont pas encore voté" in (
        staff_page.locator("main").inner_text()
    )
    staff_page.get_by_label("Clore même si des villes").check()
    staff_page.get_by_role("button", name="Clore et calculer le résultat").click()
    assert staff_page.locator("#vote-result").inner_text() == "Adoptée"
    staff_page.goto(f"{base}/fr/governance/resolutions/bureau-2019-decision-test/")
    assert staff_page.locator("#resolution-state").inner_text() == "Adoptée"

    # Minutes drafted from the records, approved, then read by anyone in English.
    staff_page.goto(f"{base}/fr/governance/meetings/phnom-penh-2019-bureau/minutes/")
    staff_page.get_by_role("button", name="Rédiger le procès-verbal").click()
    staff_page.get_by_role("button", name="Approuver le procès-verbal").click()
    assert staff_page.locator("#minutes-status").inner_text() == "Approuvé"
    page.goto(f"{base}/en/governance/meetings/phnom-penh-2019-bureau/minutes/")
    minutes = page.locator("#minutes-text").inner_text()
    assert "Quorum reached" in minutes and "Phnom Penh: Present" in minutes
    assert "Decision on the 2020 calendar" in minutes
    page.goto(f"{base}/en/governance/resolutions/bureau-2019-decision-test/")
    assert page.locator("#resolution-state").inner_text() == "Adopted"
    assert_no_serious_axe_violations(page)
    staff.close()
    delegate.close()
