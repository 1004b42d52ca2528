from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatagovConfig(AppConfig):
    name = "edile.datagov"
    label = "datagov"
    verbose_name = _("Urban data governance")
