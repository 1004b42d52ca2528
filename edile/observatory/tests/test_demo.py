"""The demo loads fictional incidents and a fictional benchmark, and loading twice changes nothing."""

import io

import pytest

from edile.observatory import demo
from edile.observatory.models import Incident, Score, Victim

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_covers_the_issue(client):
    """15+ countries, 5+ years, some confidential, 10+ benchmark countries; twice = same counts."""
    demo.load(io.StringIO())
    counts = (Incident.objects.count(), Victim.objects.count(), Score.objects.count())
    demo.load(io.StringIO())
    assert (Incident.objects.count(), Victim.objects.count(), Score.objects.count()) == counts
    assert Incident.objects.values("country").distinct().count() >= 15
    assert len({d.year for d in Incident.objects.dates("date_start", "year")}) >= 5
    assert Incident.objects.filter(confidentiality="confidential").exists()
    assert not Incident.objects.filter(is_fictional=False).exists()
    assert Score.objects.values("country").distinct().count() >= 10
    assert not Score.objects.filter(is_fictional=False).exists()
    # The pages show the demo.
    assert "badge-fictional" in client.get("/en/observatory/incidents/").content.decode()
    stats = client.get("/api/v1/observatory/statistics").json()
    assert stats["total"]["count"] > 20
    bench = client.get("/fr/observatory/legal-benchmark/")
    assert bench.status_code == 200 and "Mali" in bench.content.decode()


def test_index_links_to_the_general_assembly_decision(client):
    """With the governance demo loaded, the index links to the GA decision of 4 December 2019."""
    from django.apps import apps

    try:
        apps.get_model("governance", "Resolution")
    except LookupError:
        pytest.skip("governance resolutions are not built")
    from edile.accounts import demo as accounts_demo
    from edile.governance import demo as governance_demo
    from edile.members import demo as members_demo

    for module in (members_demo, accounts_demo, governance_demo):
        module.load(io.StringIO())
    body = client.get("/fr/observatory/").content.decode()
    assert "/fr/governance/resolutions/ga-2019-decision-observatory/" in body


def test_index_without_the_decision_has_no_link(client):
    """Without the resolution the page still renders, with no dead link."""
    body = client.get("/fr/observatory/").content.decode()
    assert "ga-2019-decision-observatory" not in body
