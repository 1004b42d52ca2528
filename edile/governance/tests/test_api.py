"""The governance API: lists with filters, writes through the services, the Popolo export."""

import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from edile.governance import services
from edile.governance.models import Resolution, VoteMode
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db

API = "/api/v1/governance"


def _popolo_dir() -> Path:
    shared = Path(__file__).resolve().parents[3].parent / "shared"
    if not (shared / "standards" / "popolo").exists():
        shared = Path("/work/shared")
    return shared / "standards" / "popolo"


def _validators() -> dict[str, Draft3Validator]:
    schemas = {p.stem: json.loads(p.read_text()) for p in _popolo_dir().glob("*.json")}
    registry = (
        Registry()
        .with_resources(
            (s["id"].rstrip("#"), Resource.from_contents(s, default_specification=DRAFT3))
            for s in schemas.values()
        )
        .with_resources(
            (s["id"], Resource.from_contents(s, default_specification=DRAFT3))
            for s in schemas.values()
        )
    )
    return {
        name: Draft3Validator(s, registry=registry, format_checker=FormatChecker())
        for name, s in schemas.items()
    }


@pytest.fixture(scope="module")
def validators():
    return _validators()


@pytest.fixture
def demo(db):
    from edile.accounts import demo as accounts_demo
    from edile.governance import demo as governance_demo
    from edile.members import demo as members_demo

    for module in (members_demo, accounts_demo, governance_demo):
        module.load(io.StringIO())


SECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "posts": "post",
    "events": "event",
    "motions": "motion",
    "vote_events": "vote_event",
}


def test_popolo_export_validates_in_both_languages(client, demo, validators):
    """Every object of the Popolo export validates against the vendored schemas, in French
    and in English; names switch language; registrants never appear."""
    documents = {}
    for lang in ("fr", "en"):
        response = client.get(f"{API}/popolo.json", {"lang": lang})
        assert response.status_code == 200
        documents[lang] = document = response.json()
        for section, schema in SECTIONS.items():
            assert document[section], section
            for item in document[section]:
                errors = [e.message for e in validators[schema].iter_errors(item)]
                assert not errors, (section, item.get("id"), errors)
        assert "participant000@demo.edile.org" not in response.content.decode()
    motions = {m["id"]: m for m in documents["en"]["motions"]}
    decision = motions["motion/ga-2019-decision-observatory"]
    assert decision["classification"] == "decision" and decision["result"] == "pass"
    assert decision["date"].startswith("2019-12-04T")
    vote_event = documents["en"]["vote_events"][0]
    assert {c["option"] for c in vote_event["counts"]} == {"yes", "no", "abstain"}
    assert vote_event["explanation"].startswith("Quorum reached")
    body = "organization/body/general-assembly"
    fr_names = {o["id"]: o["name"] for o in documents["fr"]["organizations"]}
    en_org = {o["id"]: o for o in documents["en"]["organizations"]}
    assert (fr_names[body], en_org[body]["name"]) == ("Assemblée générale", "General Assembly")
    assert {"name": "Assemblée générale", "note": "fr"} in en_org[body]["other_names"]
    refused = client.get(f"{API}/popolo.json", {"lang": "de"})
    assert refused.status_code == 422
    assert "lang" in refused.json()["detail"]


def test_popolo_validator_catches_a_bad_date(validators):
    """The check is real: a motion whose date is only a day is refused (date-time format)."""
    assert list(validators["motion"].iter_errors({"id": "m", "date": "2019-12-04"}))


def test_meeting_list_filters_and_queries(client, django_assert_max_num_queries):
    """Sessions of a congress, in constant queries."""
    world = make_world(2)
    from edile.governance.models import Meeting

    for n in range(20):
        Meeting.objects.create(
            slug=f"s{n}",
            parent=world.congress,
            kind="site_visit",
            title=f"S{n}",
            title_fr=f"S{n}",
            start=world.session.start,
            end=world.session.end,
        )
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/meetings", {"congress": "congress", "limit": 50})
    assert response.json()["count"] == 21
    assert client.get(f"{API}/meetings", {"kind": "congress"}).json()["count"] == 1


