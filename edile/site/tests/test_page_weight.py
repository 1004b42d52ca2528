"""Light pages: every public page of the registry and the home page stay ≤ 100 KB (before
images, scripts and styles, which are cached files) at a large size."""

import pytest

from edile.members import bench

pytestmark = pytest.mark.django_db

LIMIT = 100 * 1024
PAGES = [
    "/fr/",
    "/en/",
    "/fr/members/",
    "/fr/members/?country=FR",
    "/fr/members/map/",
    "/fr/members/statistics/",
    "/en/members/statistics/",
    "/fr/members/bench-17/",
]


@pytest.fixture
def large_registry(django_db_blocker):
    """2,000 cities over 60 countries and 40 regions, 10,000 mandates (the bench's shape)."""
    bench.generate(local_governments=2_000, mandates_count=10_000)


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_weigh_at_most_100_kb(client, large_registry, url):
    response = client.get(url)
    assert response.status_code == 200
    size = len(response.content)
    assert size <= LIMIT, f"{url} weighs {size / 1024:.0f} KB"
