"""The profile page: roles held, two-factor status, language and personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edile.accounts import services
from edile.accounts.forms import ApiTokenForm, LanguageForm
from edile.accounts.selectors import has_totp
from edile.core.errors import ServiceError


def _profile_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    user = request.user
    return {
        "assignments": user.role_assignments.select_related("role", "local_government"),
        "tokens": user.api_tokens.all(),
        "token_form": ApiTokenForm(),
        "language_form": LanguageForm(initial={"preferred_language": user.preferred_language}),
        "has_totp": has_totp(user),
        "recovery_codes_left": _recovery_codes_left(user),
        **extra,
    }


def _recovery_codes_left(user: object) -> int | None:
    """How many unused recovery codes the person has, or None when they have none set up."""
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if authenticator is None:
        return None
    return len(authenticator.wrap().get_unused_codes())


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(request, token_form=form), status=400
        )
    try:
        token, raw = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in"],
        )
    except ServiceError as exc:
        form.add_error("name", exc.message)
        return render(
            request, "accounts/profile.html", _profile_context(request, token_form=form), status=400
        )
    # The secret is shown once, on this response only; it is never stored in clear.
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, new_token=raw, new_token_obj=token),
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def language_update(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.user_set_language(
            user=request.user, language=form.cleaned_data["preferred_language"]
        )
        messages.success(request, _("Your language has been saved."))
    return redirect("accounts:profile")
