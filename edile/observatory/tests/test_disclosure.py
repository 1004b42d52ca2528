"""Suppression that survives subtraction (docs/decisions/observatory-small-counts.md).

An "attacker" below works out every hidden cell from what a reader can see: the shown cells,
the total, and how many incidents of each cell the public list shows. No small cell (and no
small unlisted part) may ever be pinned down.
"""

import datetime as dt

import pytest

from edile.observatory.disclosure import Cell, Table, protect, small
from edile.observatory.tests.factories import make_incident


def attacker_ranges(table: Table, total: int | None, listed: int) -> dict[object, dict]:
    """What a reader can work out about each hidden cell of a partition table.

    From the tables alone: the cell's count, at least 1 (the row is printed), and the sum of
    the hidden cells when the total is shown. With the public list as well: the cell's
    unlisted part (the hidden incidents), at least 0, and the sum of the unlisted parts.
    """
    hidden = [c for c in table.cells if c.hidden]
    result = {}
    for cell in hidden:
        others = [c for c in hidden if c is not cell]
        if total is None:
            result[cell.key] = {"count": (1, None), "unlisted": (0, None)}
            continue
        rest = total - sum(c.count for c in table.cells if not c.hidden)
        rest_unlisted = (total - listed) - sum(c.unlisted for c in table.cells if not c.hidden)
        result[cell.key] = {
            "count": (1, rest - len(others)),
            "unlisted": (0, rest_unlisted),
        }
    return result


def assert_safe(tables: list[Table], total: int, listed: int, total_hidden: bool) -> None:
    """No small count and no small unlisted part can be worked out, by any subtraction."""
    known_total = None if total_hidden else total
    for table in tables:
        for cell in table.cells:
            if not cell.hidden:
                assert not small(cell.count) and not small(cell.unlisted), cell
                if known_total is not None:
                    assert not small(total - cell.count), (table.name, cell)
                    assert not small((total - listed) - cell.unlisted), (table.name, cell)
        if table.partition:
            for key, ranges in attacker_ranges(table, known_total, listed).items():
                low, high = ranges["count"]
                assert high is None or high > low, f"{table.name}: {key} pinned to {low}"
                low, high = ranges["unlisted"]
                # The hidden cells' unlisted parts add up to a known sum: it may be 0
                # (nothing unlisted there), never 1 or 2.
                assert high is None or not small(high), (table.name, key)


def test_one_small_cell_is_not_recovered_from_the_total():
    """female 49 + male 291 + unknown "< 3" = 341: the unknown 1 can no longer be computed."""
    table = Table(
        "gender",
        [Cell("female", 49, 49), Cell("male", 291, 291), Cell("unknown", 1, 1)],
    )
    total_hidden = protect([table], total=341, listed=341)
    assert total_hidden is False
    assert [c.key for c in table.cells if c.hidden] == ["female", "unknown"]
    # The reader now knows only that female + unknown = 50.
    assert_safe([table], 341, 341, total_hidden)


def test_a_total_minus_one_shown_cell_does_not_single_out_a_case():
    """The 2019 total (5) minus the killings (4) would single out one case: killings hidden."""
    violations = Table("violation", [Cell("killing", 4, 4), Cell("threat", 1, 1)], partition=False)
    protect([violations], total=5, listed=5)
    assert all(c.hidden for c in violations.cells)


def test_hidden_incidents_are_not_singled_out_by_the_public_list():
    """Mali counts 6 with 5 in the public list: the 6th (confidential) would be singled out."""
    table = Table(
        "country",
        [Cell("ML", 6, 5), Cell("SN", 10, 10), Cell("BF", 12, 12), Cell("HT", 9, 9)],
    )
    total_hidden = protect([table], total=37, listed=36)
    # The whole selection has one unlisted incident: the total itself would betray it.
    assert total_hidden is True
    assert_safe([table], 37, 36, total_hidden)
    assert next(c for c in table.cells if c.key == "ML").hidden


def test_unlisted_incidents_counted_and_protected():
    """Confidential cases are counted; cells whose unlisted part is small are hidden."""
    table = Table(
        "year",
        [Cell(2022, 20, 10), Cell(2023, 30, 29), Cell(2024, 25, 20), Cell(2025, 7, 2)],
    )
    total_hidden = protect([table], total=82, listed=61)
    assert total_hidden is False
    hidden = {c.key for c in table.cells if c.hidden}
    assert 2023 in hidden and len(hidden) >= 2
    assert_safe([table], 82, 61, total_hidden)


