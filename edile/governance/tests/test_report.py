"""The congress report: told from the records, public once the congress is over, in a constant
number of queries, as a page and a PDF in French and English."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse

from edile.governance import report, services
from edile.governance.models import (
    Meeting,
    MeetingKind,
    Nomination,
    NominationStatus,
    PrizeEdition,
    Registration,
    RegistrationStatus,
    Resolution,
    ResolutionKind,
    ResolutionState,
    Vote,
    VoteMode,
    VoteStatus,
)
from edile.governance.tests.factories import make_city, make_world
from edile.members.models import Person

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2019, 12, 4, 2, 0, tzinfo=dt.UTC)


def _past_world(*, sessions: int = 1, texts: int = 1, laureates: int = 1, countries=("SN",)):
    """A congress of December 2019 with its General Assembly, `texts` adopted resolutions
    (each with a closed vote), one more session per `sessions` above one, `laureates`
    laureates and a registration per country (plus a cancelled one that must not count)."""
    world = make_world(4)
    congress, assembly = world.congress, world.session
    Meeting.objects.filter(pk=congress.pk).update(
        start=PAST - dt.timedelta(days=2), end=PAST + dt.timedelta(days=1)
    )
    Meeting.objects.filter(pk=assembly.pk).update(start=PAST, end=PAST + dt.timedelta(hours=4))
    congress.refresh_from_db()
    for n in range(sessions - 1):
        Meeting.objects.create(
            slug=f"congress-visit-{n}",
            parent=congress,
            kind=MeetingKind.SITE_VISIT,
            title=f"Visite {n}",
            title_fr=f"Visite {n}",
            title_en=f"Visit {n}",
            start=PAST + dt.timedelta(days=1),
            end=PAST + dt.timedelta(days=1, hours=2),
            timezone="Asia/Phnom_Penh",
        )
    Resolution.objects.filter(pk=world.resolution.pk).update(
        state=ResolutionState.ADOPTED, decided_on=dt.date(2019, 12, 4)
    )
    for n in range(texts):
        resolution = world.resolution
        if n:
            resolution = Resolution.objects.create(
                slug=f"res-extra-{n}",
                number=f"R{n + 1}",
                kind=ResolutionKind.DECISION if n % 2 else ResolutionKind.RESOLUTION,
                title=f"Texte {n}",
                title_fr=f"Texte {n}",
                title_en=f"Text {n}",
                body=world.body,
                meeting=assembly,
                rule=world.rule,
                state=ResolutionState.ADOPTED,
                decided_on=dt.date(2019, 12, 4),
            )
        Vote.objects.create(
            resolution=resolution,
            meeting=assembly,
            rule=world.rule,
            mode=VoteMode.SECRET,
            status=VoteStatus.CLOSED,
            opened_at=PAST,
            closed_at=PAST + dt.timedelta(minutes=10),
            yes=30 + n,
            no=2,
            abstain=1,
            result="adopted",
        )
    edition = PrizeEdition.objects.create(
        slug="prize-2019",
        year=2019,
        title="Prix 2019",
        title_fr="Prix 2019",
        title_en="Prize 2019",
        ceremony=assembly,
    )
    for n in range(laureates):
        person = Person.objects.create(given_name="Awa", family_name=f"Laureate{n}")
        Nomination.objects.create(
            edition=edition,
            nominee=person,
            status=NominationStatus.LAUREATE,
            citation_fr="Pour son engagement.",
            citation_en="For her commitment.",
        )
    for n, country in enumerate(countries):
        Registration.objects.create(
            congress=congress,
            given_name="Secret",
            family_name=f"Registrant{n}",
            email=f"r{n}@example.org",
            country=country,
            local_government=world.cities[n % len(world.cities)],
            type="mayor",
            status=RegistrationStatus.CONFIRMED,
        )
    Registration.objects.create(
        congress=congress,
        given_name="Gone",
        family_name="Cancelled",
        email="gone@example.org",
        country="JP",
        type="press",
        status=RegistrationStatus.CANCELLED,
    )
    return world


def test_report_tells_what_happened_from_the_records(client):
    """Participants and countries counted from confirmed registrations, sessions held,
    resolutions and decisions adopted with their counts, laureates; no registrant's name."""
    world = _past_world(sessions=2, texts=2, countries=("SN", "FR", "FR"))
    Meeting.objects.create(
        slug="congress-closed-door",
        parent=world.congress,
        kind=MeetingKind.BUREAU_MEETING,
        title="Huis clos",
        title_fr="Huis clos",
        title_en="Closed door",
        start=PAST,
        end=PAST + dt.timedelta(hours=1),
        is_public=False,
    )
    url = reverse("governance:congress_report", args=[world.congress.slug])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<p id="report-summary">(.*?)</p>', html, re.S).group(1)
    assert summary.startswith("3 participants venus de 2 pays se sont réunis à Phnom Penh")
    assert "du 2 décembre 2019 au 5 décembre 2019" in summary
    assert "Assemblée générale" in html and "Visite 0" in html
    assert "Huis clos" not in html
    resolutions = re.search(r'<ul id="report-resolutions">(.*?)</ul>', html, re.S).group(1)
    assert (
        "R1 — Résolution" in resolutions
        and "pour\u00a0: 30, contre\u00a0: 2, abstentions\u00a0: 1" in resolutions
    )
    decisions = re.search(r'<ul id="report-decisions">(.*?)</ul>', html, re.S).group(1)
    assert (
        "R2 — Texte 1" in decisions
        and "pour\u00a0: 31, contre\u00a0: 2, abstentions\u00a0: 1" in decisions
    )
    assert "Awa Laureate0" in html and "Pour son engagement." in html
    visits = re.search(r'<ul id="report-visits">(.*?)</ul>', html, re.S).group(1)
    assert "Visite 0" in visits
    assert "Registrant" not in html and "Cancelled" not in html

    english = client.get(url.replace("/fr/", "/en/", 1)).content.decode()
    assert "3 participants from 2 countries gathered in Phnom Penh" in english
    assert "for: 30, against: 2, abstentions: 1" in english
    assert "For her commitment." in english


