"""The admin site shows no confidential observatory model, superuser or not."""

import pytest
from django.contrib import admin

from edile.accounts.admin import admin_confidential_models, admin_unregister_confidential

pytestmark = pytest.mark.django_db


def test_no_confidential_model_is_registered_in_the_admin():
    """Incidents, victims, witnesses, sources, reports: none is in the admin site."""
    from edile.observatory import models as observatory

    registered = set(admin.site._registry)
    for model in (observatory.Incident, observatory.Victim, observatory.Witness):
        assert model not in registered
    assert admin_confidential_models(admin.site) == []


def test_a_confidential_model_registered_by_mistake_is_taken_out():
    """The guard removes an observatory model outside the list and any model with encrypted
    fields (here, on a separate site registered by hand)."""
    from edile.observatory.models import Incident, ViolationType, Witness

    site = admin.AdminSite(name="probe")
    site.register(Incident)
    site.register(Witness)
    site.register(ViolationType)
    assert set(admin_confidential_models(site)) == {Incident, Witness}
    admin_unregister_confidential(site)
    assert set(site._registry) == {ViolationType}


def test_superuser_in_the_admin_finds_no_incident_page(client, make_user):
    """An administrator signed in (with TOTP) gets 404 on where an incident admin would be."""
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/observatory/incident/").status_code == 404
    assert client.get("/admin/observatory/witness/").status_code == 404
    assert client.get("/admin/observatory/victim/").status_code == 404
