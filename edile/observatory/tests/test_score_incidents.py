"""De facto scores cite the incidents that justify them; each viewer sees only those they may
see, and the public is never told that an unpublished or confidential one exists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from edile.observatory import selectors, services
from edile.observatory.models import Criterion, Score
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db

PAGE = "/en/observatory/legal-benchmark/ML/"
API = "/api/v1/observatory/legal-benchmark"


def make_score(dimension="de_facto", country="ML", code="who_may_dismiss"):
    return Score.objects.create(
        country=country,
        criterion=Criterion.objects.get(code=code),
        dimension=dimension,
        status="scored",
        value=1,
    )


def titled(title, **kw):
    return make_incident(title=title, title_fr=title, title_en=title, **kw)


@pytest.fixture
def cited():
    """A de facto score citing a published public incident and an unpublished one."""
    score = make_score()
    public = titled("Mayor of Kita threatened")
    secret = titled("Unpublished dismissal of Zeta", published=False)
    score.incidents.add(public, secret)
    return score, public, secret


def post(client, score, reference, action="add", version=None):
    return client.post(
        f"/en/observatory/legal-benchmark/scores/{score.pk}/incidents/",
        {"reference": reference, "action": action, "version": version or score.version},
    )


def test_analyst_cites_then_stops_citing_an_incident(client_as):
    score = make_score()
    incident = titled("Mayor of Kita threatened")
    analyst = client_as("observatory_analyst")
    edit = f"/en/observatory/legal-benchmark/scores/{score.pk}/edit/"

    found = analyst.get(edit, {"q": "kita"})
    assert found.status_code == 200
    assert f"Cite {incident.reference}" in found.content.decode()

    response = post(analyst, score, incident.reference.lower())
    assert response.status_code == 302 and response["Location"] == edit
    assert list(score.incidents.all()) == [incident]
    page = analyst.get(edit).content.decode()
    assert f"Incident {incident.reference} is now cited by this score." in page
    assert f"Stop citing {incident.reference}" in page
    assert f"Incident {incident.reference} cited" in page  # the history note

    score.refresh_from_db()
    response = post(analyst, score, incident.reference, action="remove")
    assert response.status_code == 302
    assert not score.incidents.exists()
    page = analyst.get(edit).content.decode()
    assert f"Incident {incident.reference} no longer cited" in page
    assert [h.history_change_reason for h in score.history.all()[:2]] == [
        f"uncite:{incident.reference}",
        f"cite:{incident.reference}",
    ]


def test_bad_references_are_refused_with_a_message(client_as):
    score = make_score()
    other_country = titled("In Senegal", country="SN")
    incident = titled("In Mali")
    analyst = client_as("observatory_analyst")

    unknown = post(analyst, score, "OBS-NOPE")
    assert unknown.status_code == 400
    assert "No incident has the reference “OBS-NOPE”." in unknown.content.decode()

    foreign = post(analyst, score, other_country.reference)
    assert foreign.status_code == 400
    assert f"Incident {other_country.reference} is about Senegal, not Mali." in (
        foreign.content.decode()
    )

    not_cited = post(analyst, score, incident.reference, action="remove")
    assert not_cited.status_code == 400
    assert "is not cited by this score" in not_cited.content.decode()

    empty = post(analyst, score, "")
    assert empty.status_code == 400

    stale = post(analyst, score, incident.reference, version=score.version + 5)
    assert stale.status_code == 409
    assert not score.incidents.exists()


def test_a_de_jure_score_cites_no_incident(client_as):
    score = make_score(dimension="de_jure")
    incident = titled("In Mali")
    analyst = client_as("observatory_analyst")
    response = post(analyst, score, incident.reference)
    assert response.status_code == 400
    assert "Only a de facto score cites incidents" in response.content.decode()
    assert not score.incidents.exists()
    edit = analyst.get(f"/en/observatory/legal-benchmark/scores/{score.pk}/edit/")
    assert "Incidents that justify this score" not in edit.content.decode()


@pytest.mark.parametrize("role", ["observatory_partner", "administrator", "public"])
def test_only_analysts_cite_incidents(client_as, role):
    score = make_score()
    incident = titled("In Mali")
    assert post(client_as(role), score, incident.reference).status_code == 403
    assert not score.incidents.exists()


def test_anonymous_is_sent_to_sign_in(client):
    score = make_score()
    incident = titled("In Mali")
    assert post(client, score, incident.reference).status_code == 302
    assert not score.incidents.exists()


def test_the_public_sees_only_the_published_incident_and_no_count(client, cited):
    _score, public, secret = cited
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert public.reference in html and "Mayor of Kita threatened" in html
    assert secret.reference not in html and "Zeta" not in html
    assert "not public" not in html


def test_analysts_see_every_cited_incident_and_how_many_are_not_public(client_as, cited):
    _score, public, secret = cited
    html = client_as("observatory_analyst").get(PAGE).content.decode()
    assert public.reference in html and secret.reference in html
    assert "of which 1 incident not public (analysts only)" in html


def test_a_partner_sees_restricted_incidents_not_unpublished_ones(client_as, cited):
    score, public, secret = cited
    restricted = titled("Restricted case", confidentiality="restricted")
    score.incidents.add(restricted)
    html = client_as("observatory_partner").get(PAGE).content.decode()
    assert public.reference in html and restricted.reference in html
    assert secret.reference not in html and "analysts only" not in html


def test_api_gives_each_caller_only_what_they_may_see(client, client_as, cited):
    _score, public, secret = cited

    def de_facto(response):
        assert response.status_code == 200
        mali = next(c for c in response.json()["countries"] if c["country"] == "ML")
        return next(s for s in mali["scores"] if s["dimension"] == "de_facto")

    public_score = de_facto(client.get(API))
    assert public_score["incidents"] == [
        {
            "reference": public.reference,
            "title": "Mayor of Kita threatened",
            "date": selectors.date_display(public),
            "url": public.get_absolute_url(),
        }
    ]
    assert "incidents_not_public" not in public_score
    assert secret.reference not in client.get(API).content.decode()

    analyst_score = de_facto(client_as("observatory_analyst").get(API))
    assert {(i["reference"], i["is_public"]) for i in analyst_score["incidents"]} == {
        (public.reference, True),
        (secret.reference, False),
    }
    assert analyst_score["incidents_not_public"] == 1


def test_de_jure_scores_carry_no_incident_list_in_the_api(client):
    make_score(dimension="de_jure")
    mali = next(c for c in client.get(API).json()["countries"] if c["country"] == "ML")
    assert "incidents" not in mali["scores"][0]


def test_country_page_queries_do_not_grow_with_cited_incidents(client, cited):
    score, _public, _secret = cited
    client.get(PAGE)  # warm caches (site settings, translations)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    other = make_score(code="judicial_review")
    for n in range(4):
        score.incidents.add(titled(f"More {n}"))
        other.incidents.add(titled(f"Other {n}"))
    with CaptureQueriesContext(connection) as many:
        html = client.get(PAGE).content.decode()
    assert "More 3" in html and "Other 3" in html
    assert len(many) == len(few)


def test_french_strings(client, client_as, cited):
    score, public, _secret = cited
    with translation.override("fr"):
        html = client.get("/fr/observatory/legal-benchmark/ML/").content.decode()
        assert "Incidents qui justifient cette note\u00a0:" in html
        analyst = client_as("observatory_analyst")
        html = analyst.get("/fr/observatory/legal-benchmark/ML/").content.decode()
        assert "dont 1 incident non public (analystes seulement)" in html
        response = analyst.post(
            f"/fr/observatory/legal-benchmark/scores/{score.pk}/incidents/",
            {"reference": "OBS-NOPE", "action": "add", "version": score.version},
        )
        assert response.status_code == 400
        assert "Aucun incident n’a la référence «\u00a0OBS-NOPE\u00a0»." in (
            response.content.decode()
        )


def test_a_merge_carries_the_citation_to_the_kept_incident_and_undo_gives_it_back(make_user):
    score = make_score()
    kept, absorbed = titled("Kept"), titled("Absorbed")
    score.incidents.add(absorbed)
    analyst = make_user("observatory_analyst")
    merge = services.incident_merge(
        actor=analyst,
        kept=kept,
        absorbed=absorbed,
        kept_version=kept.version,
        absorbed_version=absorbed.version,
    )
    assert list(score.incidents.all()) == [kept]
    kept.refresh_from_db()
    services.incident_merge_undo(actor=analyst, merge=merge)
    assert list(score.incidents.all()) == [absorbed]


def test_a_score_citing_only_hidden_incidents_shows_the_public_nothing(client, client_as):
    score = make_score()
    secret = titled("Confidential case of Zeta", confidentiality="confidential")
    score.incidents.add(secret)
    html = client.get(PAGE).content.decode()
    assert "Incidents that justify this score" not in html
    assert secret.reference not in html and "Zeta" not in html
    mali = next(c for c in client.get(API).json()["countries"] if c["country"] == "ML")
    assert mali["scores"][0]["incidents"] == []
    partner = client_as("observatory_partner").get(PAGE).content.decode()
    assert secret.reference not in partner and "Incidents that justify" not in partner


def test_the_search_offers_incidents_of_the_score_country_only(client_as):
    score = make_score()
    mali = titled("Threats in Kita")
    senegal = titled("Threats in Thiès", country="SN")
    analyst = client_as("observatory_analyst")
    html = analyst.get(
        f"/en/observatory/legal-benchmark/scores/{score.pk}/edit/", {"q": "threats"}
    ).content.decode()
    assert f"Cite {mali.reference}" in html
    assert senegal.reference not in html