def test_report_is_public_once_the_congress_is_over(client, client_as):
    """Before the end: 404 with a message for the public, a preview for the secretariat; the
    congress page links to the report only for those who may read it."""
    world = make_world(2)  # the factory's congress is in 2030
    url = reverse("governance:congress_report", args=[world.congress.slug])
    refused = client.get(url)
    assert refused.status_code == 404
    assert "publié une fois le congrès terminé (celui-ci se termine le" in refused.content.decode()
    congress_page = reverse("governance:meeting_detail", args=[world.congress.slug])
    assert 'id="congress-report-link"' not in client.get(congress_page).content.decode()
    secretariat = client_as("secretariat")
    preview = secretariat.get(url)
    assert preview.status_code == 200
    assert 'id="report-preview"' in preview.content.decode()
    assert 'id="congress-report-link"' in secretariat.get(congress_page).content.decode()

    Meeting.objects.filter(pk=world.congress.pk).update(start=PAST - dt.timedelta(days=2), end=PAST)
    assert client.get(url).status_code == 200
    assert 'id="congress-report-link"' in client.get(congress_page).content.decode()
    session = reverse("governance:congress_report", args=[world.session.slug])
    assert client.get(session).status_code == 404


def test_report_takes_the_same_queries_whatever_the_congress_size(
    django_assert_num_queries,
):
    """One session, text and laureate, or five of each: the same number of queries (five,
    plus the grants app's two)."""
    from edile.grants.tests.factories import make_grant

    small = _past_world()
    grant = make_grant()
    grant.decision.meeting = small.session
    grant.decision.save()
    with django_assert_num_queries(7):
        record = report.congress_report(small.congress, language="fr")
    assert (len(record.sessions), len(record.resolutions), len(record.laureates)) == (1, 1, 1)
    assert record.grants is not None and record.grants.count == 1

    for _n in range(4):
        more = make_grant(local_government=make_city(country="CM"))
        more.decision.meeting = small.session
        more.decision.save()
    for n in range(4):
        Meeting.objects.create(
            slug=f"more-{n}",
            parent=small.congress,
            kind=MeetingKind.SITE_VISIT,
            title=f"Plus {n}",
            title_fr=f"Plus {n}",
            title_en=f"More {n}",
            start=PAST,
            end=PAST + dt.timedelta(hours=1),
        )
        resolution = Resolution.objects.create(
            slug=f"more-{n}",
            number=f"M{n}",
            title=f"Plus {n}",
            title_fr=f"Plus {n}",
            title_en=f"More {n}",
            body=small.body,
            meeting=small.session,
            state=ResolutionState.ADOPTED,
        )
        Vote.objects.create(
            resolution=resolution,
            meeting=small.session,
            rule=small.rule,
            mode=VoteMode.ANALOG,
            status=VoteStatus.CLOSED,
            opened_at=PAST,
            closed_at=PAST,
            yes=3,
            result="adopted",
        )
        Nomination.objects.create(
            edition=PrizeEdition.objects.get(),
            nominee=Person.objects.create(given_name="N", family_name=f"N{n}"),
            status=NominationStatus.LAUREATE,
        )
    with django_assert_num_queries(7):
        record = report.congress_report(small.congress, language="en")
    assert (len(record.sessions), len(record.resolutions), len(record.laureates)) == (5, 5, 5)
    assert record.grants.count == 5


