"""The API of the resolution workflow (issue 10, item 11): create, get, amend, decide."""

import pytest

from edile.governance import services
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db

API = "/api/v1/governance"
TEXT_FR = "Un.\n\nDeux.\n\nTrois.\n\nQuatre.\n\nCinq."
TEXT_EN = "One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive."


def _post(c, url, payload):
    return c.post(url, payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_create_amend_decide_and_read_a_resolution(client_as):
    """The secretariat tables a five-paragraph text; two amendments against version 1 (delete
    ¶3, replace ¶4) are adopted; the text read back has the right four paragraphs."""
    make_world(3)
    staff = client_as("secretariat")
    created = _post(
        staff,
        f"{API}/resolutions",
        {
            "meeting": "congress-ga",
            "title_fr": "Eau",
            "title_en": "Water",
            "text_fr": TEXT_FR,
            "text_en": TEXT_EN,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["state"] == "tabled"
    assert [(p["number"], p["text_fr"], p["text_en"]) for p in body["paragraphs"]][2] == (
        3,
        "Trois.",
        "Three.",
    )
    slug = body["slug"]
    delete = _post(
        staff,
        f"{API}/resolutions/{slug}/amendments",
        {"version": 1, "paragraph": 3, "action": "delete"},
    )
    assert delete.status_code == 201, delete.content
    replace = _post(
        staff,
        f"{API}/resolutions/{slug}/amendments",
        {
            "version": 1,
            "paragraph": 4,
            "action": "replace",
            "text_fr": "Quatre bis.",
            "text_en": "Four bis.",
        },
    )
    assert replace.status_code == 201 and replace.json()["conflicts_with"] == []
    for amendment in (delete, replace):
        decided = _post(
            staff, f"{API}/amendments/{amendment.json()['id']}/decision", {"decision": "adopted"}
        )
        assert decided.status_code == 200 and decided.json()["state"] == "adopted"
    final = staff.get(f"{API}/resolutions/{slug}").json()
    assert final["version"] == 3
    assert [p["text_en"] for p in final["paragraphs"]] == ["One.", "Two.", "Four bis.", "Five."]


def test_conflicting_amendments_are_flagged_and_refused_after_adoption(client_as):
    """Two replacements of ¶2 are flagged as conflicting; after the first is adopted the
    second has lapsed and its adoption is refused (400), not silently applied."""
    world = make_world(3)
    staff = client_as("secretariat")
    url = f"{API}/resolutions/{world.resolution.slug}/amendments"
    first = _post(
        staff, url, {"version": 1, "paragraph": 2, "action": "replace", "text_fr": "A."}
    ).json()
    second = _post(staff, url, {"version": 1, "paragraph": 2, "action": "replace", "text_fr": "B."})
    assert second.json()["conflicts_with"] == [first["id"]]
    _post(staff, f"{API}/amendments/{first['id']}/decision", {"decision": "adopted"})
    refused = _post(
        staff, f"{API}/amendments/{second.json()['id']}/decision", {"decision": "adopted"}
    )
    assert refused.status_code == 400
    assert "already decided (Lapsed)" in refused.json()["detail"]


def test_workflow_writes_check_the_role(client, client_as):
    """Anonymous 401; a delegate may not table a text (403) nor decide an amendment (403);
    a paragraph missing from the version is a 400 with a message."""
    world = make_world(2)
    payload = {"meeting": "congress-ga", "title_fr": "T", "text_fr": "x"}
    assert _post(client, f"{API}/resolutions", payload).status_code == 401
    delegate = client_as("delegate", local_government=world.cities[0])
    assert _post(delegate, f"{API}/resolutions", payload).status_code == 403
    staff = client_as("secretariat")
    missing = _post(
        staff,
        f"{API}/resolutions/{world.resolution.slug}/amendments",
        {"version": 1, "paragraph": 9, "action": "delete"},
    )
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Version 1 has no paragraph 9."
    amendment = services.amendment_submit(
        user=staff.user, resolution=world.resolution, paragraph_number=1, operation="delete"
    )
    refused = _post(delegate, f"{API}/amendments/{amendment.pk}/decision", {"decision": "adopted"})
    assert refused.status_code == 403


def test_the_secretariat_cannot_vote_through_the_api(client_as, make_user):
    """Issue 9: the secretariat's ballot for a city is refused (403)."""
    world = make_world(3)
    vote = services.vote_open(
        user=make_user("secretariat"), resolution=world.resolution, meeting=world.session
    )
    staff = client_as("secretariat")
    answer = _post(
        staff,
        f"{API}/votes/{vote.pk}/ballots",
        {"local_government": world.cities[0].slug, "option": "yes"},
    )
    assert answer.status_code == 403
    assert vote.receipts.count() == 0