def test_all_ones_cannot_be_read_from_their_sum():
    """Three countries of 1 each and a total of 3: the total is hidden too."""
    table = Table("country", [Cell("ML", 1, 1), Cell("SN", 1, 1), Cell("BF", 1, 1)])
    other = Table("year", [Cell(2024, 3, 3)])
    total_hidden = protect([table, other], total=3, listed=3)
    assert total_hidden is True
    assert all(c.hidden for c in table.cells)
    assert_safe([table, other], 3, 3, total_hidden)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_are_always_safe(seed):
    """Whatever the counts, the attacker pins no hidden cell in any table."""
    import random

    rng = random.Random(seed)
    total = 0
    years, countries = [], []
    listed_total = 0
    rows = []
    for _ in range(rng.randint(1, 30)):
        rows.append((rng.choice([2021, 2022, 2023]), rng.choice("ABCDE"), rng.random() < 0.8))
    total = len(rows)
    listed_total = sum(1 for r in rows if r[2])
    for index, target in ((0, years), (1, countries)):
        keys = sorted({r[index] for r in rows})
        for key in keys:
            members = [r for r in rows if r[index] == key]
            target.append(Cell(key, len(members), sum(1 for r in members if r[2])))
    tables = [Table("year", years), Table("country", countries)]
    total_hidden = protect(tables, total=total, listed=listed_total)
    assert_safe(tables, total, listed_total, total_hidden)


# ---- Through the API, with the database ---------------------------------------------------


@pytest.mark.django_db
def test_public_statistics_count_confidential_verified_incidents(client):
    """A verified confidential, unpublished incident is counted (details hidden); an
    unverified one is not."""
    for day in range(6):
        make_incident(country="ML", date=dt.date(2023, 1, day + 1))
    for day in range(3):
        make_incident(
            country="ML",
            date=dt.date(2023, 2, day + 1),
            confidentiality="confidential",
            published=False,
            status="verified",
        )
    make_incident(country="ML", published=False, status="reported")
    stats = client.get("/api/v1/observatory/statistics").json()
    assert stats["total"] == {"count": 9, "suppressed": False, "display": "9"}
    assert stats["counts_every_verified_incident"] is True
    listed = client.get("/api/v1/observatory/incidents").json()["count"]
    assert listed == 6


@pytest.mark.django_db
def test_a_filtered_total_does_not_print_a_cell_hidden_one_level_up(client):
    """`?year=2024` hides its total when the by-year table hid the 2024 cell."""
    for day in range(10):
        make_incident(country="ML", date=dt.date(2023, 1, day + 1))
    for day in range(4):
        make_incident(country="ML", date=dt.date(2024, 1, day + 1))
    make_incident(country="ML", date=dt.date(2025, 1, 1))
    by_year = {r["key"]: r for r in client.get("/api/v1/observatory/statistics").json()["by_year"]}
    assert by_year[2025]["suppressed"] is True
    hidden_years = [y for y, r in by_year.items() if r["suppressed"]]
    assert len(hidden_years) == 2
    for year in hidden_years:
        filtered = client.get(f"/api/v1/observatory/statistics?year={year}").json()
        assert filtered["total"]["count"] is None, year


@pytest.mark.django_db
def test_map_positions_come_from_public_places_only(client):
    """A region whose only incidents have a confidential place gets no position at all."""
    from decimal import Decimal

    for day in range(3):
        make_incident(
            country="ML",
            region="Kidal",
            location="confidential",
            latitude=Decimal("18.44"),
            longitude=Decimal("1.41"),
            date=dt.date(2023, 1, day + 1),
        )
    for day in range(3):
        make_incident(
            country="ML",
            region="Kayes",
            latitude=Decimal("14.45"),
            longitude=Decimal("-11.44"),
            date=dt.date(2023, 2, day + 1),
        )
    rows = {r["region"]: r for r in client.get("/api/v1/observatory/map?by=region").json()}
    assert rows["Kidal"]["lat"] is None and rows["Kidal"]["lon"] is None
    assert rows["Kayes"]["lat"] == 14.0 and rows["Kayes"]["lon"] == -11.0
    country = client.get("/api/v1/observatory/map").json()
    assert country[0]["lat"] == 14.0  # Kidal's hidden places do not pull Mali's marker north