def test_grants_decided_at_the_congress_are_summed_not_listed_as_decisions(client):
    """The Bureau's grant decisions at a session: count, euros granted, partnerships and
    beneficiaries from the grants app; the decision texts grants recorded are not repeated
    among the decisions; a grant decided elsewhere does not count."""
    from edile.grants.tests.factories import make_grant

    world = _past_world(texts=1)
    recorded = services.decision_record(
        meeting=world.session,
        title_fr="Subvention au projet 1",
        title_en="Grant to project 1",
        text_fr="Le Bureau accorde la subvention.",
        text_en="The Bureau grants it.",
        actor=_secretariat(),
    )
    here = make_grant(Decimal("120000.00"))
    here.decision.meeting = world.session
    here.decision.resolution = recorded
    here.decision.save()
    make_grant(Decimal("999999.00"))  # decided at another meeting
    Meeting.objects.filter(pk=world.session.pk).update(kind=MeetingKind.BUREAU_MEETING)

    record = report.congress_report(world.congress, language="fr")
    assert record.grants.count == 1
    assert record.grants.amount_eur == Decimal("120000.00")
    assert record.grants.partnerships_eur == here.application.partnerships_eur > 0
    assert record.grants.beneficiaries == here.application.beneficiaries
    assert all("Subvention au projet 1" not in t.title for t in record.decisions)
    html = client.get(
        reverse("governance:congress_report", args=[world.congress.slug])
    ).content.decode()
    grants = re.search(r'<p id="report-grants">(.*?)</p>', html, re.S).group(1)
    assert grants == (
        "1 projet a reçu 120\u202f000\u00a0€ de subventions, formant des partenariats de "
        "80\u202f000\u00a0€, pour 5\u202f000 bénéficiaires."
    )


def _secretariat():
    from edile.accounts.tests.factories import make_user

    return make_user("secretariat")


def pdf_text(content: bytes) -> str:
    """The text drawn on the pages of a ReportLab PDF (its streams, inflated)."""
    chunks = []
    for stream in re.findall(rb">>\s*stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        raw = base64.a85decode(data[: data.index(b"~>")]) if b"~>" in data else data
        chunks.append(zlib.decompress(raw).decode("latin-1"))
    return "\n".join(chunks)


def test_report_pdf_in_french_and_english(client):
    """The PDF answers in the language asked (?lang=), whatever the page's prefix."""
    world = _past_world()
    url = reverse("governance:congress_report_pdf", args=[world.congress.slug])
    french = client.get(url + "?lang=fr")
    assert french.status_code == 200 and french["Content-Type"] == "application/pdf"
    assert french.content.startswith(b"%PDF")
    text = pdf_text(french.content)
    assert "Prix 2019" in text and "Laureate0" in text and "R1 " in text
    english = client.get(url + "?lang=en")
    assert "Sessions held" in pdf_text(english.content)
    assert "Sessions held" not in text
    assert client.get(url + "?lang=xx").status_code == 200
