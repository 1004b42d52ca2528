"""Create the platform's roles as data; staff may rename them or change the MFA requirement."""

from django.db import migrations

ROLES = [
    ("public", "Public", "Public", False),
    ("focal_point", "Point focal de ville", "City focal point", False),
    ("secretariat", "Secrétariat", "Secretariat", True),
    ("bureau_member", "Membre du Bureau", "Bureau member", False),
    ("delegate", "Délégué", "Delegate", False),
    ("observatory_analyst", "Analyste de l'Observatoire", "Observatory analyst", True),
    ("observatory_partner", "Partenaire de l'Observatoire", "Observatory partner", False),
    ("administrator", "Administrateur", "Administrator", True),
]


def seed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name_fr, name_en, requires_mfa in ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name_fr,
                "name_fr": name_fr,
                "name_en": name_en,
                "requires_mfa": requires_mfa,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_assignments")]

    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
