"""The public service other modules call to record a decision of a statutory meeting."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from edile.core.errors import ServiceError
from edile.governance import selectors, services
from edile.governance.models import ResolutionKind, ResolutionState
from edile.governance.tests.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_decision_record_creates_an_adopted_decision_with_aligned_paragraphs(make_user):
    """The decision is adopted, of kind decision, its text split into aligned paragraphs."""
    world = make_world(3)
    decision = services.decision_record(
        meeting=world.session,
        title_fr="Subvention à Dakar",
        title_en="Grant to Dakar",
        text_fr="Le Bureau accorde 50 000 €.\n\nIl charge le secrétariat\nde l'exécution.",
        text_en="The Bureau grants €50,000.\n\nIt asks the secretariat to carry it out.",
        actor=make_user("bureau_member"),
    )
    assert decision.kind == ResolutionKind.DECISION
    assert decision.state == ResolutionState.ADOPTED
    assert decision.meeting == world.session and decision.body == world.body
    paragraphs = list(decision.versions.get().paragraphs.order_by("number"))
    assert [(p.number, p.text_fr, p.text_en) for p in paragraphs] == [
        (1, "Le Bureau accorde 50 000 €.", "The Bureau grants €50,000."),
        (2, "Il charge le secrétariat de l'exécution.", "It asks the secretariat to carry it out."),
    ]


def test_decision_record_refuses_a_delegate_and_misaligned_texts(make_user):
    """A delegate may not record decisions; texts of unequal paragraph counts are refused."""
    world = make_world(3)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            meeting=world.session,
            title_fr="T",
            title_en="T",
            text_fr="a",
            text_en="b",
            actor=make_user("delegate", local_government=world.cities[0]),
        )
    with pytest.raises(ServiceError, match="2 paragraphs and the English text 1"):
        services.decision_record(
            meeting=world.session,
            title_fr="T",
            title_en="T",
            text_fr="a\n\nb",
            text_en="a",
            actor=make_user("secretariat"),
        )


def test_body_by_slug():
    """The selector finds a body by slug and answers None for an unknown one."""
    world = make_world(1)
    assert selectors.body_by_slug("ga") == world.body
    assert selectors.body_by_slug("nope") is None
