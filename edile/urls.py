"""URL wiring only: pages under /fr/ and /en/, the API and admin without a language prefix."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from edile.api import api
from edile.core.files import serve_file

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Uploaded files, through a permission check (edile.core.files); never a public /media/.
    path("files/<path:name>", serve_file, name="serve_file"),
]

urlpatterns += i18n_patterns(
    path("", include("edile.site.urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("edile.accounts.urls")),
    path("members/", include("edile.members.urls")),
    path("governance/", include("edile.governance.urls")),
    path("grants/", include("edile.grants.urls")),
    path("observatory/", include("edile.observatory.urls")),
    path("data/", include("edile.datagov.urls")),
    path("sanitation/", include("edile.sanitation.urls")),
    prefix_default_language=True,
)
