"""The publish form in steps: four numbered fieldsets holding every field once, the steps
with an error marked, and the publisher limited to the cities the person may publish for."""

from __future__ import annotations

import re

from edile.accounts.services import role_grant
from edile.datagov.forms import DatasetForm
from edile.datagov.tests.factories import DatasetFactory
from edile.members.models import LocalGovernment
from edile.members.tests.factories import LocalGovernmentFactory

STEPS_FR = [
    "Étape 1 sur 4\u00a0: Décrire les données",
    "Étape 2 sur 4\u00a0: Qui le publie et qui peut l’obtenir",
    "Étape 3 sur 4\u00a0: Ce qu’il couvre et à quel rythme il change",
    "Étape 4 sur 4\u00a0: Qualité et identifiant",
]


def _fieldsets(body: str) -> list[tuple[str, list[str]]]:
    """Each step's legend and the names of the inputs inside it, in order."""
    out = []
    form = body[: body.index('<button type="submit">')]
    # A step holds fieldsets of its own (the themes' checkboxes): cut at each step's start.
    for block in form.split('<fieldset class="form-step"')[1:]:
        legend = re.search(r"<legend>(.*?)</legend>", block, flags=re.S).group(1).strip()
        names = list(dict.fromkeys(re.findall(r'name="([a-z_]+)"', block)))
        out.append((legend, names))
    return out


def test_the_form_is_in_four_steps_each_field_in_exactly_one(client_as):
    lg = LocalGovernmentFactory(name="Saint-Louis")
    client = client_as("focal_point", local_government=lg)
    response = client.get("/fr/data/datasets/new/")
    assert response.status_code == 200
    body = response.content.decode()
    steps = _fieldsets(body)
    assert [legend for legend, _names in steps] == STEPS_FR
    assert steps[0][1] == [
        "title_fr",
        "title_en",
        "description_fr",
        "description_en",
        "themes",
        "keywords",
    ]
    assert steps[1][1][0] == "publisher"
    in_steps = [name for _legend, names in steps for name in names]
    assert len(in_steps) == len(set(in_steps))  # no field twice
    visible = set(DatasetForm(publishers=LocalGovernment.objects.none()).fields) - {"version"}
    assert set(in_steps) == visible  # no field left out of the steps
    # The version is carried outside the steps; the step list links each step.
    assert '<input type="hidden" name="version"' in body
    assert body.count('href="#step-') == 4 and 'id="step-4"' in body
    assert "data-step-errors" not in body


def test_a_focal_point_is_offered_only_the_cities_it_may_publish_for(client_as):
    own = LocalGovernmentFactory(name="Saint-Louis")
    LocalGovernmentFactory(name="Autre ville")
    client = client_as("focal_point", local_government=own)
    body = client.get("/fr/data/datasets/new/").content.decode()
    select = re.search(r'<select name="publisher".*?</select>', body, flags=re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["Saint-Louis"]
    assert "selected" in select  # a single city is preselected
    # A focal point of two cities chooses one of them: no default, never the association.
    second = LocalGovernmentFactory(name="Podor")
    role_grant(user=client.user, code="focal_point", local_government=second, organisation="")
    body = client.get("/fr/data/datasets/new/").content.decode()
    select = re.search(r'<select name="publisher".*?</select>', body, flags=re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["—", "Podor", "Saint-Louis"]
    assert "selected" not in select.replace('value="" selected', "")
    secretariat = client_as("secretariat")
    body = secretariat.get("/fr/data/datasets/new/").content.decode()
    select = re.search(r'<select name="publisher".*?</select>', body, flags=re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert options[0] == "L&#x27;association" and "Autre ville" in options


def test_steps_with_an_error_are_marked(client_as):
    lg = LocalGovernmentFactory()
    client = client_as("focal_point", local_government=lg)
    response = client.post(
        "/fr/data/datasets/new/",
        {
            "publisher": lg.pk,
            "classification": "open",
            "licence": "cc0",
            "contact_name": "D",
            "contact_email": "d@example.org",
            "frequency": "ANNUAL",
            "issued": "2025-01-01",
            "modified": "pas une date",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    marked = re.findall(r'<a href="#step-(\d)" class="has-errors" data-step-errors>', body)
    assert marked == ["1", "3"]  # no title nor description; a bad date
    assert "Donnez un titre au jeu de données, en français ou en anglais." in body


def test_the_edit_form_has_the_same_steps_without_the_publisher(client_as):
    dataset = DatasetFactory(slug="a-modifier")
    client = client_as("focal_point", local_government=dataset.publisher)
    response = client.get("/en/data/datasets/a-modifier/edit/")
    assert response.status_code == 200
    steps = _fieldsets(response.content.decode())
    assert [legend for legend, _names in steps] == [
        "Step 1 of 4: Describe the data",
        "Step 2 of 4: Who publishes it and who may get it",
        "Step 3 of 4: What it covers and how often it changes",
        "Step 4 of 4: Quality and identifier",
    ]
    assert "publisher" not in steps[1][1]
    assert steps[1][1][0] == "classification"
