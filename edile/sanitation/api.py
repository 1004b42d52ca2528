"""The sanitation API: the SFD calculator, and an adapter for operators' apps."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from edile.sanitation import services
from edile.sanitation.schemas import ProblemOut, SfdEvaluateIn, SfdEvaluateOut

router = Router(tags=["sanitation"])


@router.post(
    "/sfd/evaluate",
    response={200: SfdEvaluateOut, 400: ProblemOut, 422: ProblemOut},
    auth=None,
)
def sfd_evaluate(request: HttpRequest, payload: SfdEvaluateIn) -> Any:
    """Compute an SFD-style matrix: shares and rates in percent, flows named as the SFD's arrows.

    400 names each row at fault: shares that do not sum to 100, a rate outside 0–100, an
    unknown or impossible grid code, a variable on a row it does not apply to.
    """
    rows = [row.model_dump(exclude_none=True) for row in payload.rows]
    return Status(200, services.sfd_evaluate(rows=rows))
