import logging

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from edile.accounts.models import ApiToken, Role, RoleAssignment, User

logger = logging.getLogger(__name__)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["local_government"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "role_assignments__role"]
    search_fields = ["email", "full_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Role)
class RoleAdmin(TranslationAdmin):
    list_display = ["code", "name", "requires_mfa"]
    readonly_fields = ["code"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "roles_at_creation",
        "superuser_at_creation",
    ]
    search_fields = ["user__email", "name", "prefix"]


# One sign-in for everyone: the admin's own password form is replaced by allauth's login (which
# asks for the TOTP code and is rate-limited); a signed-in person who is not staff gets 403.
admin.site.login = secure_admin_login(admin.site.login)


# Models of the observatory the admin may show: vocabularies and the (read-only) read log.
# Everything else there — incidents, victims, witnesses, sources, reports — is confidential and
# read only through the analysts' pages, which decide by role and log each read. A superuser
# gets no way around that here.
ADMIN_ALLOWED_CONFIDENTIAL_APP_MODELS = {
    "observatory": {"violationtype", "pillar", "criterion", "confidentialaccess"},
}


def _holds_encrypted_data(model: type) -> bool:
    from edile.core.fields import EncryptedTextField

    return any(isinstance(field, EncryptedTextField) for field in model._meta.get_fields())


def admin_confidential_models(site: admin.AdminSite) -> list[type]:
    """Registered models the admin must not show: any observatory model outside the list
    above, and any model holding encrypted (personal, confidential) fields."""
    found = []
    for model in site._registry:
        label, name = model._meta.app_label, model._meta.model_name
        allowed = ADMIN_ALLOWED_CONFIDENTIAL_APP_MODELS.get(label)
        if (allowed is not None and name not in allowed) or _holds_encrypted_data(model):
            found.append(model)
    return found


def admin_unregister_confidential(site: admin.AdminSite) -> None:
    """Called once every app's admin is loaded (AccountsConfig.ready)."""
    for model in admin_confidential_models(site):
        logger.warning("Not in the admin (confidential): %s", model._meta.label)
        site.unregister(model)
