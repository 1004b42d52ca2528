"""Harvest sources by URL: CKAN with paging from the portal's root, DCAT with Hydra paging,
withdrawal of what is gone, the API and the command, and hostile sources (entities, a huge
file, a redirect loop, a slow server, a private address) refused in the report, in bounded
time. A fake portal on 127.0.0.1 serves the fixtures."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from edile.datagov import harvest
from edile.datagov.models import Dataset, HarvestKind, HarvestRun, HarvestSource
from edile.members.tests.factories import LocalGovernmentFactory

REAL = Path(__file__).parent / "fixtures" / "real"

PAGE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<{base}/dcat/{name}> a hydra:PagedCollection {next} .
<https://portal.example.org/ds/{ident}> a dcat:Dataset ; dct:identifier "{ident}" ;
  dct:title "Jeu {ident}"@fr ; dct:description "Description {ident}"@fr ;
  dcat:contactPoint [ vcard:hasEmail <mailto:data@example.org> ] ;
  dcat:distribution [ a dcat:Distribution ; dct:identifier "{ident}-csv" ;
    dcat:downloadURL <https://portal.example.org/{ident}.csv> ;
    dct:license <http://publications.europa.eu/resource/authority/licence/CC0> ] .
"""


class Portal:
    """What the fake portal serves; tests change it between runs."""

    def __init__(self) -> None:
        self.dcat_pages = ["a", "b"]
        self.ckan_packages = json.loads((REAL / "ckan_demo_package_search.json").read_text())[
            "result"
        ]["results"]


def _handler(portal: Portal, base: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            path = parts.path
            if path == "/ckan/api/3/action/package_search":
                query = parse_qs(parts.query)
                start, rows = int(query["start"][0]), int(query["rows"][0])
                packages = portal.ckan_packages
                body = {
                    "success": True,
                    "result": {"count": len(packages), "results": packages[start : start + rows]},
                }
                return self._send(json.dumps(body).encode(), "application/json")
            if path.startswith("/dcat/"):
                name = path.rsplit("/", 1)[-1]
                pages = portal.dcat_pages
                if name not in pages:
                    return self._send(b"not found", "text/plain", 404)
                index = pages.index(name)
                nxt = (
                    f"; hydra:nextPage <{base}/dcat/{pages[index + 1]}>"
                    if index + 1 < len(pages)
                    else ""
                )
                body = PAGE.format(base=base, name=name, next=nxt, ident=name)
                return self._send(body.encode(), "text/turtle")
            if path == "/real/dataset_gov_de.rdf":
                return self._send((REAL / "dataset_gov_de.rdf").read_bytes(), "application/rdf+xml")
            if path == "/hostile/entities.rdf":
                body = (
                    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>'
                )
                return self._send(body, "application/rdf+xml")
            if path == "/hostile/huge.ttl":
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()  # no Content-Length: the size is found while reading
                try:
                    for _ in range(400):
                        self.wfile.write(b"# padding " * 1000)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return None
            if path == "/hostile/loop":
                self.send_response(302)
                self.send_header("Location", "/hostile/loop2")
                self.end_headers()
                return None
            if path == "/hostile/loop2":
                self.send_response(302)
                self.send_header("Location", "/hostile/loop")
                self.end_headers()
                return None
            if path == "/hostile/slow.ttl":
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                try:
                    for _ in range(40):
                        self.wfile.write(b"# ")
                        self.wfile.flush()
                        time.sleep(0.25)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return None
            return self._send(b"not found", "text/plain", 404)

    return Handler


@pytest.fixture
def portal(worker_id):
    """A fake portal on 127.0.0.1:8161 (8162 for the second test worker)."""
    port = 8161 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    base = f"http://127.0.0.1:{port}"
    state = Portal()
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state, base))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = base  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def setup(db, make_user, settings):
    settings.DATAGOV_HARVEST_ALLOW_PRIVATE = True
    settings.DATAGOV_HARVEST_TIMEOUT = 2
    lg = LocalGovernmentFactory()
    return lg, make_user("focal_point", local_government=lg)


def source_for(lg, user, url, kind=HarvestKind.DCAT, **extra):
    return harvest.harvest_source_create(user=user, publisher=lg, url=url, kind=kind, **extra)


def test_ckan_source_pages_from_the_portal_root(setup, portal, monkeypatch):
    """A CKAN source given by its root finds package_search and reads every page (2 rows a
    page here: 3 packages in 2 pages)."""
    monkeypatch.setattr(harvest, "CKAN_ROWS", 2)
    lg, user = setup
    source = source_for(
        lg, user, f"{portal.base}/ckan/", HarvestKind.CKAN, default_contact_email="d@example.org"
    )
    run = harvest.harvest_run_start(user=user, source=source)
    assert (run.status, run.pages, run.created, run.refused) == ("done", 2, 3, [])
    ds = Dataset.objects.get(identifier="100-validated-species-of-plants")
    assert ds.harvest_source == source
    assert ds.landing_page == f"{portal.base}/ckan/dataset/100-validated-species-of-plants"


