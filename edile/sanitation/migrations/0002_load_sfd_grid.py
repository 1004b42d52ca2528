"""Load the SFD selection grid from data/sfd_grid.csv (staff may correct cells later)."""

import csv
from pathlib import Path

from django.db import migrations

GRID = Path(__file__).resolve().parent.parent / "data" / "sfd_grid.csv"


def load_grid(apps, schema_editor):
    Cell = apps.get_model("sanitation", "SfdGridCell")
    with GRID.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Cell.objects.update_or_create(
                code=row["code"],
                defaults={
                    "groundwater_risk": row["groundwater_risk"],
                    "containment": row["containment"],
                    "outlet": row["outlet"],
                    "branch": row["branch"],
                    "variables": row["variables"],
                    "is_valid": row["is_valid"] == "1",
                    "confirmed": row["confirmed"] == "1",
                    "note": row["note"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("sanitation", "0001_registry_chain_sfd_programme")]

    operations = [migrations.RunPython(load_grid, migrations.RunPython.noop)]
