"""Data: rules in the evaluation's vocabulary, the Bureau's rule fixed, paragraph identities,
ballot receipts, secret ballots reduced to a tally."""

from django.db import migrations


RENAMES = {
    "majority_base": {
        "votes_cast_with_abstentions": "votes_cast_and_abstentions",
        "present_and_represented": "attending",
        "members_entitled": "members",
    },
    "quorum_base": {"members_entitled": "members"},
    "tie_rule": {"chair_casting_vote": "chair_decides"},
}


def forwards(apps, schema_editor):
    """Stored rules in the evaluation's vocabulary; the Bureau's rule as its label says;
    paragraph identities; receipts for every ballot, and secret ballots reduced to a tally."""
    DecisionRule = apps.get_model("governance", "DecisionRule")
    for field, mapping in RENAMES.items():
        for old, new in mapping.items():
            DecisionRule.objects.filter(**{field: old}).update(**{field: new})
    # "Majorité des membres présents": the base is the members attending, not the votes cast.
    DecisionRule.objects.filter(code="bureau-ordinary", majority_base="votes_cast").update(
        majority_base="attending"
    )

    ResolutionVersion = apps.get_model("governance", "ResolutionVersion")
    Paragraph = apps.get_model("governance", "Paragraph")
    previous = {}
    next_key = {}
    for version in ResolutionVersion.objects.order_by("resolution_id", "number"):
        rid = version.resolution_id
        before = previous.get(rid, [])
        used = set()
        for p in Paragraph.objects.filter(version=version).order_by("number"):
            key = next(
                (k for k, text in before if text == p.text_fr and k not in used), None
            ) or next(
                (
                    k
                    for (k, _t), n in zip(before, range(1, 10**6))
                    if n == p.number and k not in used
                ),
                None,
            )
            if key is None:
                key = next_key.get(rid, 0) + 1
            next_key[rid] = max(next_key.get(rid, 0), key)
            used.add(key)
            p.key = key
            p.save(update_fields=["key"])
        previous[rid] = [
            (p.key, p.text_fr) for p in Paragraph.objects.filter(version=version).order_by("number")
        ]
    Amendment = apps.get_model("governance", "Amendment")
    for a in Amendment.objects.filter(base_version__isnull=False):
        p = Paragraph.objects.filter(version=a.base_version, number=a.paragraph_number).first()
        if p is not None:
            a.paragraph_key = p.key
            a.save(update_fields=["paragraph_key"])

    Ballot = apps.get_model("governance", "Ballot")
    BallotReceipt = apps.get_model("governance", "BallotReceipt")
    SecretTally = apps.get_model("governance", "SecretTally")
    for b in Ballot.objects.select_related("vote"):
        BallotReceipt.objects.get_or_create(
            vote_id=b.vote_id,
            local_government_id=b.local_government_id,
            defaults={"cast_by_id": b.cast_by_id, "by_proxy": b.by_proxy},
        )
        if b.vote.mode == "secret":
            tally, _ = SecretTally.objects.get_or_create(vote_id=b.vote_id)
            setattr(tally, b.option, getattr(tally, b.option) + b.weight)
            tally.save()
    # A secret ballot keeps no row that ties a city to its choice, nor its history.
    Ballot.objects.filter(vote__mode="secret").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0006_rules_vocabulary_ballot_secrecy_paragraph_identity"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
