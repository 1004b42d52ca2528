"""The request workflow (states and transitions as data) and the module's three roles."""

from django.db import migrations

# code, French, English, initial, terminal, served
STATES = [
    ("created", "Créée", "Created", True, False, False),
    ("pending_payment", "En attente de paiement", "Awaiting payment", False, False, False),
    ("pending_assignment", "À attribuer", "To be assigned", False, False, False),
    ("pending_operator", "En attente de l'opérateur", "Awaiting the operator", False, False, False),
    ("operator_declined", "Refusée par l'opérateur", "Declined by the operator", False, False, False),
    ("scheduled", "Planifiée", "Scheduled", False, False, False),
    ("emptied", "Vidangée", "Emptied", False, False, True),
    ("disposed", "Dépotée à la station", "Disposed of at the plant", False, False, True),
    ("feedback", "Avis attendu", "Awaiting feedback", False, False, True),
    ("closed", "Clôturée", "Closed", False, True, True),
    ("cancelled", "Annulée", "Cancelled", False, True, False),
    ("rejected", "Rejetée", "Rejected", False, True, False),
]

# action, French, English, source, target, actors
TRANSITIONS = [
    ("submit", "Demander le paiement", "Ask for payment", "created", "pending_payment", "officer"),
    ("waive_fee", "Sans frais", "No fee", "created", "pending_assignment", "officer system"),
    ("pay", "Paiement reçu", "Payment received", "pending_payment", "pending_assignment", "officer"),
    ("assign", "Attribuer", "Assign", "pending_assignment", "pending_operator", "officer"),
    ("accept", "Accepter", "Accept", "pending_operator", "scheduled", "operator officer"),
    ("decline", "Refuser", "Decline", "pending_operator", "operator_declined", "operator"),
    ("reassign", "Réattribuer", "Reassign", "operator_declined", "pending_operator", "officer"),
    ("empty", "Vidange faite", "Emptied", "scheduled", "emptied", "operator officer"),
    ("dispose", "Dépotage", "Disposed", "emptied", "disposed", "plant operator officer system"),
    ("ask_feedback", "Demander l'avis", "Ask for feedback", "disposed", "feedback", "officer system"),
    ("feedback", "Avis reçu", "Feedback received", "feedback", "closed", "officer applicant"),
    ("close", "Clôturer", "Close", "disposed", "closed", "officer"),
    ("close_without_feedback", "Clôturer sans avis", "Close without feedback", "feedback", "closed", "officer"),
    ("reject", "Rejeter", "Reject", "created", "rejected", "officer"),
    # Cancellation: by the applicant before payment; by the officer until the emptying.
    ("cancel", "Annuler", "Cancel", "created", "cancelled", "officer applicant"),
    ("cancel", "Annuler", "Cancel", "pending_payment", "cancelled", "officer applicant"),
    ("cancel", "Annuler", "Cancel", "pending_assignment", "cancelled", "officer"),
    ("cancel", "Annuler", "Cancel", "pending_operator", "cancelled", "officer"),
    ("cancel", "Annuler", "Cancel", "operator_declined", "cancelled", "officer"),
    ("cancel", "Annuler", "Cancel", "scheduled", "cancelled", "officer"),
]

ROLES = [
    ("sanitation_officer", "Responsable assainissement de la ville", "City sanitation officer", False),
    ("sanitation_operator", "Opérateur de vidange", "Emptying operator", False),
    ("treatment_plant_operator", "Exploitant de station de traitement", "Treatment plant operator", False),
]


def seed(apps, schema_editor):
    State = apps.get_model("sanitation", "RequestState")
    Transition = apps.get_model("sanitation", "RequestTransition")
    states = {}
    for position, (code, fr, en, initial, terminal, served) in enumerate(STATES):
        states[code], _ = State.objects.update_or_create(
            code=code,
            defaults={
                "name": fr,
                "name_fr": fr,
                "name_en": en,
                "position": position * 10,
                "is_initial": initial,
                "is_terminal": terminal,
                "counts_as_served": served,
            },
        )
    for action, fr, en, source, target, actors in TRANSITIONS:
        Transition.objects.update_or_create(
            source=states[source],
            action=action,
            defaults={
                "name": fr,
                "name_fr": fr,
                "name_en": en,
                "target": states[target],
                "actors": actors,
            },
        )
    Role = apps.get_model("accounts", "Role")
    for code, fr, en, mfa in ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={"name": fr, "name_fr": fr, "name_en": en, "requires_mfa": mfa},
        )


def unseed_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sanitation", "0002_load_sfd_grid"),
        ("accounts", "0003_seed_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed_roles)]
