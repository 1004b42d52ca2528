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
