"""One demo user per role. Their password and, where MFA is required, TOTP secret are printed.

These accounts are for the demonstration only; `load_demo` refuses to run when DEBUG is off
unless told to with --allow-production.
"""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from edile.accounts.models import RoleCode, User
from edile.accounts.services import role_grant
from edile.members.models import LocalGovernment

DEMO_PASSWORD = "demo-Edile-2019"
# A fixed base32 secret so that the printed code generator works after every reload.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# email, full name, language, role, scope (local government slugs), organisation
DEMO_USERS: list[tuple[str, str, str, str, list[str], str]] = [
    ("admin@demo.edile.org", "Ada Administratrice", "fr", RoleCode.ADMINISTRATOR, [], ""),
    ("secretariat@demo.edile.org", "Samuel Secrétariat", "fr", RoleCode.SECRETARIAT, [], ""),
    ("bureau@demo.edile.org", "Béatrice Bureau", "fr", RoleCode.BUREAU_MEMBER, ["nantes"], ""),
    ("delegate@demo.edile.org", "Dara Délégué", "en", RoleCode.DELEGATE, ["phnom-penh"], ""),
    (
        "focal@demo.edile.org",
        "Sophea Focal",
        "en",
        RoleCode.FOCAL_POINT,
        ["phnom-penh", "siem-reap"],
        "",
    ),
    ("analyst@demo.edile.org", "Aïssa Analyste", "fr", RoleCode.OBSERVATORY_ANALYST, [], ""),
    (
        "partner@demo.edile.org",
        "Paul Partenaire",
        "fr",
        RoleCode.OBSERVATORY_PARTNER,
        [],
        "Avocats sans frontières (fictional)",
    ),
    ("public@demo.edile.org", "Pat Public", "en", RoleCode.PUBLIC, [], ""),
]

MFA_ROLES = {RoleCode.ADMINISTRATOR, RoleCode.SECRETARIAT, RoleCode.OBSERVATORY_ANALYST}


@transaction.atomic
def load(out: TextIO) -> None:
    out.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})\n")
    for email, full_name, language, code, scopes, organisation in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "preferred_language": language}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = code in {RoleCode.ADMINISTRATOR, RoleCode.SECRETARIAT}
            user.is_superuser = code == RoleCode.ADMINISTRATOR
            user.save()
        # Verification is mandatory: the demo addresses count as verified.
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if code != RoleCode.PUBLIC:
            if scopes:
                for slug in scopes:
                    lg = LocalGovernment.objects.get(slug=slug)
                    role_grant(user=user, code=code, local_government=lg, organisation=organisation)
            else:
                role_grant(user=user, code=code, organisation=organisation)
        if (
            code in MFA_ROLES
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        mfa = f"  (TOTP secret {DEMO_TOTP_SECRET})" if code in MFA_ROLES else ""
        out.write(f"  {code:<20} {email}{mfa}\n")
