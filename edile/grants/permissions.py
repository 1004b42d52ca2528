"""Who may do what in the grants programme, per object.

Before the Bureau decides, an application is seen only by its city's focal points, its
assigned reviewers and the secretariat; Bureau members see the ranked list (and decide).
"""

from __future__ import annotations

from typing import Any

import rules

from edile.accounts.permissions import (
    is_bureau_member,
    is_focal_point,
    is_focal_point_of,
    is_staff_role,
)


def _application(obj: Any) -> Any:
    """The application behind an application, grant, review or report."""
    if obj is None:
        return None
    for attr in ("application", "grant"):
        if hasattr(obj, "call_id"):
            return obj
        obj = getattr(obj, attr, obj)
    return obj


@rules.predicate
def is_applicant_focal_point(user: Any, obj: Any) -> bool:
    application = _application(obj)
    if application is None:
        return False
    return is_focal_point_of(user, application.local_government_id)


@rules.predicate
def is_assigned_reviewer(user: Any, obj: Any) -> bool:
    application = _application(obj)
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    # Only once they have declared no conflict of interest: the declaration comes first.
    return application.reviews.filter(
        reviewer=user, status__in=("in_progress", "submitted")
    ).exists()


@rules.predicate
def is_decided(user: Any, obj: Any) -> bool:
    application = _application(obj)
    return application is not None and application.status in {"approved", "rejected"}


@rules.predicate
def is_before_the_bureau(user: Any, obj: Any) -> bool:
    """Submitted (on the agenda of the Bureau), deferred or decided: not a draft."""
    application = _application(obj)
    if application is None:
        return False
    if application.status == "withdrawn":  # withdrawn once on the agenda: still on record
        return application.submitted_at is not None
    return application.status in {"submitted", "deferred", "approved", "rejected"}


@rules.predicate
def is_withdrawable(user: Any, obj: Any) -> bool:
    """Not decided yet: a draft, submitted or deferred application."""
    application = _application(obj)
    return application is not None and application.status in {"draft", "submitted", "deferred"}


@rules.predicate
def has_pending_review(user: Any, obj: Any) -> bool:
    """Assigned to review it and not submitted yet (or recused): the reviewer's rules apply
    (no file before the declaration, no other scores before their own)."""
    application = _application(obj)
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    return application.reviews.filter(reviewer=user).exclude(status="submitted").exists()


@rules.predicate
def holds_role_for_applicant_city(user: Any, obj: Any) -> bool:
    """A conflict of interest: the person holds a role for the applicant city."""
    application = _application(obj)
    lg_id = getattr(application, "local_government_id", None)
    if lg_id is None or not getattr(user, "is_authenticated", False):
        return False
    from edile.accounts.models import RoleCode
    from edile.accounts.selectors import scoped_local_government_ids

    return any(lg_id in scoped_local_government_ids(user, code) for code in RoleCode.values)


@rules.predicate
def is_editable(user: Any, obj: Any) -> bool:
    application = _application(obj)
    return application is not None and application.status in {"draft", "deferred"}


@rules.predicate
def is_own_review(user: Any, review: Any) -> bool:
    return review is not None and review.reviewer_id == getattr(user, "pk", None)


rules.add_perm(
    "grants.view_application",
    is_staff_role
    | is_applicant_focal_point
    | is_assigned_reviewer
    | (is_bureau_member & is_before_the_bureau & ~has_pending_review),
)
rules.add_perm("grants.create_application", is_focal_point)
rules.add_perm("grants.change_application", is_applicant_focal_point & is_editable)
# The city's focal point withdraws its application, any time before the Bureau decides.
rules.add_perm("grants.withdraw_application", is_applicant_focal_point & is_withdrawable)
rules.add_perm("grants.manage_call", is_staff_role)
rules.add_perm("grants.assign_reviewer", is_staff_role)
rules.add_perm("grants.review", is_own_review)
rules.add_perm("grants.view_ranking", is_staff_role | is_bureau_member)
# A Bureau member never decides an application of a city they hold a role for (recusal).
rules.add_perm("grants.decide", is_staff_role | (is_bureau_member & ~holds_role_for_applicant_city))
rules.add_perm("grants.view_grant", is_staff_role | is_applicant_focal_point | is_bureau_member)
rules.add_perm("grants.manage_grant", is_staff_role)
rules.add_perm("grants.submit_report", is_applicant_focal_point)
rules.add_perm("grants.import_projects", is_staff_role)
rules.add_perm("grants.view_staff_lists", is_staff_role)