def test_dcat_source_follows_hydra_pages_and_withdraws_what_is_gone(setup, portal):
    """Hydra next pages are followed; a dataset gone from the source is withdrawn (kept,
    hidden), an unchanged one counted as unchanged; it comes back when the source has it."""
    lg, user = setup
    source = source_for(lg, user, f"{portal.base}/dcat/a")
    run = harvest.harvest_run_start(user=user, source=source)
    assert (run.status, run.pages, run.created) == ("done", 2, 2)
    portal.dcat_pages = ["a"]
    run = harvest.harvest_run_start(user=user, source=source)
    assert (run.created, run.updated, run.unchanged, run.withdrawn) == (0, 0, 1, 1)
    gone = Dataset.objects.get(identifier="b")
    assert gone.withdrawn_at is not None
    from django.contrib.auth.models import AnonymousUser

    from edile.datagov.selectors import dataset_visible

    assert list(dataset_visible(AnonymousUser()).values_list("identifier", flat=True)) == ["a"]
    portal.dcat_pages = ["a", "b"]
    run = harvest.harvest_run_start(user=user, source=source)
    assert (run.created, run.updated, run.unchanged, run.withdrawn) == (0, 1, 1, 0)
    assert Dataset.objects.get(identifier="b").withdrawn_at is None


def test_real_rdfxml_by_url(setup, portal):
    """GovData's RDF/XML file served over HTTP is harvested (it answered 500 on upload)."""
    lg, user = setup
    source = source_for(lg, user, f"{portal.base}/real/dataset_gov_de.rdf")
    run = harvest.harvest_run_start(user=user, source=source)
    assert (run.status, run.created, run.refused) == ("done", 1, [])


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/hostile/entities.rdf", "DOCTYPE"),
        ("/hostile/huge.ttl", "larger than the limit"),
        ("/hostile/loop", "redirects in a loop"),
        ("/hostile/slow.ttl", "did not answer within 2 seconds"),
        ("/nothing-here", "HTTP 404"),
    ],
)
def test_hostile_sources_are_refused_in_the_report(setup, portal, settings, path, reason):
    """Entities, a huge file, a redirect loop, a slow server, a missing page: the run fails
    with the reason in its report, in bounded time, and nothing is withdrawn or created."""
    settings.DATAGOV_HARVEST_MAX_BYTES = 100_000
    lg, user = setup
    source = source_for(lg, user, f"{portal.base}{path}")
    started = time.monotonic()
    run = harvest.harvest_run_start(user=user, source=source)
    assert time.monotonic() - started < 8
    assert run.status == "failed"
    assert run.created == run.withdrawn == 0
    assert len(run.refused) == 1 and reason in run.refused[0]["reason"]


def test_private_addresses_are_refused_by_default(setup, portal, settings):
    """Outside tests, a source inside our own network (127.0.0.1…) is never fetched."""
    settings.DATAGOV_HARVEST_ALLOW_PRIVATE = False
    lg, user = setup
    run = harvest.harvest_run_start(user=user, source=source_for(lg, user, f"{portal.base}/dcat/a"))
    assert run.status == "failed" and "private network" in run.refused[0]["reason"]


def test_api_creates_a_source_and_runs_it(setup, portal, client):
    """POST /harvest-sources answers 201 with the id; POST …/run answers the report."""
    lg, user = setup
    client.force_login(user)
    response = client.post(
        "/api/v1/datagov/harvest-sources",
        {"url": f"{portal.base}/dcat/a", "kind": "dcat", "city": lg.slug},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    source_id = response.json()["id"]
    assert HarvestSource.objects.get(pk=source_id).publisher == lg
    response = client.post(f"/api/v1/datagov/harvest-sources/{source_id}/run")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "unchanged", "withdrawn", "refused")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "refused": [],
    }
    response = client.post(f"/api/v1/datagov/harvest-sources/{source_id}/run")
    assert response.json()["unchanged"] == 2


def test_api_refuses_another_citys_source_and_bad_input(setup, client, make_user):
    """Another city's focal point: 403 on create, 404 on run; an unknown kind: 422; an
    unknown city: 404."""
    lg, user = setup
    other = make_user("focal_point", local_government=LocalGovernmentFactory())
    source = source_for(lg, user, "https://portal.example.org/catalog.ttl")
    client.force_login(other)
    response = client.post(
        "/api/v1/datagov/harvest-sources",
        {"url": "https://x.example.org/", "kind": "dcat", "city": lg.slug},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.post(f"/api/v1/datagov/harvest-sources/{source.pk}/run").status_code == 404
    response = client.post(
        "/api/v1/datagov/harvest-sources",
        {"url": "https://x.example.org/", "kind": "ftp", "city": lg.slug},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        "/api/v1/datagov/harvest-sources",
        {"url": "https://x.example.org/", "kind": "dcat", "city": "nowhere"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "nowhere" in response.json()["detail"]


def test_source_pages_add_run_and_show_the_report(setup, portal, client):
    """A focal point adds a source on the page, runs it, and sees what was created."""
    lg, user = setup
    client.force_login(user)
    response = client.post(
        "/en/data/harvest/sources/",
        {
            "publisher": lg.pk,
            "url": f"{portal.base}/dcat/a",
            "kind": "dcat",
            "schedule": "weekly",
            "default_language": "fr",
        },
    )
    assert response.status_code == 302
    source = HarvestSource.objects.get()
    response = client.post(f"/en/data/harvest/sources/{source.pk}/run/", follow=True)
    assert response.status_code == 200
    assert "2 dataset(s) created, 0 updated, 0 unchanged, 0 withdrawn." in response.content.decode()


def test_command_runs_due_sources(setup, portal):
    """`manage.py harvest_sources` runs each due source once; a manual one is not due."""
    from io import StringIO

    lg, user = setup
    source_for(lg, user, f"{portal.base}/dcat/a", schedule="daily")
    source_for(lg, user, f"{portal.base}/dcat/b", schedule="manual")
    out = StringIO()
    call_command("harvest_sources", stdout=out)
    assert HarvestRun.objects.count() == 1
    assert "created 2" in out.getvalue()
    call_command("harvest_sources", stdout=out)
    assert HarvestRun.objects.count() == 1  # ran a moment ago: not due again
