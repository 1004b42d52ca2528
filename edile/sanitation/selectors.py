"""Reads for the sanitation pages and API, filtered to what the reader may see."""

from __future__ import annotations

from typing import Any

from edile.sanitation import sfd
from edile.sanitation.models import SfdGridCell, SfdStatus, SfdStudy


def sfd_grid() -> dict[str, sfd.GridEntry]:
    """The selection grid as the calculation reads it: code → branch and variables."""
    return {
        code: sfd.GridEntry(branch=branch, variables=tuple(variables.split()), is_valid=is_valid)
        for code, branch, variables, is_valid in SfdGridCell.objects.values_list(
            "code", "branch", "variables", "is_valid"
        )
    }


def study_matrix(study: SfdStudy) -> list[dict[str, Any]]:
    """A study's rows in the shape `sfd.evaluate` takes."""
    matrix = []
    for row in study.rows.select_related("cell").prefetch_related("variables"):
        entry: dict[str, Any] = {"code": row.cell.code, "population": row.population_share}
        for variable in row.variables.all():
            entry[variable.name] = variable.value
        matrix.append(entry)
    return matrix


def study_result(study: SfdStudy) -> dict[str, Any] | None:
    """The computed flows of a study, or None with the errors when its matrix is incomplete."""
    try:
        return sfd.evaluate(study_matrix(study), sfd_grid())
    except sfd.SfdInputError as exc:
        return {"errors": exc.errors}


def visible_studies(user: Any):
    """Published estimates for everyone; drafts for the city's officers and the secretariat."""
    from django.db.models import Q

    from edile.accounts.selectors import is_staff_role
    from edile.sanitation.permissions import officer_city_ids

    qs = SfdStudy.objects.select_related("local_government")
    if is_staff_role(user):
        return qs
    return qs.filter(
        Q(status=SfdStatus.PUBLISHED) | Q(local_government_id__in=officer_city_ids(user))
    )


def operator_jobs(user: Any):
    """The requests of the operators this account works for — nothing else."""
    from edile.sanitation.models import DesludgingRequest

    return (
        DesludgingRequest.objects.filter(operator__accounts=user)
        .select_related("state", "containment", "vehicle", "operator")
        .order_by("scheduled_for", "sla_deadline")
    )
