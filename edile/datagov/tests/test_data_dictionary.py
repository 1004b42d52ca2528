"""The data dictionary of a CSV file: columns read from its header with a guessed type, each
described by the steward (name, type, unit, description in French and English); shown on the
dataset page, said in the DCAT-AP export (`dct:conformsTo`) and as CSVW metadata; per-object
permissions, concurrent edits and bad input."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from edile.datagov.exports import validate_dataset
from edile.datagov.models import Classification, DataDictionary, DictionaryColumn
from edile.datagov.selectors import csv_columns_inferred
from edile.datagov.services import ColumnDescription, data_dictionary_save
from edile.datagov.tests.factories import DatasetFactory, DistributionFactory, csv_distribution
from edile.datagov.tests.test_dcat import _gate
from edile.members.tests.factories import LocalGovernmentFactory

CSV = (
    "commune;population;superficie;relevé;actif\n"
    "Dakar;1200;3,5;2024-01-02;oui\n"
    "Thiès;800;12;2024-02-03;non\n"
).encode()

DESCRIBED = [
    {
        "name": "commune",
        "datatype": "string",
        "unit": "",
        "description_fr": "Nom de la commune",
        "description_en": "Name of the municipality",
    },
    {
        "name": "population",
        "datatype": "integer",
        "unit": "habitants",
        "description_fr": "Population recensée",
        "description_en": "Census population",
    },
    {
        "name": "superficie",
        "datatype": "number",
        "unit": "km²",
        "description_fr": "Superficie",
        "description_en": "",
    },
    {
        "name": "relevé",
        "datatype": "date",
        "unit": "",
        "description_fr": "",
        "description_en": "Survey date",
    },
    {
        "name": "actif",
        "datatype": "boolean",
        "unit": "",
        "description_fr": "",
        "description_en": "",
    },
]


def _form(columns: list[dict[str, str]], version: int = 0) -> dict[str, str]:
    data = {
        "col-TOTAL_FORMS": str(len(columns)),
        "col-INITIAL_FORMS": str(len(columns)),
        "col-MIN_NUM_FORMS": "1",
        "col-MAX_NUM_FORMS": "500",
        "version": str(version),
    }
    for i, column in enumerate(columns):
        for key, value in column.items():
            data[f"col-{i}-{key}"] = value
    return data


@pytest.fixture
def world(db, make_user):
    city = LocalGovernmentFactory(slug="ville-dico")
    steward = make_user("public")
    dataset = DatasetFactory(publisher=city, steward=steward, slug="recensement")
    dist = csv_distribution(dataset, CSV)
    return {"city": city, "steward": steward, "dataset": dataset, "dist": dist}


def _url(world: dict, lang: str = "fr") -> str:
    return f"/{lang}/data/datasets/recensement/distributions/{world['dist'].pk}/dictionary/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_columns_and_types_are_inferred_from_the_file(world):
    """Header and delimiter as read; each type the narrowest every value of the first rows fits."""
    delimiter, columns = csv_columns_inferred(world["dist"])
    assert delimiter == ";"
    assert columns == [
        {"name": "commune", "datatype": "string"},
        {"name": "population", "datatype": "integer"},
        {"name": "superficie", "datatype": "number"},
        {"name": "relevé", "datatype": "date"},
        {"name": "actif", "datatype": "boolean"},
    ]


def test_a_header_with_blank_or_repeated_names_is_made_unique(db):
    dist = csv_distribution(DatasetFactory(), b"a,a,,b\n1,2,3,x\n")
    _delimiter, columns = csv_columns_inferred(dist)
    assert [c["name"] for c in columns] == ["a", "a_2", "column_3", "b"]


def test_the_steward_sees_the_inferred_draft_unsaved(world):
    response = _signed_in(world["steward"]).get(_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dictionnaire de données\u00a0: Fichier" in body
    assert 'name="col-1-name" value="population"' in body
    assert '<option value="integer" selected>entier</option>' in body
    assert '<option value="boolean" selected>oui/non</option>' in body
    assert 'name="version" value="0"' in body
    assert DataDictionary.objects.count() == 0


def test_the_steward_describes_each_column_and_readers_see_it(world, client):
    steward = _signed_in(world["steward"])
    response = steward.post(_url(world), _form(DESCRIBED))
    assert response.status_code == 302
    assert response["Location"] == "/fr/data/datasets/recensement/"
    dictionary = DataDictionary.objects.get(distribution=world["dist"])
    assert dictionary.version == 1 and dictionary.delimiter == ";"
    rows = list(
        dictionary.columns.values_list(
            "position", "name", "datatype", "unit", "description_fr", "description_en"
        )
    )
    assert rows[1] == (
        2,
        "population",
        "integer",
        "habitants",
        "Population recensée",
        "Census population",
    )
    assert [r[1] for r in rows] == ["commune", "population", "superficie", "relevé", "actif"]

    # Anyone who may see the dataset reads the dictionary, in their language.
    french = client.get("/fr/data/datasets/recensement/").content.decode()
    assert "<caption>Dictionnaire de données\u00a0: Fichier</caption>" in french
    assert (
        '<tr><th scope="row"><code>population</code></th><td>entier</td>'
        "<td>habitants</td><td>Population recensée</td></tr>"
    ) in french
    english = client.get("/en/data/datasets/recensement/").content.decode()
    assert (
        '<tr><th scope="row"><code>population</code></th><td>integer</td>'
        "<td>habitants</td><td>Census population</td></tr>"
    ) in english
    assert "<td>Survey date</td>" in english
    # The public sees no link to the form; the steward does.
    assert "/dictionary/" not in french
    assert "Décrire les colonnes" in steward.get("/fr/data/datasets/recensement/").content.decode()

    # A second visit edits what was saved (version 1), not a new draft.
    body = steward.get(_url(world)).content.decode()
    assert 'name="version" value="1"' in body
    assert "Population recensée" in body


def test_who_may_describe_the_columns(world, make_user):
    """The steward and the people who manage the dataset; no one else (403), sign-in first."""
    focal = make_user("focal_point", local_government=world["city"])
    assert _signed_in(focal).get(_url(world)).status_code == 200
    response = _signed_in(focal).post(_url(world), _form(DESCRIBED))
    assert response.status_code == 302
    other_focal = make_user("focal_point", local_government=LocalGovernmentFactory())
    delegate = make_user("delegate", local_government=world["city"])
    stranger = make_user("public")
    for user in (other_focal, delegate, stranger):
        client = _signed_in(user)
        assert client.get(_url(world)).status_code == 403
        assert client.post(_url(world), _form(DESCRIBED, version=1)).status_code == 403
    anonymous = Client().get(_url(world))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert DataDictionary.objects.get().version == 1  # nobody else changed it
    with pytest.raises(PermissionDenied):
        data_dictionary_save(
            user=stranger,
            distribution=world["dist"],
            columns=[ColumnDescription(name="x")],
            expected_version=1,
        )


def test_a_hidden_dataset_answers_404(db, make_user):
    city = LocalGovernmentFactory()
    dataset = DatasetFactory(publisher=city, classification=Classification.INTERNAL, slug="interne")
    dist = csv_distribution(dataset, CSV)
    url = f"/fr/data/datasets/interne/distributions/{dist.pk}/dictionary/"
    assert _signed_in(make_user("public")).get(url).status_code == 404
    focal = _signed_in(make_user("focal_point", local_government=city))
    assert focal.get(url).status_code == 200


def test_bad_input_is_refused_with_a_message_never_a_500(world):
    steward = _signed_in(world["steward"])
    twice = [dict(DESCRIBED[0]), dict(DESCRIBED[0])]
    response = steward.post(_url(world), _form(twice))
    assert response.status_code == 400
    assert (
        "Deux colonnes d’un fichier ne peuvent pas avoir le même nom." in response.content.decode()
    )
    unknown = [dict(DESCRIBED[0], datatype="geometry")]
    response = steward.post(_url(world), _form(unknown))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    unnamed = [dict(DESCRIBED[0], name="  ")]
    assert steward.post(_url(world), _form(unnamed)).status_code == 400
    long_unit = [dict(DESCRIBED[0], unit="u" * 51)]
    assert steward.post(_url(world), _form(long_unit)).status_code == 400
    # A forged management form: no forms, far too many, or none at all.
    assert steward.post(_url(world), _form([])).status_code == 400
    huge = _form(DESCRIBED)
    huge["col-TOTAL_FORMS"] = "100000"
    assert steward.post(_url(world), huge).status_code == 400
    assert steward.post(_url(world), {"version": "0"}).status_code == 400
    assert steward.post(_url(world), _form(DESCRIBED, version=-1)).status_code == 400
    assert DataDictionary.objects.count() == 0


def test_only_an_uploaded_csv_file_has_a_dictionary(world):
    link = DistributionFactory(dataset=world["dataset"])
    url = f"/fr/data/datasets/recensement/distributions/{link.pk}/dictionary/"
    steward = _signed_in(world["steward"])
    assert steward.get(url).status_code == 404
    response = steward.post(url, _form(DESCRIBED))
    assert response.status_code == 400
    assert "Seuls les fichiers CSV déposés ont un dictionnaire de données." in (
        response.content.decode()
    )
    assert DataDictionary.objects.count() == 0


def test_a_save_based_on_an_old_version_is_refused(world, make_user):
    steward = _signed_in(world["steward"])
    focal = _signed_in(make_user("focal_point", local_government=world["city"]))
    assert steward.post(_url(world), _form(DESCRIBED, version=0)).status_code == 302
    # The focal point opened the draft before the steward saved: version 0, now stale.
    late = [dict(c, description_fr="Autre") for c in DESCRIBED]
    response = focal.post(_url(world), _form(late, version=0))
    assert response.status_code == 409
    assert steward.post(_url(world), _form(late, version=1)).status_code == 302
    assert focal.post(_url(world), _form(DESCRIBED, version=1)).status_code == 409
    dictionary = DataDictionary.objects.get()
    assert dictionary.version == 2
    assert set(dictionary.columns.values_list("description_fr", flat=True)) == {"Autre"}
    assert DictionaryColumn.objects.count() == 5


CSVW = Namespace("http://www.w3.org/ns/csvw#")


def _described(world) -> None:
    data_dictionary_save(
        user=world["steward"],
        distribution=world["dist"],
        columns=[ColumnDescription(**c) for c in DESCRIBED],
        expected_version=0,
    )


def test_the_export_says_the_file_conforms_to_its_csvw_description(world):
    """dct:conformsTo a dct:Standard (the CSVW document); the catalogue still passes the
    DCAT-AP gate, and the dictionary adds no warning of the recommended shapes."""
    warnings_before = validate_dataset(world["dataset"])[1]
    _described(world)
    DistributionFactory(dataset=world["dataset"], format="JSON")  # a link: no dictionary
    response = Client().get("/api/v1/datagov/catalog.ttl")
    graph = Graph()
    graph.parse(data=b"".join(response.streaming_content).decode(), format="turtle")
    dist_node = URIRef(
        f"http://testserver/api/v1/datagov/datasets/recensement/distributions/{world['dist'].pk}"
    )
    schema = URIRef(f"{dist_node}/csvw")
    assert list(graph.objects(dist_node, DCTERMS.conformsTo)) == [schema]
    assert (schema, RDF.type, DCTERMS.Standard) in graph
    assert len(list(graph.subject_objects(DCTERMS.conformsTo))) == 1
    conforms, _report, text = validate(graph, shacl_graph=_gate())
    assert conforms, text
    from edile.datagov.models import Dataset

    assert validate_dataset(Dataset.objects.get(pk=world["dataset"].pk))[1] == warnings_before


def test_csvw_metadata_of_a_described_file(world, client):
    _described(world)
    url = f"/api/v1/datagov/datasets/recensement/distributions/{world['dist'].pk}/csvw"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/csvm+json; charset=utf-8"
    doc = response.json()
    assert doc["@context"] == "http://www.w3.org/ns/csvw"
    assert doc["@id"] == f"http://testserver{url}"
    assert doc["url"] == (
        f"http://testserver/fr/data/datasets/recensement/distributions/{world['dist'].pk}/download/"
    )
    assert doc["dialect"] == {"delimiter": ";", "header": True}
    columns = doc["tableSchema"]["columns"]
    assert [c["titles"] for c in columns] == [
        "commune",
        "population",
        "superficie",
        "relevé",
        "actif",
    ]
    assert columns[3]["name"] == "relev%C3%A9"  # a URI template variable
    assert columns[1] == {
        "name": "population",
        "titles": "population",
        "datatype": "integer",
        "dc:description": [
            {"@value": "Population recensée", "@language": "fr"},
            {"@value": "Census population", "@language": "en"},
        ],
        "schema:unitText": "habitants",
    }
    assert "dc:description" not in columns[4] and "schema:unitText" not in columns[4]
    # It parses as JSON-LD into CSVW terms, and is the same whatever the reader's language.
    graph = Graph()
    graph.parse(data=json.dumps(dict(doc, **{"@context": _csvw_context()})), format="json-ld")
    assert len(list(graph.subjects(CSVW.datatype, None))) == 5
    english = client.get(url, headers={"accept-language": "en"})
    assert english.content == response.content
    # The API's detail links it; a file without a dictionary has none.
    link = DistributionFactory(dataset=world["dataset"])
    detail = client.get("/api/v1/datagov/datasets/recensement").json()
    by_id = {d["id"]: d["csvw_url"] for d in detail["distributions"]}
    assert by_id == {world["dist"].pk: f"http://testserver{url}", link.pk: None}
    missing = client.get(f"/api/v1/datagov/datasets/recensement/distributions/{link.pk}/csvw")
    assert missing.status_code == 404


def _csvw_context() -> dict[str, str]:
    """The few terms of the CSVW context the document uses (offline: nothing is fetched)."""
    return {
        "@vocab": "http://www.w3.org/ns/csvw#",
        "dc": "http://purl.org/dc/terms/",
        "schema": "http://schema.org/",
        "url": {"@id": "http://www.w3.org/ns/csvw#url", "@type": "@id"},
        "tableSchema": "http://www.w3.org/ns/csvw#tableSchema",
    }


def test_csvw_of_non_open_data_points_to_the_page_and_hidden_data_is_404(db, make_user):
    city = LocalGovernmentFactory()
    steward = make_user("public")
    restricted = DatasetFactory(
        publisher=city, steward=steward, classification=Classification.RESTRICTED, slug="r"
    )
    internal = DatasetFactory(
        publisher=city, steward=steward, classification=Classification.INTERNAL, slug="i"
    )
    for ds in (restricted, internal):
        dist = csv_distribution(ds, CSV)
        data_dictionary_save(
            user=steward,
            distribution=dist,
            columns=[ColumnDescription(name="commune")],
            expected_version=0,
        )
    r_dist = restricted.distributions.get()
    doc = Client().get(f"/api/v1/datagov/datasets/r/distributions/{r_dist.pk}/csvw").json()
    assert doc["url"] == "http://testserver/fr/data/datasets/r/"
    i_dist = internal.distributions.get()
    url = f"/api/v1/datagov/datasets/i/distributions/{i_dist.pk}/csvw"
    assert Client().get(url).status_code == 404
    assert _signed_in(steward).get(url).status_code == 200


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/fr/data/datasets/recensement/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dataset_page_costs_the_same_queries_with_more_dictionaries(world):
    _described(world)
    client = Client()
    one = _page_queries(client)
    for _ in range(3):
        dist = csv_distribution(world["dataset"], CSV)
        data_dictionary_save(
            user=world["steward"],
            distribution=dist,
            columns=[ColumnDescription(**c) for c in DESCRIBED],
            expected_version=0,
        )
    assert _page_queries(client) == one


def test_a_replaced_file_with_a_new_header_keeps_the_descriptions_it_can(world, make_user):
    """After a new version whose header changed, the form starts from the new header, each
    column still there keeps its description, and the page says what was added and removed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edile.datagov.services import distribution_update

    _described(world)
    steward = _signed_in(world["steward"])
    unchanged = steward.get(_url(world)).content.decode()
    assert "data-header-changed" not in unchanged
    new_file = "commune;population;ménages\nDakar;1300;250\n".encode()
    focal = make_user("focal_point", local_government=world["city"])
    distribution_update(
        user=focal,
        distribution=world["dist"],
        title="Fichier",
        upload=SimpleUploadedFile("v2.csv", new_file, content_type="text/csv"),
        version_note="Ménages ajoutés, superficie retirée.",
    )
    body = steward.get(_url(world)).content.decode()
    assert "data-header-changed" in body
    assert "Nouvelles colonnes\u00a0: ménages" in body
    assert "Colonnes qui ne sont plus dans le fichier\u00a0: superficie, relevé, actif" in body
    assert 'name="col-TOTAL_FORMS" value="3"' in body
    assert 'name="col-0-name" value="commune"' in body and "Nom de la commune" in body
    assert 'name="col-2-name" value="ménages"' in body
    assert '<option value="integer" selected>entier</option>' in body
    assert 'name="version" value="1"' in body


