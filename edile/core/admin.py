"""Admin helpers: the admin saves through the same version check as the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest

from edile.core.concurrency import save_versioned
from edile.core.errors import ConflictError

VERSION_FIELD = "edile_version"


class VersionedAdminMixin:
    """For a ModelAdmin of a `VersionedModel`: the change form carries the version it was
    opened at, and a save is refused if someone (a page, the API, another admin) saved the
    record in between, exactly like the pages' forms (`save_versioned`)."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        # The version is not a model field: keep it out of the fields the ModelForm is built
        # from (it is added to the form class below).
        if kwargs.get("fields") is None and "fields" in kwargs:
            pass
        else:
            fields = kwargs.get("fields")
            if fields is None:
                fields = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in fields if f != VERSION_FIELD]
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class VersionedForm(form_class):
            edile_version = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )

            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                if self.instance.pk and not self.is_bound:
                    self.initial[VERSION_FIELD] = self.instance.version

            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                expected = cleaned.get(VERSION_FIELD)
                if self.instance.pk and expected is not None:
                    stored = (
                        type(self.instance)
                        ._default_manager.filter(pk=self.instance.pk)
                        .values_list("version", flat=True)
                        .first()
                    )
                    if stored is not None and stored != expected:
                        raise forms.ValidationError(str(ConflictError().message))
                return cleaned

        VersionedForm.__name__ = form_class.__name__
        return VersionedForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden version travels with the form, in the first fieldset.
        if obj is not None and fieldsets:
            name, options = fieldsets[0]
            fields = list(options.get("fields", ()))
            if VERSION_FIELD not in fields:
                fieldsets = [(name, {**options, "fields": [*fields, VERSION_FIELD]})] + list(
                    fieldsets[1:]
                )
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        expected = form.cleaned_data.get(VERSION_FIELD) if change else None
        if change and expected is not None:
            try:
                save_versioned(obj, expected_version=expected)
            except ConflictError as exc:  # saved in between clean() and now
                messages.error(request, exc.message)
                raise
            return
        super().save_model(request, obj, form, change)


def admin_versioned(site: Any) -> list[type]:
    """Give the version check to the admin of every registered `VersionedModel` whose app
    did not mix it in itself (called once every app's admin is loaded, AccountsConfig.ready).
    Returns the models whose admin was changed."""
    from edile.core.models import VersionedModel

    changed = []
    for model, model_admin in list(site._registry.items()):
        if not issubclass(model, VersionedModel) or isinstance(model_admin, VersionedAdminMixin):
            continue
        admin_class = type(model_admin)
        versioned = type(admin_class.__name__, (VersionedAdminMixin, admin_class), {})
        site.unregister(model)
        site.register(model, versioned)
        changed.append(model)
    return changed
