"""Who may do what in the member registry, per object."""

import rules

from edile.accounts.permissions import is_focal_point_of, is_staff_role

# Everyone, signed in or not, may read the registry's public pages.
rules.add_perm("members.view_localgovernment", rules.always_allow)
# A focal point edits its own city's profile; the secretariat edits all.
rules.add_perm("members.change_localgovernment", is_staff_role | is_focal_point_of)
# Dues and membership details: the secretariat, and the city's own focal points.
rules.add_perm("members.view_dues", is_staff_role | is_focal_point_of)
# The change history of a record is for staff.
rules.add_perm("members.view_history", is_staff_role)
rules.add_perm("members.manage_mandates", is_staff_role)
