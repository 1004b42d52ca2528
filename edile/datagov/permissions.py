"""Who may do what with datasets, access requests, the register and the roadmap, per object.

The classification decides most of it:
- open: metadata and data for everyone;
- restricted: metadata for everyone (so that people can find it and ask), data only to the
  people who manage it and to approved, unexpired access requests;
- internal: the publishing city's focal points, the secretariat and the steward only;
- personal data: metadata for signed-in members; data only to its steward (or, without one,
  the publishing city's focal points) and approved requests stating a legal basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules

from edile.accounts.models import RoleCode
from edile.accounts.permissions import is_focal_point_of, is_staff_role
from edile.accounts.selectors import has_role, role_codes
from edile.datagov.models import AccessRequestStatus, Classification


def is_member_user(user: Any) -> bool:
    """A signed-in person with a role in the association (not only the public role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(role_codes(user) - {RoleCode.PUBLIC})


@rules.predicate
def manages_dataset(user: Any, dataset: Any) -> bool:
    """The secretariat manages every dataset; a focal point manages its own city's datasets."""
    if dataset is None or not getattr(user, "is_authenticated", False):
        return False
    if is_staff_role(user):
        return True
    return dataset.publisher_id is not None and is_focal_point_of(user, dataset.publisher_id)


@rules.predicate
def is_steward(user: Any, dataset: Any) -> bool:
    return (
        dataset is not None
        and getattr(user, "is_authenticated", False)
        and dataset.steward_id == user.pk
    )


@rules.predicate
def decides_requests(user: Any, dataset: Any) -> bool:
    """The steward decides; a dataset without a steward is decided by the people who manage it."""
    if dataset is None:
        return False
    if dataset.steward_id is not None:
        return is_steward(user, dataset)
    return manages_dataset(user, dataset)


def has_active_grant(user: Any, dataset: Any, on: dt.date | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or dataset is None:
        return False
    from edile.datagov.models import AccessRequest

    on = on or dt.date.today()
    requests = AccessRequest.objects.filter(
        dataset=dataset, requester=user, status=AccessRequestStatus.APPROVED, expires_on__gte=on
    )
    if dataset.classification == Classification.PERSONAL:
        requests = requests.exclude(legal_basis="")
    return requests.exists()


@rules.predicate
def can_view_dataset(user: Any, dataset: Any) -> bool:
    if dataset is None:
        return False
    if dataset.classification in (Classification.OPEN, Classification.RESTRICTED):
        return True
    if manages_dataset(user, dataset) or is_steward(user, dataset):
        return True
    if dataset.classification == Classification.PERSONAL:
        return is_member_user(user)
    return False


@rules.predicate
def can_access_data(user: Any, dataset: Any) -> bool:
    """Preview, download and export of the data itself."""
    if dataset is None:
        return False
    if dataset.classification == Classification.OPEN:
        return True
    if dataset.classification == Classification.PERSONAL:
        if dataset.steward_id is not None:
            holder = is_steward(user, dataset)
        else:
            holder = dataset.publisher_id is not None and is_focal_point_of(
                user, dataset.publisher_id
            )
        return holder or has_active_grant(user, dataset)
    return (
        manages_dataset(user, dataset)
        or is_steward(user, dataset)
        or has_active_grant(user, dataset)
    )


@rules.predicate
def can_request_access(user: Any, dataset: Any) -> bool:
    return (
        dataset is not None
        and getattr(user, "is_authenticated", False)
        and dataset.classification != Classification.OPEN
        and can_view_dataset(user, dataset)
        and not can_access_data(user, dataset)
    )


@rules.predicate
def can_publish_for(user: Any, local_government: Any) -> bool:
    """Create a dataset for `local_government` (None: the association, secretariat only)."""
    if is_staff_role(user):
        return True
    return local_government is not None and is_focal_point_of(user, local_government)


@rules.predicate
def is_any_publisher(user: Any) -> bool:
    return has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR, RoleCode.FOCAL_POINT)


@rules.predicate
def manages_register_of(user: Any, local_government: Any) -> bool:
    """A city's register: its focal points and the secretariat; the association's: secretariat."""
    if is_staff_role(user):
        return True
    return local_government is not None and is_focal_point_of(user, local_government)


rules.add_perm("datagov.view_dataset", can_view_dataset)
rules.add_perm("datagov.access_data", can_access_data)
rules.add_perm("datagov.change_dataset", manages_dataset)
# The steward knows the data best: they describe its columns, with the people who manage it.
rules.add_perm("datagov.describe_data", manages_dataset | is_steward)
rules.add_perm("datagov.publish_for", can_publish_for)
rules.add_perm("datagov.publish", is_any_publisher)
rules.add_perm("datagov.request_access", can_request_access)
rules.add_perm("datagov.decide_access", decides_requests)
# The register of processing is the accountability record: readable by members, kept by
# the secretariat and each city's focal points.
rules.add_perm("datagov.view_register", rules.predicate(is_member_user))
rules.add_perm("datagov.change_register", manages_register_of)
rules.add_perm("datagov.manage_retention", is_staff_role)
rules.add_perm("datagov.harvest", can_publish_for)
rules.add_perm("datagov.assess_maturity", manages_register_of)
rules.add_perm("datagov.change_roadmap", is_staff_role)
