"""An analyst links an incident to a General Assembly resolution or a grant project that
responds to it, from the incident's edit page (search, add, remove: idempotent, with its
history); the incident page lists the links, and the resolution's and the project's pages
list "Incidents this … responds to" only as each reader may see the incident — never a
hidden incident's title, reference or count (issue 12, point 5)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from edile.governance.models import Resolution, ResolutionLink
from edile.grants.tests.factories import general_assembly, make_application, make_grant
from edile.observatory import selectors, services
from edile.observatory.models import IncidentResponse
from edile.observatory.tests.factories import make_incident

pytestmark = pytest.mark.django_db

PUBLIC_TITLE = "Threats against a mayor in Kayes"
RESTRICTED_TITLE = "Restrictedcase against a councillor"
SECRET_TITLE = "Secretcase killing of a mayor"


def make_resolution(state: str = "adopted", **kwargs):
    n = Resolution.objects.count() + 1
    defaults = {
        "slug": f"ga-res-{n}",
        "number": f"AG-R{n}",
        "title": "Résolution sur la protection des maires",
        "title_fr": "Résolution sur la protection des maires",
        "title_en": "Resolution on the protection of mayors",
        "body": general_assembly(),
        "state": state,
    }
    defaults.update(kwargs)
    return Resolution.objects.create(**defaults)


def make_project(**kwargs):
    return make_grant(**kwargs).application


def three_incidents():
    """A published public incident, a published restricted one and an unpublished
    confidential one."""
    public = make_incident(title_en=PUBLIC_TITLE)
    restricted = make_incident(title_en=RESTRICTED_TITLE, confidentiality="restricted")
    secret = make_incident(title_en=SECRET_TITLE, confidentiality="confidential", published=False)
    return public, restricted, secret


def link_all(incidents, *, resolution=None, project=None, analyst):
    for incident in incidents:
        services.incident_response_add(
            actor=analyst, incident=incident, resolution=resolution, project=project
        )


def _url(incident):
    return f"/en/observatory/incidents/{incident.reference}/responses/"


def _resolution_page(client, resolution, lang="en"):
    return client.get(f"/{lang}/governance/resolutions/{resolution.slug}/")


def _project_page(client, project, lang="en"):
    return client.get(f"/{lang}/grants/projects/{project.reference}/")


# ---- adding and removing: who may --------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("public", 403), ("observatory_partner", 403), ("administrator", 403)],
)
def test_only_analysts_add_a_link(client_as, role, status):
    incident = make_incident()
    resolution = make_resolution()
    response = client_as(role).post(_url(incident), {"action": "add", "resolution": resolution.pk})
    assert response.status_code == status
    assert not IncidentResponse.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("public", 403), ("observatory_partner", 403), ("administrator", 403)],
)
def test_only_analysts_remove_a_link(client_as, make_user, role, status):
    incident = make_incident()
    project = make_project()
    services.incident_response_add(
        actor=make_user("observatory_analyst"), incident=incident, project=project
    )
    response = client_as(role).post(_url(incident), {"action": "remove", "project": project.pk})
    assert response.status_code == status
    assert IncidentResponse.objects.filter(incident=incident, project=project).count() == 1


def test_anonymous_readers_are_sent_to_sign_in(client):
    incident = make_incident()
    resolution = make_resolution()
    response = client.post(_url(incident), {"action": "add", "resolution": resolution.pk})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not IncidentResponse.objects.exists()


def test_the_analyst_searches_adds_and_removes_both_kinds(client_as):
    incident = make_incident()
    resolution = make_resolution(title_en="Resolution on the safety of mayors")
    draft = make_resolution(state="draft", title_en="Draft on the safety of mayors")
    project = make_project(title="Sécurité des maires", title_en="Safety of mayors project")
    unfunded = make_application(title_en="Safety of mayors unfunded", status="submitted")
    analyst = client_as("observatory_analyst")
    edit = f"/en/observatory/incidents/{incident.reference}/edit/"
    search = analyst.get(edit, {"response_q": "safety"})
    html = search.content.decode()
    assert search.status_code == 200
    assert f'name="resolution" value="{resolution.pk}"' in html
    assert f'name="project" value="{project.pk}"' in html
    assert f'name="resolution" value="{draft.pk}"' not in html  # governance's staff only
    assert f'name="project" value="{unfunded.pk}"' not in html  # no public page to link to
    response = analyst.post(_url(incident), {"action": "add", "resolution": resolution.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{edit}#responses"
    response = analyst.post(_url(incident), {"action": "add", "project": project.pk})
    assert response.status_code == 302
    links = IncidentResponse.objects.filter(incident=incident)
    assert {(r.resolution_id, r.project_id) for r in links} == {
        (resolution.pk, None),
        (None, project.pk),
    }
    assert {r.created_by_id for r in links} == {analyst.user.pk}
    page = analyst.get(edit).content.decode()
    assert "Remove the link" in page
    assert resolution.get_absolute_url() in page
    # Searching again lists only what is not linked yet.
    html = analyst.get(edit, {"response_q": "safety"}).content.decode()
    assert html.count(f'name="resolution" value="{resolution.pk}"') == 1  # its remove button
    assert 'name="action" value="add"><input type="hidden" name="resolution"' not in html
    assert "No resolution or funded grant project matches." in html
    response = analyst.post(_url(incident), {"action": "remove", "resolution": resolution.pk})
    assert response.status_code == 302
    assert list(
        IncidentResponse.objects.filter(incident=incident).values_list("project", flat=True)
    ) == [project.pk]


def test_adding_and_removing_are_idempotent(client_as):
    incident = make_incident()
    resolution = make_resolution()
    analyst = client_as("observatory_analyst")
    data = {"action": "add", "resolution": resolution.pk}
    assert analyst.post(_url(incident), data).status_code == 302
    again = analyst.post(_url(incident), data, follow=True)
    assert again.status_code == 200
    assert "This link was already there." in again.content.decode()
    assert IncidentResponse.objects.filter(incident=incident).count() == 1
    data["action"] = "remove"
    assert analyst.post(_url(incident), data).status_code == 302
    again = analyst.post(_url(incident), data, follow=True)
    assert again.status_code == 200
    assert "There was no such link." in again.content.decode()
    assert not IncidentResponse.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "resolution": 999999}, "There is no such resolution."),
        ({"action": "add", "project": 999999}, "There is no such grant project."),
        ({"action": "add", "resolution": "abc"}, "There is no such resolution."),
        ({"action": "add"}, "Choose one resolution or one grant project."),
        ({"action": "drop", "resolution": 1}, "Choose to add or to remove the link."),
    ],
)
def test_bad_input_is_a_400_with_a_message(client_as, data, message):
    incident = make_incident()
    response = client_as("observatory_analyst").post(_url(incident), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IncidentResponse.objects.exists()


def test_both_targets_at_once_are_refused(client_as):
    incident = make_incident()
    data = {"action": "add", "resolution": make_resolution().pk, "project": make_project().pk}
    response = client_as("observatory_analyst").post(_url(incident), data)
    assert response.status_code == 400
    assert "Choose one resolution or one grant project." in response.content.decode()


def test_a_draft_resolution_or_an_unfunded_application_cannot_be_linked(client_as):
    incident = make_incident()
    analyst = client_as("observatory_analyst")
    draft = make_resolution(state="draft")
    response = analyst.post(_url(incident), {"action": "add", "resolution": draft.pk})
    assert response.status_code == 400
    assert "This resolution is not one you may link." in response.content.decode()
    unfunded = make_application(status="submitted")
    response = analyst.post(_url(incident), {"action": "add", "project": unfunded.pk})
    assert response.status_code == 400
    assert "Only a funded grant project can be linked." in response.content.decode()
    assert not IncidentResponse.objects.exists()


def test_an_unknown_incident_is_a_404(client_as):
    response = client_as("observatory_analyst").post(
        "/en/observatory/incidents/NOPE-0000/responses/",
        {"action": "add", "resolution": make_resolution().pk},
    )
    assert response.status_code == 404


def test_the_history_records_each_link_added_and_removed(client_as):
    incident = make_incident()
    resolution = make_resolution(number="AG-2024-R7")
    analyst = client_as("observatory_analyst")
    analyst.post(_url(incident), {"action": "add", "resolution": resolution.pk})
    analyst.post(_url(incident), {"action": "remove", "resolution": resolution.pk})
    assert [r.history_type for r in IncidentResponse.history.order_by("history_date")] == [
        "+",
        "-",
    ]
    html = analyst.get(f"/en/observatory/incidents/{incident.reference}/history/").content.decode()
    assert "Response 1 (resolution AG-2024-R7 Resolution on the protection of mayors)" in html
    assert html.count("Response 1 (resolution AG-2024-R7") == 2
    assert "removed" in html


# ---- the database keeps one target, once --------------------------------------------------


def test_the_database_refuses_no_target_two_targets_and_a_double_link():
    incident = make_incident()
    resolution = make_resolution()
    project = make_project()
    for kwargs in ({}, {"resolution": resolution, "project": project}):
        with pytest.raises(IntegrityError), transaction.atomic():
            IncidentResponse.objects.create(incident=incident, **kwargs)
    IncidentResponse.objects.create(incident=incident, resolution=resolution)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentResponse.objects.create(incident=incident, resolution=resolution)
    IncidentResponse.objects.create(incident=incident, project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentResponse.objects.create(incident=incident, project=project)


# ---- the other side: the resolution's and the project's pages ------------------------------


VISIBLE = {
    None: {PUBLIC_TITLE},
    "public": {PUBLIC_TITLE},
    "delegate": {PUBLIC_TITLE},
    "observatory_partner": {PUBLIC_TITLE, RESTRICTED_TITLE},
    "administrator": {PUBLIC_TITLE, RESTRICTED_TITLE},
    "observatory_analyst": {PUBLIC_TITLE, RESTRICTED_TITLE, SECRET_TITLE},
}


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("side", ["resolution", "project"])
def test_each_reader_sees_only_the_incidents_they_may_see(client_as, make_user, role, side):
    incidents = three_incidents()
    target = make_resolution() if side == "resolution" else make_project()
    link_all(incidents, **{side: target}, analyst=make_user("observatory_analyst"))
    client = client_as(role)
    response = (
        _resolution_page(client, target) if side == "resolution" else _project_page(client, target)
    )
    html = response.content.decode()
    assert response.status_code == 200
    heading = (
        "Incidents this text responds to"
        if side == "resolution"
        else "Incidents this project responds to"
    )
    assert heading in html
    for incident, title in zip(incidents, (PUBLIC_TITLE, RESTRICTED_TITLE, SECRET_TITLE)):
        shown = title in VISIBLE[role]
        assert (title in html) is shown, (role, title)
        assert (incident.reference in html) is shown, (role, title)
    if role == "observatory_analyst":
        assert "Not published" in html  # the analyst is told what the others do not see


@pytest.mark.parametrize("side", ["resolution", "project"])
def test_a_confidential_incident_alone_leaves_no_trace_for_the_public(client_as, make_user, side):
    secret = make_incident(title_en=SECRET_TITLE, confidentiality="confidential")
    unpublished = make_incident(title_en="Unpublishedcase", published=False)
    target = make_resolution() if side == "resolution" else make_project()
    link_all([secret, unpublished], **{side: target}, analyst=make_user("observatory_analyst"))
    for role in (None, "public", "observatory_partner"):
        client = client_as(role)
        page = (
            _resolution_page(client, target)
            if side == "resolution"
            else _project_page(client, target)
        )
        html = page.content.decode()
        assert page.status_code == 200
        for text in (SECRET_TITLE, secret.reference, "Unpublishedcase", unpublished.reference):
            assert text not in html, (role, text)
        # No heading, no count: the page reads as if nothing were linked.
        assert "responds to" not in html
        assert "responding-incidents" not in html


def test_a_merged_incident_is_not_listed(make_user):
    kept = make_incident(title_en="Keptcase")
    absorbed = make_incident(title_en="Absorbedcase")
    resolution = make_resolution()
    link_all([absorbed], resolution=resolution, analyst=make_user("observatory_analyst"))
    absorbed.merged_into = kept
    absorbed.save()
    analyst = make_user("observatory_analyst")
    assert selectors.responding_incidents(analyst, resolution=resolution) == []


def test_the_resolution_page_in_french(client_as, make_user):
    incident = make_incident(title_fr="Menaces contre une maire à Kayes")
    resolution = make_resolution()
    link_all([incident], resolution=resolution, analyst=make_user("observatory_analyst"))
    html = _resolution_page(client_as(None), resolution, lang="fr").content.decode()
    assert "Incidents auxquels ce texte répond" in html
    assert "Menaces contre une maire à Kayes" in html
    project = make_project()
    link_all([incident], project=project, analyst=make_user("observatory_analyst"))
    html = _project_page(client_as(None), project, lang="fr").content.decode()
    assert "Incidents auxquels ce projet répond" in html


def test_the_list_is_one_query_whatever_its_length(make_user, django_assert_num_queries):
    resolution = make_resolution()
    analyst = make_user("observatory_analyst")
    link_all([make_incident() for _ in range(6)], resolution=resolution, analyst=analyst)
    reader = make_user("observatory_partner")
    selectors.viewer_level(reader)  # the roles are read once (kept on the user)
    with django_assert_num_queries(1):
        rows = selectors.responding_incidents(reader, resolution=resolution)
    assert len(rows) == 6


# ---- the incident's page lists its links ----------------------------------------------------


def test_the_incident_page_lists_its_links_as_the_reader_may_see_them(client_as, make_user):
    incident = make_incident()
    adopted = make_resolution(title_en="Adoptedtext on mayors")
    draft = make_resolution(state="draft", title_en="Drafttext on mayors")
    project = make_project(title_en="Fundedproject for mayors")
    analyst = make_user("observatory_analyst")
    link_all([incident], resolution=adopted, analyst=analyst)
    link_all([incident], project=project, analyst=analyst)
    # A resolution that went back to draft stays linked but is shown to governance staff only.
    IncidentResponse.objects.create(incident=incident, resolution=draft)
    html = client_as(None).get(f"/en/observatory/incidents/{incident.reference}/").content.decode()
    assert "Responses: resolutions and grant projects" in html
    assert "Adoptedtext on mayors" in html
    assert adopted.get_absolute_url() in html
    assert "Fundedproject for mayors" in html
    assert project.get_public_url() in html
    assert "Drafttext on mayors" not in html
    html = (
        client_as("secretariat")
        .get(f"/en/observatory/incidents/{incident.reference}/")
        .content.decode()
    )
    assert "Drafttext on mayors" in html


def test_a_hidden_incident_stays_hidden_on_its_own_page(client_as, make_user):
    secret = make_incident(title_en=SECRET_TITLE, confidentiality="confidential")
    link_all([secret], resolution=make_resolution(), analyst=make_user("observatory_analyst"))
    response = client_as(None).get(f"/en/observatory/incidents/{secret.reference}/")
    assert response.status_code == 404


# ---- governance's generic links never name a hidden incident -------------------------------


def test_a_generic_resolution_link_to_a_hidden_incident_is_not_listed(client_as):
    secret = make_incident(title_en=SECRET_TITLE, confidentiality="confidential")
    public = make_incident()
    resolution = make_resolution()
    for incident in (secret, public):
        ResolutionLink.objects.create(
            resolution=resolution,
            content_type=ContentType.objects.get_for_model(incident),
            object_id=incident.pk,
        )
    html = _resolution_page(client_as(None), resolution).content.decode()
    assert public.reference in html
    assert secret.reference not in html
    html = _resolution_page(client_as("observatory_analyst"), resolution).content.decode()
    assert secret.reference in html


# ---- merging carries the links ---------------------------------------------------------------


def test_a_merge_carries_the_links_once_and_its_undo_gives_them_back(make_user):
    analyst = make_user("observatory_analyst")
    kept = make_incident(title_en="Keptcase")
    absorbed = make_incident(title_en="Absorbedcase")
    shared = make_resolution()
    own = make_resolution()
    project = make_project()
    link_all([kept, absorbed], resolution=shared, analyst=analyst)
    link_all([absorbed], resolution=own, analyst=analyst)
    link_all([absorbed], project=project, analyst=analyst)
    merge = services.incident_merge(
        actor=analyst,
        kept=kept,
        absorbed=absorbed,
        kept_version=kept.version,
        absorbed_version=absorbed.version,
    )
    targets = {(r.resolution_id, r.project_id) for r in kept.responses.all()}
    assert targets == {(shared.pk, None), (own.pk, None), (None, project.pk)}
    assert len(merge.moved["responses"]) == 2
    assert [r.resolution_id for r in absorbed.responses.all()] == [shared.pk]
    services.incident_merge_undo(actor=analyst, merge=merge)
    assert [r.resolution_id for r in kept.responses.all()] == [shared.pk]
    assert {(r.resolution_id, r.project_id) for r in absorbed.responses.all()} == {
        (shared.pk, None),
        (own.pk, None),
        (None, project.pk),
    }


def test_the_api_and_the_public_copy_give_the_responses(client, client_as, make_user):
    incident = make_incident()
    resolution = make_resolution(title_en="Apitext on mayors", title_fr="Apitext on mayors")
    draft = make_resolution(state="draft", title_en="Drafttext", title_fr="Drafttext")
    link_all([incident], resolution=resolution, analyst=make_user("observatory_analyst"))
    IncidentResponse.objects.create(incident=incident, resolution=draft)
    answer = client.get(f"/api/v1/observatory/incidents/{incident.reference}")
    assert answer.status_code == 200
    [row] = answer.json()["responses"]
    assert row["kind"] == "resolution"
    assert row["label"] == f"{resolution.number} Apitext on mayors"
    assert row["url"].endswith(f"/governance/resolutions/{resolution.slug}/")
    preview = client_as("observatory_analyst").get(
        f"/en/observatory/incidents/{incident.reference}/preview/"
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Apitext on mayors" in html
    assert "Drafttext" not in html
