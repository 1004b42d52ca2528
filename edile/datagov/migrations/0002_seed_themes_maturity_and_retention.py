"""Seed the vocabularies the module needs to work: EU data themes, the maturity grid
(dimensions and levels, editable afterwards) and the platform's default retention policies."""

from django.db import migrations

THEMES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"]

DIMENSIONS = [
    ("strategy", "Stratégie", "Strategy", "Une stratégie des données adoptée et portée par l'exécutif.", "A data strategy adopted and led by the executive."),
    ("governance", "Gouvernance et rôles", "Governance and roles", "Des responsables des données désignés, des rôles clairs.", "Named data owners and stewards, clear roles."),
    ("inventory", "Inventaire des données", "Data inventory", "Un catalogue à jour des jeux de données de la ville.", "An up-to-date catalogue of the city's datasets."),
    ("openness", "Ouverture", "Openness", "Publication en données ouvertes, sous licence ouverte, aux formats standard.", "Open data published under open licences, in standard formats."),
    ("protection", "Protection des données personnelles", "Protection of personal data", "Registre des traitements, base légale, durées de conservation.", "Register of processing, legal bases, retention periods."),
    ("skills", "Compétences", "Skills", "Des agents formés à la gestion et à l'usage des données.", "Staff trained to manage and use data."),
    ("infrastructure", "Infrastructure", "Infrastructure", "Stockage, sauvegarde et outils de partage fiables.", "Reliable storage, backup and sharing tools."),
]

LEVELS = [
    (1, "Initial", "Initial", "Pratiques ponctuelles, non formalisées.", "Ad hoc, informal practice."),
    (2, "En développement", "Developing", "Premières règles, appliquées par endroits.", "First rules, applied in places."),
    (3, "Défini", "Defined", "Règles écrites, appliquées dans la plupart des services.", "Written rules, applied in most departments."),
    (4, "Géré", "Managed", "Pratiques suivies et mesurées.", "Practice monitored and measured."),
    (5, "Optimisé", "Optimising", "Amélioration continue, partage avec les pairs.", "Continuous improvement, shared with peers."),
]

RETENTION = [
    ("governance.registrations", 730, "anonymise"),
    ("observatory.anonymous_reports", 365, "anonymise"),
    ("datagov.download_logs", 365, "delete"),
    ("datagov.access_requests", 1095, "anonymise"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("datagov", "Theme")
    Dimension = apps.get_model("datagov", "MaturityDimension")
    Level = apps.get_model("datagov", "MaturityLevel")
    Policy = apps.get_model("datagov", "RetentionPolicy")
    for code in THEMES:
        Theme.objects.get_or_create(code=code)
    for order, (code, fr, en, dfr, den) in enumerate(DIMENSIONS, start=1):
        Dimension.objects.get_or_create(
            code=code,
            defaults={"order": order, "name": fr, "name_fr": fr, "name_en": en,
                      "description": dfr, "description_fr": dfr, "description_en": den},
        )
    for value, fr, en, dfr, den in LEVELS:
        Level.objects.get_or_create(
            value=value,
            defaults={"name": fr, "name_fr": fr, "name_en": en,
                      "description": dfr, "description_fr": dfr, "description_en": den},
        )
    for target, days, action in RETENTION:
        Policy.objects.get_or_create(target=target, defaults={"period_days": days, "action": action})


class Migration(migrations.Migration):
    dependencies = [("datagov", "0001_catalogue_requests_register_roadmap")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
