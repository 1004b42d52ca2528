"""The legal benchmark: 0–3 scores de jure and de facto, N/A and unknown left out, pillar
scores 0–100, a weighted index with adjustable weights, history and open exports."""

import datetime as dt
from decimal import Decimal

import pytest

from edile.observatory import selectors, services
from edile.observatory.models import Criterion, Score

pytestmark = pytest.mark.django_db


def score(country, code, dimension, value=None, status="scored", **kw):
    return Score.objects.create(
        country=country,
        criterion=Criterion.objects.get(code=code),
        dimension=dimension,
        status=status,
        value=value,
        **kw,
    )


@pytest.fixture
def scores(db):
    # Security of tenure (weight 2): who_may_dismiss 3, judicial_review N/A → 100.
    score(
        "SN",
        "who_may_dismiss",
        "de_jure",
        3,
        citation="Code, art. 1",
        text_date=dt.date(2013, 1, 1),
        coder="A",
        reviewer="B",
    )
    score("SN", "judicial_review", "de_jure", None, status="na")
    # Legal status (weight 1): 0 and unknown → 0.
    score("SN", "status_in_constitution", "de_jure", 0)
    score("SN", "status_in_law", "de_jure", None, status="unknown")
    score("SN", "who_may_dismiss", "de_facto", 1)
    score("FR", "who_may_dismiss", "de_jure", 2)


def test_pillar_scores_and_weighted_index(scores):
    """N/A and unknown count as neither; the index weights pillars by their published weight."""
    data = selectors.benchmark()
    senegal = next(c for c in data["countries"] if c["country"] == "SN")
    pillars = {p["code"]: p for p in senegal["pillars"]}
    assert pillars["security_of_tenure"]["de_jure"] == 100.0
    assert pillars["legal_status"]["de_jure"] == 0.0
    assert pillars["remedies"]["de_jure"] is None
    assert senegal["index_de_jure"] == round((100 * 2 + 0 * 1) / 3, 1)
    assert pillars["security_of_tenure"]["de_facto"] == round(100 / 3, 1)


def test_weights_are_adjustable(scores, client):
    """Changing the weights in the query changes the index; bad weights get a message."""
    data = client.get("/api/v1/observatory/legal-benchmark?w_legal_status=0").json()
    senegal = next(c for c in data["countries"] if c["country"] == "SN")
    assert senegal["index_de_jure"] == 100.0
    bad = client.get("/api/v1/observatory/legal-benchmark?w_legal_status=abc")
    assert bad.status_code == 400 and "legal_status" in bad.json()["detail"]
    assert client.get("/en/observatory/legal-benchmark/?w_legal_status=99").status_code == 400


