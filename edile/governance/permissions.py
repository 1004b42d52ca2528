"""Who may do what in governance, per object."""

import rules

from edile.accounts.permissions import (
    is_bureau_member,
    is_delegate_of,
    is_focal_point_of,
    is_staff_role,
)


@rules.predicate
def is_public_meeting(user: object, meeting: object) -> bool:
    return bool(getattr(meeting, "is_public", False))


@rules.predicate
def is_approved_minutes(user: object, minutes: object) -> bool:
    return getattr(minutes, "status", "") == "approved"


@rules.predicate
def is_past_congress(user: object, congress: object) -> bool:
    from edile.governance.report import congress_is_over

    return bool(getattr(congress, "is_public", False)) and congress_is_over(congress)  # type: ignore[arg-type]


# The secretariat runs meetings: attendance, check-in, moderation, votes, minutes, workflow.
rules.add_perm("governance.manage", is_staff_role)
rules.add_perm("governance.view_meeting", is_public_meeting | is_staff_role | is_bureau_member)
# Registrants' personal data (beyond the consenting public list) is for the secretariat.
rules.add_perm("governance.view_registrations", is_staff_role)
# A congress's registration types (fees, quotas, who may use them) are the secretariat's.
rules.add_perm("governance.manage_registration_types", is_staff_role)
rules.add_perm("governance.check_in", is_staff_role)
# A delegate votes, grants proxies and submits amendments for their own city.
rules.add_perm("governance.act_for_city", is_staff_role | is_delegate_of)
# Draft minutes are for the secretariat and the Bureau; approved ones are public.
rules.add_perm("governance.view_minutes", is_approved_minutes | is_staff_role | is_bureau_member)
# The Bureau sits as the prize jury.
rules.add_perm("governance.review_nomination", is_bureau_member)
# A decision of a statutory meeting (a grant decided by the Bureau) is recorded by the
# secretariat or a Bureau member.
rules.add_perm("governance.record_decision", is_staff_role | is_bureau_member)
# Only a city's voting delegate (or the delegate of the city holding its proxy) casts its
# ballot: never the secretariat.
rules.add_perm("governance.vote_for_city", is_delegate_of)
# The congress report states public facts only: anyone reads it once the congress is over; the
# secretariat may read it before (docs/decisions/governance-congress-report.md).
rules.add_perm("governance.view_congress_report", is_past_congress | is_staff_role)


# Elections and delegations: a city's delegation is set by the secretariat or by that city's
# own focal point (the object is the city).
rules.add_perm("governance.manage_delegation", is_staff_role | is_focal_point_of)