def test_resolution_list_filters_and_queries(client, django_assert_max_num_queries):
    """Resolutions by state, in constant queries; drafts stay hidden from the public."""
    world = make_world(2)
    for n in range(20):
        Resolution.objects.create(
            slug=f"r{n}",
            number=f"R{n}",
            title=f"T{n}",
            title_fr=f"T{n}",
            body=world.body,
            state="adopted" if n % 2 else "draft",
        )
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/resolutions", {"state": "adopted", "limit": 50})
    assert response.json()["count"] == 10
    assert client.get(f"{API}/resolutions", {"state": "draft"}).json()["count"] == 0
    detail = client.get(f"{API}/resolutions/res-1").json()
    assert detail["paragraphs"][0]["text_en"] == "First paragraph."
    assert client.get(f"{API}/resolutions/r0").status_code == 404


def test_vote_list_with_result(client, make_user, django_assert_max_num_queries):
    """Votes show the counts, the rule applied and the computed explanation."""
    world = make_world(4)
    staff = make_user("secretariat")
    vote = services.vote_open(
        user=staff, resolution=world.resolution, meeting=world.session, mode=VoteMode.ANALOG
    )
    services.vote_record_counts(user=staff, vote=vote, yes=3, no=1, abstain=0)
    services.vote_close(user=staff, vote=vote)
    with django_assert_max_num_queries(4):
        rows = client.get(f"{API}/votes", {"meeting": "congress-ga"}).json()["items"]
    assert rows[0]["result"] == "pass"
    assert rows[0]["rule"]["code"] == "general_assembly-ordinary"
    assert rows[0]["explanation"].startswith("Quorum atteint")


def test_ballot_endpoint(client, client_as, make_user):
    """Anonymous 401; another city's delegate 403; own delegate 201; twice 400."""
    world = make_world(3)
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    url = f"{API}/votes/{vote.pk}/ballots"
    payload = {"local_government": world.cities[0].slug, "option": "yes"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    other = client_as("delegate", local_government=world.cities[1])
    assert other.post(url, payload, content_type="application/json").status_code == 403
    own = client_as("delegate", local_government=world.cities[0])
    response = own.post(url, payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["option"] == "yes"
    again = own.post(url, payload, content_type="application/json")
    assert again.status_code == 400 and "détail" not in again.json()
    assert again.json()["detail"]


def test_registration_endpoint(client):
    """Registering through the API answers the token; bad sessions are a 400 with a reason."""
    world = make_world(1)
    url = f"{API}/congresses/congress/registrations"
    payload = {
        "given_name": "Li",
        "family_name": "Na",
        "email": "li@example.org",
        "type": "press",
        "sessions": ["congress-ga"],
    }
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["sessions"] == {"congress-ga": "confirmed"}
    bad = client.post(
        url,
        {**payload, "email": "x@example.org", "sessions": ["nope"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "sessions" in bad.json()["detail"]
    assert world.congress.registrations.count() == 1


def test_check_in_endpoint(client, client_as):
    """Scanning through the API: staff only; at the desk it records arrival only, at the
    session's door the city becomes present at that session."""
    world = make_world(2, present=0)
    registration = services.registration_create(
        congress=world.congress,
        given_name="A",
        family_name="B",
        email="ab@example.org",
        type="mayor",
        local_government=world.cities[0],
        sessions=[world.session],
        send_email=False,
    )
    url = f"{API}/check-in"
    payload = {"code": str(registration.token)}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    delegate = client_as("delegate", local_government=world.cities[0])
    assert delegate.post(url, payload, content_type="application/json").status_code == 403
    staff = client_as("secretariat")
    response = staff.post(url, payload, content_type="application/json")
    assert response.status_code == 200 and response.json()["first_scan"] is True
    assert not world.session.attendances.exists()
    door = staff.post(url, {**payload, "session": "congress-ga"}, content_type="application/json")
    assert door.status_code == 200
    assert world.session.attendances.get().local_government == world.cities[0]


def test_registration_endpoint_bad_values_are_4xx(client):
    """An unknown gender or an over-long organisation is refused with a reason, not a 500."""
    make_world(1)
    url = f"{API}/congresses/congress/registrations"
    payload = {"given_name": "Li", "family_name": "Na", "email": "li@example.org", "type": "press"}
    bad_gender = client.post(url, {**payload, "gender": "robot"}, content_type="application/json")
    assert bad_gender.status_code == 400 and bad_gender.json()["detail"]
    too_long = client.post(
        url, {**payload, "organisation": "x" * 500}, content_type="application/json"
    )
    assert too_long.status_code == 422
