"""List the sanitation service chain's processing of personal data in datagov's register."""

from django.db import migrations

NAME_FR = "Service de vidange des boues : demandeurs et propriétaires"
NAME_EN = "Sludge emptying service: applicants and property owners"


def register(apps, schema_editor):
    Record = apps.get_model("datagov", "ProcessingRecord")
    if Record.objects.filter(name_en=NAME_EN, controller__isnull=True).exists():
        return
    Record.objects.create(
        controller=None,
        name=NAME_FR,
        name_fr=NAME_FR,
        name_en=NAME_EN,
        purpose=(
            "Enregistrer et servir les demandes de vidange, planifier les vidanges et contacter "
            "les ménages ; chaque ville membre est responsable du traitement de ses propres données."
        ),
        purpose_fr=(
            "Enregistrer et servir les demandes de vidange, planifier les vidanges et contacter "
            "les ménages ; chaque ville membre est responsable du traitement de ses propres données."
        ),
        purpose_en=(
            "Record and serve desludging requests, schedule emptyings and contact households; "
            "each member city is the controller of its own records."
        ),
        legal_basis="public_task",
        data_categories=(
            "Names and phone numbers of applicants and property owners; address and position of "
            "the property; household size; low-income status."
        ),
        subject_categories="Applicants for desludging; owners and occupants of properties.",
        recipients=(
            "The city's sanitation officers; the assigned operator sees the address and the "
            "containment, never the names or phone numbers. Exports and public pages carry no "
            "personal data."
        ),
        retention_period=(
            "Applicants' names and phone numbers: 2 years after the request is closed or "
            "cancelled, then erased; properties' owner contacts: while the property is on the "
            "registry."
        ),
        security_measures=(
            "Role- and city-scoped access checked per record; history of every change; "
            "exports without personal data."
        ),
    )


def unregister(apps, schema_editor):
    apps.get_model("datagov", "ProcessingRecord").objects.filter(
        name_en=NAME_EN, controller__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sanitation", "0003_seed_workflow_and_roles"),
        ("datagov", "0003_roadmap_action_fictional_flag"),
    ]

    operations = [migrations.RunPython(register, unregister)]
