"""Violation types, pillars, criteria and weights are edited in our pages, not the admin
(issue 12, point 5): analysts only, bilingual, codes fixed, bad input a 400."""

import pytest

from edile.observatory.models import Criterion, Pillar, ViolationType
from edile.observatory.services import vocabulary_sync

pytestmark = pytest.mark.django_db


def test_analyst_edits_a_violation_type_in_both_languages(client_as):
    term = ViolationType.objects.get(code="threat")
    analyst = client_as("observatory_analyst")
    url = f"/en/observatory/vocabulary/violation-types/{term.pk}/"
    page = analyst.get(url)
    assert page.status_code == 200 and 'name="code"' not in page.content.decode()
    response = analyst.post(
        url,
        {
            "label_fr": "Menaces graves",
            "label_en": "Serious threats",
            "definition_fr": "Déf.",
            "definition_en": "Def.",
            "order": 3,
            "code": "hijacked",
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.code, term.label_fr, term.label_en) == (
        "threat",
        "Menaces graves",
        "Serious threats",
    )
    assert "Serious threats" in analyst.get("/en/observatory/vocabulary/").content.decode()
    # A later sync of the seed vocabulary keeps the analyst's edit.
    vocabulary_sync()
    term.refresh_from_db()
    assert term.label_en == "Serious threats"


def test_analyst_adds_a_criterion_with_its_question_and_weight(client_as):
    pillar = Pillar.objects.order_by("order").first()
    response = client_as("observatory_analyst").post(
        "/en/observatory/vocabulary/criteria/new/",
        {
            "code": "recall_by_referendum_only",
            "pillar": pillar.pk,
            "name_fr": "Révocation par référendum seulement",
            "name_en": "Recall by referendum only",
            "question_fr": "La loi garantit-elle ce droit ?",
            "question_en": "Does the law guarantee this right?",
            "weight": "2",
            "order": 9,
        },
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(code="recall_by_referendum_only")
    assert criterion.pillar == pillar and criterion.question_en.startswith("Does the law")


def test_bad_vocabulary_input_is_a_400(client_as):
    analyst = client_as("observatory_analyst")
    response = analyst.post(
        "/en/observatory/vocabulary/violation-types/new/",
        {"code": "threat", "label_fr": "X", "label_en": "X", "order": "not a number"},
    )
    assert response.status_code == 400
    assert ViolationType.objects.filter(code="threat").count() == 1
    assert analyst.get("/en/observatory/vocabulary/nothing/new/").status_code == 404


@pytest.mark.parametrize("role", ["administrator", "secretariat", "observatory_partner"])
def test_only_analysts_edit_vocabularies(client_as, role):
    term = ViolationType.objects.get(code="threat")
    c = client_as(role)
    assert c.get("/en/observatory/vocabulary/").status_code == 403
    response = c.post(
        f"/en/observatory/vocabulary/violation-types/{term.pk}/",
        {"label_fr": "X", "label_en": "X", "order": 1},
    )
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.label_en != "X"


def test_the_venice_commission_dismissal_criteria_are_in_the_codebook_with_questions():
    """Issue 12 point 7: CDL-AD(2019)011 (exhaustive grounds, right to be heard, judicial
    review, responsibilities kept apart, reinstatement) as criteria, with questions."""
    codes = [
        "dismissal_exhaustive_grounds",
        "dismissal_right_to_be_heard",
        "judicial_review",
        "dismissal_responsibilities_apart",
        "dismissal_reinstatement",
    ]
    found = {c.code: c for c in Criterion.objects.filter(code__in=codes)}
    assert sorted(found) == sorted(codes)
    assert {c.pillar.code for c in found.values()} == {"security_of_tenure"}
    for code in codes[:2] + codes[3:]:
        assert found[code].question_en.endswith("?")
        assert found[code].question_fr.endswith("\u00a0?")
