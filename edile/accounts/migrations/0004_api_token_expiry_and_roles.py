import datetime

from django.db import migrations, models


def fill_existing_tokens(apps, schema_editor):
    """Tokens made before expiry existed expire 90 days after their creation; their roles
    at creation are taken as the holder's roles now (the best that is known)."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    for token in ApiToken.objects.select_related("user"):
        token.expires_at = token.created_at + datetime.timedelta(days=90)
        token.roles_at_creation = [
            [code, lg]
            for code, lg in RoleAssignment.objects.filter(user_id=token.user_id).values_list(
                "role__code", "local_government_id"
            )
        ]
        token.superuser_at_creation = token.user.is_superuser
        token.save(update_fields=["expires_at", "roles_at_creation", "superuser_at_creation"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_seed_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="roles_at_creation",
            field=models.JSONField(blank=True, default=list, verbose_name="roles at creation"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="superuser_at_creation",
            field=models.BooleanField(default=False, verbose_name="superuser at creation"),
        ),
        migrations.RunPython(fill_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
