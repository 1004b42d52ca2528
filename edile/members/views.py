"""Pages of the member registry. Thin: validate, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from edile.core.errors import ConflictError
from edile.core.exports import EXPORT_FORMATS, export_response
from edile.core.htmx import render_page_or_fragment
from edile.members import city_links, exports, selectors, services
from edile.members.forms import LocalGovernmentForm, MemberFilterForm
from edile.members.models import LocalGovernment

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[MemberFilterForm, selectors.MemberFilters]:
    form = MemberFilterForm(request.GET or None, choices=selectors.filter_choices())
    if form.is_bound and form.is_valid():
        return form, selectors.MemberFilters(**form.cleaned_data)
    return form, selectors.MemberFilters()


def local_government_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    paginator = Paginator(selectors.local_government_list(filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(lg, selectors.current_mayor(lg)) for lg in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    return render_page_or_fragment(
        request, "members/local_government_list.html", "members/partials/results.html", context
    )


def local_government_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    _form, filters = _filters(request)
    return export_response(
        fmt,
        exports.LOCAL_GOVERNMENT_COLUMNS,
        selectors.local_government_rows_all(filters),
        filename="local-governments",
        sheet_title=exports.SHEET_TITLE,
    )


def local_government_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        lg = selectors.local_government_detail(slug)
    except LocalGovernment.DoesNotExist:
        raise Http404(_("No local government with this address.")) from None
    membership = getattr(lg, "membership", None)
    can_see_dues = request.user.has_perm("members.view_dues", lg)
    can_see_history = request.user.has_perm("members.view_history", lg)
    context = {
        "lg": lg,
        "mayor": selectors.current_mayor(lg),
        "mandates": selectors.local_government_mandates(lg),
        "membership": membership,
        "dues": selectors.membership_dues(membership) if (membership and can_see_dues) else None,
        "history": lg.history.select_related("history_user")[:50] if can_see_history else None,
        "can_edit": request.user.has_perm("members.change_localgovernment", lg),
        # What other apps offer this reader for this city (governance: its delegation).
        "city_links": city_links.links_for(request.user, lg),
    }
    return render(request, "members/local_government_detail.html", context)


@login_required
def local_government_edit(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        lg = LocalGovernment.objects.get(slug=slug)
    except LocalGovernment.DoesNotExist:
        raise Http404(_("No local government with this address.")) from None
    if not request.user.has_perm("members.change_localgovernment", lg):
        raise PermissionDenied(_("You may not edit this local government."))
    if request.method == "POST":
        form = LocalGovernmentForm(request.POST, instance=lg)
        if form.is_valid():
            try:
                services.local_government_update(
                    actor=request.user,
                    local_government=lg,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The profile has been saved."))
                return redirect(lg.get_absolute_url())
    else:
        form = LocalGovernmentForm(instance=lg, initial={"version": lg.version})
    status = 409 if form.non_field_errors() else (400 if form.errors else 200)
    return render(
        request, "members/local_government_edit.html", {"lg": lg, "form": form}, status=status
    )


def members_map(request: HttpRequest) -> HttpResponse:
    """The map page: its points come from `members_map_points`, fetched by the script."""
    return render(request, "members/map.html", {"count": selectors.map_point_count()})


def members_map_points(request: HttpRequest) -> JsonResponse:
    """The active members with coordinates as a GeoJSON FeatureCollection (RFC 7946)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {"label": p["label"], "url": p["url"], "country": p["country"]},
        }
        for p in selectors.map_points()
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


def members_statistics(request: HttpRequest) -> HttpResponse:
    """Members by country, and by region for one country (`?country=`, default: the one with
    most members): every region of every country would weigh hundreds of KB."""
    by_country = selectors.members_by_country()
    codes = {row["country"]: row["name"] for row in by_country}
    wanted = request.GET.get("country", "").upper()
    country = wanted if wanted in codes else (by_country[0]["country"] if by_country else "")
    context = {
        "by_country": by_country,
        "region_country": country,
        "region_country_name": codes.get(country, ""),
        "by_region": selectors.members_by_region(country) if country else [],
        "chart_rows": [(row["name"], row["count"]) for row in by_country[:15]],
        "figures": selectors.registry_key_figures(),
    }
    return render(request, "members/statistics.html", context)
