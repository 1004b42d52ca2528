"""Statistical disclosure control for the observatory's public figures.

The public statistics count every verified incident, including those whose details are
restricted or confidential. What a reader may compute from the published figures must never
single out a small group of them. See docs/decisions/observatory-small-counts.md for the
method; this module is pure arithmetic on counts (no database), so it is tested directly.

Every cell carries two counts: `count`, the incidents (or acts, victims) it holds, and
`listed`, how many of them the reader can also see one by one in the public list. Their
difference is what the figures reveal beyond the list: the hidden incidents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THRESHOLD = 3


def small(n: int) -> bool:
    """A count a reader must not learn exactly: 1 or 2 (0 is safe, it singles out no one)."""
    return 0 < n < THRESHOLD


@dataclass
class Cell:
    key: object
    count: int
    listed: int = 0
    hidden: bool = False

    @property
    def unlisted(self) -> int:
        return self.count - self.listed


@dataclass
class Table:
    """One breakdown of the population. `partition`: every unit falls in exactly one cell
    (then the cells add up to the total, and subtraction works on them)."""

    name: str
    cells: list[Cell]
    partition: bool = True
    withheld: bool = field(default=False)


class Unprotectable(Exception):
    """No suppression pattern protects this table while the total is shown."""


def _protect(table: Table, total: int, listed: int) -> None:
    """Primary and complementary suppression of one table against a shown total."""
    unlisted_total = total - listed
    for cell in table.cells:
        cell.hidden = small(cell.count) or small(cell.unlisted)
    while True:
        changed = False
        shown = [c for c in table.cells if not c.hidden]
        # The complement of a shown cell (everything else) must not be small either: the
        # "2019 total minus the killings" attack, for any table.
        for cell in shown:
            if small(total - cell.count) or small(unlisted_total - cell.unlisted):
                cell.hidden = True
                changed = True
        if table.partition:
            hidden = [c for c in table.cells if c.hidden]
            if hidden:
                group = sum(c.count for c in hidden)
                group_unlisted = sum(c.unlisted for c in hidden)
                # By subtraction the reader knows the hidden cells' sum; each is at least 1.
                # One hidden cell is its sum; a small sum or a sum equal to the number of
                # cells (all ones) gives each cell away.
                if (
                    len(hidden) == 1
                    or small(group)
                    or small(group_unlisted)
                    or group < len(hidden) + 1
                ):
                    candidates = sorted(
                        (c for c in table.cells if not c.hidden),
                        key=lambda c: (c.count, str(c.key)),
                    )
                    if not candidates:
                        raise Unprotectable(table.name)
                    candidates[0].hidden = True
                    changed = True
        if not changed:
            return


def _primary_only(table: Table) -> None:
    for cell in table.cells:
        cell.hidden = small(cell.count) or small(cell.unlisted)


def protect(tables: list[Table], *, total: int, listed: int, total_hidden: bool = False) -> bool:
    """Mark the cells to hide in every table; return whether the total is hidden.

    The total is hidden when it is small itself, when its unlisted part is small, or when
    the caller says so (a coarser published table hides the same cell). When it is hidden,
    tables are protected by the threshold alone (no subtraction from an unknown total), but
    a partition table that would be fully shown would give the total back by addition, so
    it keeps at least one hidden cell. A table that cannot be protected while the total is
    shown hides the total for all tables (they share it), and protection starts again.
    """
    total_hidden = total_hidden or small(total) or small(total - listed)
    if not total_hidden:
        try:
            for table in tables:
                _protect(table, total, listed)
            return False
        except Unprotectable:
            total_hidden = True
    for table in tables:
        _primary_only(table)
        if table.partition and table.cells and not any(c.hidden for c in table.cells):
            min(table.cells, key=lambda c: (c.count, str(c.key))).hidden = True
    return True
