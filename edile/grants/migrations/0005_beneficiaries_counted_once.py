"""Groups by sex or age become breakdowns of the total, and each project's beneficiaries are
counted once (the rule of services.beneficiaries_counted_once, repeated here as it stood)."""

from django.db import migrations

BREAKDOWN_GROUPS = ("women", "men", "children", "youth")


def count_once(apps, schema_editor):
    BeneficiaryGroup = apps.get_model("grants", "BeneficiaryGroup")
    Application = apps.get_model("grants", "Application")
    BeneficiaryGroup.objects.filter(group__in=BREAKDOWN_GROUPS).update(is_breakdown=True)
    for application in Application.objects.filter(beneficiary_groups__isnull=False).distinct():
        groups = list(BeneficiaryGroup.objects.filter(application=application))
        totals = sum(g.number for g in groups if not g.is_breakdown)
        if not totals:
            by_group = {g.group: g.number for g in groups if g.is_breakdown}
            by_sex = by_group.get("women", 0) + by_group.get("men", 0)
            totals = max([by_sex, *by_group.values()], default=0)
        Application.objects.filter(pk=application.pk).update(beneficiaries=totals)


class Migration(migrations.Migration):
    dependencies = [("grants", "0004_report_titles_in_both_languages")]

    operations = [migrations.RunPython(count_once, migrations.RunPython.noop)]
