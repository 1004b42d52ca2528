"""Role × action matrix for the member registry, checked on pages and on records."""

import pytest

from edile.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

ROLES = [
    None,
    "public",
    "focal_point_other",
    "focal_point",
    "bureau_member",
    "delegate",
    "observatory_analyst",
    "observatory_partner",
    "secretariat",
    "administrator",
]
# action -> roles allowed
ALLOWED = {
    "view_detail": set(ROLES),
    "edit_profile": {"focal_point", "secretariat", "administrator"},
    "view_dues": {"focal_point", "secretariat", "administrator"},
    "view_history": {"secretariat", "administrator"},
}


def _client(client_as, role, city, other):
    if role is None:
        return client_as(None)
    if role == "focal_point":
        return client_as("focal_point", local_government=city)
    if role == "focal_point_other":
        return client_as("focal_point", local_government=other)
    return client_as(role)


@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(client_as, role):
    city = make_member(name="Dakar", name_fr="Dakar")
    other = make_member(name="Thiès", name_fr="Thiès")
    c = _client(client_as, role, city, other)

    detail = c.get(f"/en/members/{city.slug}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert ("Dues" in body) == (role in ALLOWED["view_dues"])
    assert ("History of changes" in body) == (role in ALLOWED["view_history"])

    edit = c.get(f"/en/members/{city.slug}/edit/")
    if role is None:
        assert edit.status_code == 302  # to the login page
    elif role in ALLOWED["edit_profile"]:
        assert edit.status_code == 200
    else:
        assert edit.status_code == 403

    post = c.post(
        f"/en/members/{city.slug}/edit/",
        {"name_fr": "Dakar (modifié)", "name_en": "Dakar", "version": city.version},
    )
    city.refresh_from_db()
    assert (city.name_fr == "Dakar (modifié)") == (role in ALLOWED["edit_profile"])
    if role is None:
        assert post.status_code == 302  # to the login page
        assert "/accounts/login/" in post["Location"]
    elif role not in ALLOWED["edit_profile"]:
        assert post.status_code == 403
