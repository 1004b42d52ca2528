from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site's own pages, above every app: the home page, the navigation, `load_demo`
    and `bench`. It may import any app; no app imports it, and `core` imports no app."""

    name = "edile.site"
    label = "site"
    verbose_name = _("Site")