def test_json_and_csv_exports_carry_the_evidence(scores, client):
    """Every score is exported with its citation, date, coder and reviewer."""
    data = client.get("/api/v1/observatory/legal-benchmark").json()
    senegal = next(c for c in data["countries"] if c["country"] == "SN")
    cited = next(s for s in senegal["scores"] if s["citation"])
    assert cited == {
        **cited,
        "criterion": "who_may_dismiss",
        "value": 3,
        "coder": "A",
        "reviewer": "B",
        "text_date": "2013-01-01",
    }
    response = client.get("/api/v1/observatory/legal-benchmark.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("country,pillar,criterion,dimension,status,value")
    assert 'SN,security_of_tenure,who_may_dismiss,de_jure,scored,3,"Code, art. 1"' in text


def test_comparison_and_country_pages(scores, client):
    """The comparison page shows the radar and table; the country page shows the evidence."""
    body = client.get("/en/observatory/legal-benchmark/?c=SN&c=FR").content.decode()
    assert "<svg" in body and "Senegal" in body and "France" in body
    country = client.get("/en/observatory/legal-benchmark/SN/").content.decode()
    assert "Code, art. 1" in country
    assert client.get("/en/observatory/legal-benchmark/ZZ/").status_code == 404


def test_score_edit_keeps_history_and_refuses_stale_versions(scores, client_as):
    """Analysts edit a score; each change is in its history; stale saves get 409."""
    target = Score.objects.get(country="FR")
    analyst = client_as("observatory_analyst")
    url = f"/en/observatory/legal-benchmark/scores/{target.pk}/edit/"
    form = {"status": "scored", "value": 3, "citation": "Loi", "version": target.version}
    assert analyst.post(url, form).status_code == 302
    assert analyst.post(url, {**form, "value": 1}).status_code == 409
    target.refresh_from_db()
    assert target.value == 3 and target.history.count() == 2
    assert (
        analyst.post(
            url, {**form, "status": "scored", "value": "", "version": target.version}
        ).status_code
        == 400
    )
    assert client_as("observatory_partner").get(url).status_code == 403


def test_database_refuses_a_value_with_na():
    """A score marked N/A cannot carry a value (database constraint)."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        score("ML", "gender_law", "de_jure", 2, status="na")


def test_snapshot_freezes_yearly_scores(scores, make_user):
    """A yearly snapshot stores each country's indexes for later comparison."""
    count = services.benchmark_snapshot_take(actor=make_user("observatory_analyst"), year=2026)
    assert count == 2
    from edile.observatory.models import BenchmarkSnapshot

    snap = BenchmarkSnapshot.objects.get(country="SN", year=2026)
    assert snap.data["index_de_jure"] == round(200 / 3, 1)
    assert Decimal(str(snap.data["index_de_jure"])) > 0


def test_analyst_opens_a_country_for_coding(client_as):
    """An analyst adds a country: every criterion starts as unknown, de jure and de facto."""
    analyst = client_as("observatory_analyst")
    response = analyst.post("/en/observatory/legal-benchmark/countries/", {"country": "TD"})
    assert response.status_code == 302
    scores = Score.objects.filter(country="TD")
    assert scores.count() == 2 * Criterion.objects.count()
    assert set(scores.values_list("status", flat=True)) == {"unknown"}
    analyst.post("/en/observatory/legal-benchmark/countries/", {"country": "TD"})
    assert Score.objects.filter(country="TD").count() == scores.count()
    assert (
        client_as("observatory_partner")
        .post("/en/observatory/legal-benchmark/countries/", {"country": "ML"})
        .status_code
        == 403
    )
    assert not Score.objects.filter(country="ML").exists()


def test_snapshot_command(scores):
    """`manage.py benchmark_snapshot 2025` freezes the year; running it again updates it."""
    import io

    from django.core.management import call_command

    from edile.observatory.models import BenchmarkSnapshot

    out = io.StringIO()
    call_command("benchmark_snapshot", "2025", stdout=out)
    call_command("benchmark_snapshot", "2025", stdout=out)
    assert "2 countries frozen for 2025" in out.getvalue()
    assert BenchmarkSnapshot.objects.filter(year=2025).count() == 2


# ---- The defects of issue 12, item 7 -------------------------------------------------------


def test_verified_incident_counts_per_country_match_sql(scores):
    """More than one verified public incident per country: the figure equals SQL's count."""
    from django.db import connection

    from edile.observatory.tests.factories import make_incident

    for day in range(4):
        make_incident(country="SN", date=dt.date(2024, 1, day + 1))
    for day in range(2):
        make_incident(country="FR", date=dt.date(2023, 1, day + 1))
    make_incident(country="SN", published=False, status="reported")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT country, COUNT(*) FROM observatory_incident WHERE is_published "
            "AND confidentiality = 'public' AND verification_status = 'verified' "
            "GROUP BY country"
        )
        expected = dict(cursor.fetchall())
    data = selectors.benchmark()
    got = {c["country"]: c["verified_incidents"] for c in data["countries"]}
    assert got == expected == {"SN": 4, "FR": 2}


def test_french_radar_coordinates_use_a_dot(scores, client):
    """Numbers in SVG are never localised: no "180,0" in the French page's coordinates."""
    import re

    body = client.get("/fr/observatory/legal-benchmark/?c=SN&c=FR").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    numbers = re.findall(r' (?:x1|y1|x2|y2|cx|cy|x|y)="([^"]+)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+\.\d", n) for n in numbers), numbers[:5]
    for points in re.findall(r'points="([^"]+)"', svg):
        assert re.fullmatch(r"(-?\d+\.\d,-?\d+\.\d ?)+", points), points


def test_unknown_pillar_scores_are_not_drawn_as_zero(scores, client):
    """France has one known pillar: one dot, no closed shape through the centre, and the
    legend says which pillars are unknown."""
    body = client.get("/en/observatory/legal-benchmark/?c=FR").content.decode()
    svg = body[body.index('id="radar-jure-title"') :]
    svg = svg[: svg.index("</figure>")]
    assert svg.count("<circle") == 1
    assert 'fill-opacity="0.15"' not in svg  # no filled polygon
    assert "unknown, not drawn: Legal status of the mandate" in svg


def test_coverage_is_shown_next_to_each_index(scores, client):
    """An index says how many criteria it rests on (scores known / criteria)."""
    total = Criterion.objects.count()
    data = selectors.benchmark()
    senegal = next(c for c in data["countries"] if c["country"] == "SN")
    assert senegal["coverage"]["de_jure"] == {"scored": 2, "criteria": total}
    body = client.get("/en/observatory/legal-benchmark/SN/").content.decode()
    assert f"2 of {total} criteria scored" in body
    api = client.get("/api/v1/observatory/legal-benchmark").json()
    sn = next(c for c in api["countries"] if c["country"] == "SN")
    assert sn["coverage"]["de_facto"] == {"scored": 1, "criteria": total}


def test_yearly_snapshots_are_shown_on_the_page_and_in_the_api(scores, client, make_user):
    """Snapshots taken each year appear in the country's history (page table, chart, API)."""
    analyst = make_user("observatory_analyst")
    services.benchmark_snapshot_take(actor=analyst, year=2024)
    body = client.get("/en/observatory/legal-benchmark/SN/").content.decode()
    assert "Yearly snapshots of the index" in body
    assert '<th scope="row">2024</th><td class="num">66.7</td>' in body
    api = client.get("/api/v1/observatory/legal-benchmark").json()
    sn = next(c for c in api["countries"] if c["country"] == "SN")
    assert sn["history"] == [{"year": 2024, "index_de_jure": 66.7, "index_de_facto": 33.3}]
