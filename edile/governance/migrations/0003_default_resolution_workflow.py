"""The default resolution workflow, as rows the secretariat can edit in the admin."""

from django.db import migrations

S, A = "secretariat", "administrator"
TRANSITIONS = [
    # from, to, role, requires vote result
    ("draft", "tabled", S, ""),
    ("draft", "withdrawn", S, ""),
    ("tabled", "amended", S, ""),
    ("tabled", "adopted", S, "pass"),
    ("tabled", "rejected", S, "fail"),
    ("tabled", "withdrawn", S, ""),
    ("tabled", "deferred", S, ""),
    ("amended", "amended", S, ""),
    ("amended", "adopted", S, "pass"),
    ("amended", "rejected", S, "fail"),
    ("amended", "withdrawn", S, ""),
    ("amended", "deferred", S, ""),
    ("deferred", "tabled", S, ""),
]


def add_workflow(apps, schema_editor):
    transition = apps.get_model("governance", "WorkflowTransition")
    for from_state, to_state, role, requires in TRANSITIONS:
        transition.objects.update_or_create(
            from_state=from_state, to_state=to_state,
            defaults={"role": role, "requires_vote": requires},
        )


def remove_workflow(apps, schema_editor):
    apps.get_model("governance", "WorkflowTransition").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_meetings_registration_resolutions_votes_minutes_prize")]
    operations = [migrations.RunPython(add_workflow, remove_workflow)]
