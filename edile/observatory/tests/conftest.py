import pytest


@pytest.fixture(autouse=True)
def _vocabulary(request):
    """Transactional tests (browser, concurrency) flush the seeded vocabulary: restore it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from edile.observatory.models import Criterion, ViolationType
    from edile.observatory.services import vocabulary_sync

    if not ViolationType.objects.exists() or not Criterion.objects.exists():
        vocabulary_sync()
