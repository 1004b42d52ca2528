"""The city's page (members) links its focal point to the city's delegation page for the
congress, through members' `city_links` registry (members imports no governance code)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from edile.governance.models import Meeting, MeetingKind
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


def _city_page(client, lg):
    return client.get(reverse("members:local_government_detail", args=[lg.slug]))


def _delegation_url(congress, lg):
    return reverse("governance:delegation_edit", args=[congress.slug, lg.slug])


def test_the_focal_point_of_the_city_is_linked_to_its_delegation_page(client_as):
    """The focal point reads « Délégation au congrès : Congrès » on their city's page and the
    link opens the delegation page."""
    world = make_world(2)
    city = world.cities[0]
    focal = client_as("focal_point", local_government=city)
    page = _city_page(focal, city)
    assert page.status_code == 200
    url = _delegation_url(world.congress, city)
    html = page.content.decode()
    assert f'<li><a href="{url}">Délégation au congrès\u00a0: Congrès</a></li>' in html
    assert focal.get(url).status_code == 200


def test_no_link_for_those_who_may_not_set_the_delegation(client_as):
    """Another city's focal point, a delegate of the city, a public reader: no link (and the
    delegation page itself stays refused)."""
    world = make_world(2)
    city, other = world.cities
    url = _delegation_url(world.congress, city)
    readers = [
        client_as("focal_point", local_government=other),
        client_as("delegate", local_government=city),
        client_as("public"),
        client_as(None),
    ]
    for reader in readers:
        page = _city_page(reader, city)
        assert page.status_code == 200
        html = page.content.decode()
        assert url not in html and 'id="city-links"' not in html
    assert readers[0].get(url).status_code == 403


def test_the_secretariat_sees_the_link_in_english(client_as):
    world = make_world(1)
    city = world.cities[0]
    staff = client_as("secretariat")
    page = staff.get(f"/en/members/{city.slug}/")
    assert page.status_code == 200
    url = reverse("governance:delegation_edit", args=[world.congress.slug, city.slug]).replace(
        "/fr/", "/en/"
    )
    assert f'<a href="{url}">Delegation to the congress: Congress</a>' in page.content.decode()


def test_coming_congresses_are_linked_rather_than_past_ones(client_as):
    """When congresses are coming, each of them is linked (in date order) and past ones are
    not; with none coming, only the latest is."""
    world = make_world(1)
    city = world.cities[0]
    now = timezone.now()
    Meeting.objects.filter(pk=world.congress.pk).update(
        start=now - dt.timedelta(days=400), end=now - dt.timedelta(days=397)
    )
    older = Meeting.objects.create(
        slug="older",
        kind=MeetingKind.CONGRESS,
        title="Ancien",
        title_fr="Ancien",
        title_en="Old",
        start=now - dt.timedelta(days=900),
        end=now - dt.timedelta(days=898),
        timezone="UTC",
    )
    focal = client_as("focal_point", local_government=city)
    html = _city_page(focal, city).content.decode()
    assert _delegation_url(world.congress, city) in html
    assert _delegation_url(older, city) not in html
    later, sooner = (
        Meeting.objects.create(
            slug=slug,
            kind=MeetingKind.CONGRESS,
            title=title,
            title_fr=title,
            title_en=title,
            start=now + dt.timedelta(days=days),
            end=now + dt.timedelta(days=days + 2),
            timezone="UTC",
        )
        for slug, title, days in (("later", "Dakar", 700), ("sooner", "Kigali", 300))
    )
    html = _city_page(focal, city).content.decode()
    assert _delegation_url(world.congress, city) not in html
    assert html.index(_delegation_url(sooner, city)) < html.index(_delegation_url(later, city))