def _bearer(user) -> dict[str, str]:
    from edile.accounts.services import api_token_create

    _token, raw = api_token_create(user=user, name="test")
    return {"authorization": f"Bearer {raw}"}


def test_the_api_writes_the_dictionary_with_the_same_rules(world, make_user, client):
    """PUT …/distributions/{id}/dictionary: the steward's token writes it (version-checked);
    others 403, hidden datasets 404, a link or a repeated name 400, a bad shape 422."""
    url = f"/api/v1/datagov/datasets/recensement/distributions/{world['dist'].pk}/dictionary"
    payload = {"version": 0, "columns": DESCRIBED}
    steward = _bearer(world["steward"])
    assert client.put(url, payload, content_type="application/json").status_code == 401
    response = client.put(url, payload, content_type="application/json", headers=steward)
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1 and data["delimiter"] == ";"
    assert data["columns"][1] == DESCRIBED[1]
    assert [c["name"] for c in data["columns"]] == [c["name"] for c in DESCRIBED]
    stale = client.put(url, payload, content_type="application/json", headers=steward)
    assert stale.status_code == 409
    stranger = _bearer(make_user("public"))
    again = {"version": 1, "columns": DESCRIBED[:1]}
    forbidden = client.put(url, again, content_type="application/json", headers=stranger)
    assert forbidden.status_code == 403
    twice = {"version": 1, "columns": [DESCRIBED[0], DESCRIBED[0]]}
    response = client.put(url, twice, content_type="application/json", headers=steward)
    assert response.status_code == 400
    assert (
        response.json()["detail"] == "Deux colonnes d’un fichier ne peuvent pas avoir le même nom."
    )
    nul = {"version": 1, "columns": [dict(DESCRIBED[0], unit="k\x00m")]}
    assert client.put(url, nul, content_type="application/json", headers=steward).status_code == 400
    for bad in (
        {"version": 1, "columns": []},
        {"version": 1, "columns": [dict(DESCRIBED[0], datatype="geometry")]},
        {"version": -1, "columns": DESCRIBED},
        {"columns": DESCRIBED},
    ):
        response = client.put(url, bad, content_type="application/json", headers=steward)
        assert response.status_code == 422, bad
    link = DistributionFactory(dataset=world["dataset"])
    link_url = url.replace(f"/{world['dist'].pk}/", f"/{link.pk}/")
    response = client.put(link_url, again, content_type="application/json", headers=steward)
    assert response.status_code == 400
    missing = url.replace(f"/{world['dist'].pk}/", "/999999/")
    assert (
        client.put(missing, again, content_type="application/json", headers=steward).status_code
        == 404
    )
    assert DataDictionary.objects.get().version == 1  # only the first PUT changed it

    internal = DatasetFactory(classification=Classification.INTERNAL, slug="interne-api")
    dist = csv_distribution(internal, CSV)
    hidden = f"/api/v1/datagov/datasets/interne-api/distributions/{dist.pk}/dictionary"
    assert (
        client.put(hidden, payload, content_type="application/json", headers=stranger).status_code
        == 404
    )
