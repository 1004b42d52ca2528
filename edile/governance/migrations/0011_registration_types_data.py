"""Data: each existing congress gets the registration types that were a fixed list in the
code, and its registrations point to them (reversible: the reverse unlinks and deletes them).

The values are written here, not imported from the app (migrations use `apps.get_model`);
`edile/governance/registration_types.py:DEFAULT_TYPES` holds the same list for new congresses.
"""

from django.db import migrations
from django.db.models import Q

# code, French name, English name, who may use it, makes the city present at votes
TYPES = [
    ("mayor", "Maire", "Mayor", "member_city", True),
    ("delegation_member", "Membre de délégation", "Delegation member", "anyone", True),
    ("accompanying_person", "Personne accompagnante", "Accompanying person", "anyone", False),
    ("partner", "Partenaire", "Partner", "anyone", False),
    ("speaker", "Intervenant", "Speaker", "anyone", False),
    ("press", "Presse", "Press", "anyone", False),
    ("staff", "Personnel", "Staff", "anyone", False),
]


def forwards(apps, schema_editor):
    Meeting = apps.get_model("governance", "Meeting")
    RegistrationType = apps.get_model("governance", "RegistrationType")
    Registration = apps.get_model("governance", "Registration")
    known = {code for code, *_rest in TYPES}
    # Every congress, and any other meeting that has registrations (written outside the
    # service), so that every existing registration keeps its type.
    meetings = Meeting.objects.filter(
        Q(kind="congress") | Q(pk__in=Registration.objects.values("congress_id"))
    ).order_by("pk")
    for congress in meetings:
        rows = {}
        for i, (code, fr, en, eligibility, voting) in enumerate(TYPES):
            rows[code], _created = RegistrationType.objects.get_or_create(
                congress=congress,
                code=code,
                defaults={
                    "name": fr,
                    "name_fr": fr,
                    "name_en": en,
                    "eligibility": eligibility,
                    "gives_voting_right": voting,
                    "order": (i + 1) * 10,
                },
            )
        # A code the fixed list did not have (typed in the admin or the shell) keeps its
        # registrations: it becomes an inactive type named by its code.
        others = (
            Registration.objects.filter(congress=congress)
            .exclude(type__in=known)
            .values_list("type", flat=True)
            .distinct()
        )
        for n, code in enumerate(sorted(set(others))):
            rows[code], _created = RegistrationType.objects.get_or_create(
                congress=congress,
                code=code[:30] or "unknown",
                defaults={
                    "name": code or "?",
                    "name_fr": code or "?",
                    "name_en": code or "?",
                    "is_active": False,
                    "order": 1000 + n,
                },
            )
        for code, rtype in rows.items():
            Registration.objects.filter(congress=congress, type=code).update(
                registration_type=rtype
            )


def backwards(apps, schema_editor):
    Registration = apps.get_model("governance", "Registration")
    RegistrationType = apps.get_model("governance", "RegistrationType")
    Registration.objects.update(registration_type=None)
    RegistrationType.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0010_registration_types")]

    operations = [migrations.RunPython(forwards, backwards)]
