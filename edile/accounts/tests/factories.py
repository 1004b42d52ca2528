from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from edile.accounts.models import User
from edile.accounts.services import role_grant

TEST_PASSWORD = "correct-Horse-battery-9"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MFA_ROLES = {"secretariat", "observatory_analyst", "administrator"}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
            # A verified address, as after the sign-up's confirmation e-mail (verification is
            # mandatory: an unverified address cannot sign in).
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


def make_user(
    role: str | None = None, *, local_government=None, organisation: str = "", **kwargs
) -> User:
    """A user holding `role` (scoped to `local_government` if given), with TOTP where required."""
    user = UserFactory(**kwargs)
    if role and role != "public":
        role_grant(
            user=user, code=role, local_government=local_government, organisation=organisation
        )
        if role in MFA_ROLES and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def password_only_login(client, user) -> None:
    """Open a session for `user` WITHOUT the second factor (what Django's own admin login
    used to do): for tests that check the MFA rules refuse such a session."""
    from django.test import Client

    Client._login(client, user, "django.contrib.auth.backends.ModelBackend")
