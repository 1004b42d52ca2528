"""Who may do what in sanitation, per object.

A city's sanitation officer manages its registry and chain; an operator's account sees and
records only its operator's jobs; a plant operator's account records receptions at its
sites; the secretariat sees every city. Published SFD-style estimates and programmes are public.
"""

from __future__ import annotations

from typing import Any

import rules

from edile.accounts.permissions import is_staff_role
from edile.accounts.selectors import has_role, scoped_local_government_ids

OFFICER = "sanitation_officer"
OPERATOR = "sanitation_operator"
PLANT = "treatment_plant_operator"


def city_id(obj: Any) -> int | None:
    """The local government an object belongs to (itself when it is a local government)."""
    if obj is None:
        return None
    if hasattr(obj, "local_government_id"):
        return obj.local_government_id
    for attr in ("study", "row", "programme", "operator", "vehicle", "trip"):
        parent = getattr(obj, attr, None)
        if parent is not None and parent is not obj:
            return city_id(parent)
    return getattr(obj, "pk", obj if isinstance(obj, int) else None)


def officer_city_ids(user: Any) -> set[int]:
    return scoped_local_government_ids(user, OFFICER)


@rules.predicate
def is_sanitation_officer(user: Any) -> bool:
    return has_role(user, OFFICER)


@rules.predicate
def is_officer_of(user: Any, obj: Any) -> bool:
    lg = city_id(obj)
    return lg is not None and lg in officer_city_ids(user)


@rules.predicate
def is_operator_account(user: Any) -> bool:
    return has_role(user, OPERATOR) and user.sanitation_operators.exists()


@rules.predicate
def is_operator_of(user: Any, obj: Any) -> bool:
    """The object's operator (a request, emptying or trip) is one the user works for."""
    if obj is None or not has_role(user, OPERATOR):
        return False
    operator_id = getattr(obj, "operator_id", None)
    if operator_id is None and obj.__class__.__name__ == "Operator":
        operator_id = obj.pk
    return operator_id is not None and user.sanitation_operators.filter(pk=operator_id).exists()


@rules.predicate
def is_plant_account(user: Any) -> bool:
    return has_role(user, PLANT) and user.sanitation_sites.exists()


@rules.predicate
def is_plant_operator_of(user: Any, obj: Any) -> bool:
    if obj is None or not has_role(user, PLANT):
        return False
    site_id = getattr(obj, "site_id", None)
    if site_id is None and obj.__class__.__name__ == "TreatmentSite":
        site_id = obj.pk
    return site_id is not None and user.sanitation_sites.filter(pk=site_id).exists()


@rules.predicate
def is_public_study(user: Any, study: Any) -> bool:
    return study is not None and study.status == "published"


@rules.predicate
def is_public_programme(user: Any, programme: Any) -> bool:
    return programme is not None and programme.is_public


@rules.predicate
def city_figures_public(user: Any, lg: Any) -> bool:
    from edile.sanitation.models import CitySettings

    lg_id = city_id(lg)
    return CitySettings.objects.filter(local_government_id=lg_id, figures_public=True).exists()


manages_city = is_staff_role | is_officer_of

# A city's registry and chain (the object is the city or one of its records).
rules.add_perm("sanitation.manage_registry", manages_city)
rules.add_perm("sanitation.view_chain", manages_city)
rules.add_perm("sanitation.view_dashboard", manages_city | city_figures_public)
# The operator's own jobs.
rules.add_perm("sanitation.work_job", is_operator_of | manages_city)
# Receptions at a plant.
rules.add_perm("sanitation.record_reception", is_plant_operator_of | manages_city)
# SFD-style estimates and programmes.
rules.add_perm("sanitation.view_study", is_public_study | manages_city)
rules.add_perm("sanitation.change_study", manages_city)
rules.add_perm("sanitation.view_programme", is_public_programme | manages_city)
rules.add_perm("sanitation.change_programme", manages_city)
# Any page of the module for staff of a city or an operator or a plant.
rules.add_perm(
    "sanitation.use_workspace",
    is_staff_role | is_sanitation_officer | is_operator_account | is_plant_account,
)
