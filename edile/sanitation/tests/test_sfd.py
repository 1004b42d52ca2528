"""The SFD-style calculation: the FAQ's exact cases, the invariants and the API's answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edile.sanitation import sfd
from edile.sanitation.models import SfdGridCell

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    from edile.sanitation.selectors import sfd_grid

    return sfd_grid()


def test_twin_pits_low_risk_all_contained_not_emptied(grid):
    """FAQ 25: T1A5C10, p = 100, F3 = F4 = F5 = 0 → 100 % FS contained – not emptied, safe."""
    result = sfd.evaluate([{"code": "T1A5C10", "population": 100, "f3": 0, "f4": 0, "f5": 0}], grid)
    assert result["safely_managed"] == 100
    assert result["unsafely_managed"] == 0
    assert result["flows"]["fs_contained_not_emptied"] == 100
    assert result["flows"]["fs_not_contained_not_emptied"] == 0


def test_twin_pits_significant_risk_all_not_contained(grid):
    """FAQ 25: T2A5C10 with the same inputs → 100 % FS not contained – not emptied, unsafe."""
    result = sfd.evaluate([{"code": "T2A5C10", "population": 100, "f3": 0, "f4": 0, "f5": 0}], grid)
    assert result["safely_managed"] == 0
    assert result["unsafely_managed"] == 100
    assert result["flows"]["fs_not_contained_not_emptied"] == 100
    assert result["flows"]["fs_contained_not_emptied"] == 0


def test_issue_example_by_hand(grid):
    """40 % twin pits (F3 50, F4 60, F5 50) and 60 % sewer (W4 80, W5 50), computed by hand."""
    result = sfd.evaluate(
        [
            {"code": "T1A5C10", "population": 40, "f3": 50, "f4": 60, "f5": 50},
            {"code": "T1A1C2", "population": 60, "w4": 80, "w5": 50},
        ],
        grid,
    )
    flows = result["flows"]
    assert flows["fs_contained_not_emptied"] == 20  # 40 × 0.5
    assert flows["fs_emptied"] == 20
    assert flows["fs_delivered_to_treatment"] == 12  # 20 × 0.6
    assert flows["fs_not_delivered_to_treatment"] == 8
    assert flows["fs_treated"] == 6  # 12 × 0.5
    assert flows["fs_not_treated"] == 6
    assert flows["ww_contained"] == 60
    assert flows["ww_delivered_to_treatment"] == 48
    assert flows["ww_not_delivered_to_treatment"] == 12
    assert flows["ww_treated"] == 24
    assert flows["ww_not_treated"] == 24
    assert result["safely_managed"] == 50  # 20 + 6 + 24
    assert result["unsafely_managed"] == 50


def test_open_drain_is_never_contained(grid):
    """FAQ 41: a tank whose outlet is an open drain is not contained, whatever the risk."""
    for code in ("T1A2C6", "T2A2C6", "T1A5C6"):
        assert grid[code].branch == "fs_not_contained"
    result = sfd.evaluate([{"code": "T1A2C6", "population": 100, "f3": 0, "f4": 0, "f5": 0}], grid)
    assert result["safely_managed"] == 0


def test_centralised_and_decentralised_sewers_compute_alike(grid):
    """FAQ 29: the same W4 and W5 on a centralised or a decentralised sewer give the same flows."""
    a = sfd.evaluate([{"code": "T1A1C2", "population": 100, "w4": 70, "w5": 40}], grid)
    b = sfd.evaluate([{"code": "T1A1C4", "population": 100, "w4": 70, "w5": 40}], grid)
    assert a == b


def test_the_grid_is_data_a_corrected_cell_changes_the_result(grid):
    """Correcting a cell's branch in the table changes the calculation, without code."""
    row = [{"code": "T1A6C10", "population": 100, "f3": 0, "f4": 0, "f5": 0}]
    assert sfd.evaluate(row, grid)["safely_managed"] == 100
    SfdGridCell.objects.filter(code="T1A6C10").update(branch="fs_not_contained")
    from edile.sanitation.selectors import sfd_grid

    assert sfd.evaluate(row, sfd_grid())["safely_managed"] == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"code": "T1A5C10", "population": 90, "f3": 0, "f4": 0, "f5": 0}], "add up to 90"),
        ([{"code": "T1A5C10", "population": 100, "f3": 101, "f4": 0, "f5": 0}], "Row 1 (T1A5C10)"),
        (
            [{"code": "T1A5C10", "population": 100, "f3": -1, "f4": 0, "f5": 0}],
            "F3 must be between",
        ),
        ([{"code": "T9X1", "population": 100}], "“T9X1” is not an SFD grid code"),
        ([{"code": "T1A1C10", "population": 100}], "Row 1 (T1A1C10): this combination"),
        ([{"code": "T1A1C2", "population": 100, "w4": 1, "w5": 1, "f3": 5}], "F3 does not apply"),
        ([{"code": "T1A1C2", "population": 100, "w4": 1}], "give W5"),
    ],
)
def test_bad_matrices_name_the_row(grid, rows, message):
    with pytest.raises(sfd.SfdInputError) as excinfo:
        sfd.evaluate(rows, grid)
    assert message in str(excinfo.value)


rate = st.floats(min_value=0, max_value=100, allow_nan=False)


def _grid_for_property():
    return {
        "T1A5C10": sfd.GridEntry("fs_contained", ("f3", "f4", "f5")),
        "T2A5C10": sfd.GridEntry("fs_not_contained", ("f3", "f4", "f5")),
        "T1A1C2": sfd.GridEntry("sewer", ("w4", "w5")),
        "T1A1C6": sfd.GridEntry("ww_not_contained", ()),
        "T1B11C8": sfd.GridEntry("open_defecation", ()),
    }


@settings(max_examples=150, deadline=None)
@given(
    shares=st.lists(st.integers(min_value=0, max_value=20), min_size=5, max_size=5),
    f3=rate,
    f4=rate,
    f5=rate,
    w4=rate,
    w5=rate,
)
def test_every_branch_conserves_its_inflow(shares, f3, f4, f5, w4, w5):
    """Whatever the inputs, flows balance per branch and safe + unsafe = 100."""
    if sum(shares) == 0:
        shares = [1, 1, 1, 1, 1]
    total = sum(shares)
    p = [s * 100 / total for s in shares]
    rows = [
        {"code": "T1A5C10", "population": p[0], "f3": f3, "f4": f4, "f5": f5},
        {"code": "T2A5C10", "population": p[1], "f3": f3, "f4": f4, "f5": f5},
        {"code": "T1A1C2", "population": p[2], "w4": w4, "w5": w5},
        {"code": "T1A1C6", "population": p[3]},
        {"code": "T1B11C8", "population": p[4]},
    ]
    result = sfd.evaluate(rows, _grid_for_property())
    flows = result["flows"]
    assert result["safely_managed"] + result["unsafely_managed"] == pytest.approx(100)
    terminal = sum(flows[k] for k in sfd.SAFE_ARROWS + sfd.UNSAFE_ARROWS)
    assert terminal == pytest.approx(100, abs=0.1)
    assert flows["fs_emptied"] == pytest.approx(
        flows["fs_delivered_to_treatment"] + flows["fs_not_delivered_to_treatment"], abs=0.02
    )
    assert all(v >= 0 for v in flows.values())


@settings(max_examples=100, deadline=None)
@given(f3=rate, f4=rate, f5=rate, bump=st.floats(min_value=0, max_value=100))
def test_raising_f4_or_f5_never_lowers_the_safe_share(f3, f4, f5, bump):
    """Monotonicity: delivering or treating more sludge can only raise the safe share."""
    grid = _grid_for_property()

    def safe(f4_value, f5_value):
        rows = [{"code": "T2A5C10", "population": 100, "f3": f3, "f4": f4_value, "f5": f5_value}]
        return sfd.evaluate(rows, grid)["safely_managed"]

    assert safe(min(100, f4 + bump), f5) >= safe(f4, f5)
    assert safe(f4, min(100, f5 + bump)) >= safe(f4, f5)


def test_api_evaluate_the_issue_example(client):
    """POST /api/v1/sanitation/sfd/evaluate answers the headline figures and named flows."""
    response = client.post(
        "/api/v1/sanitation/sfd/evaluate",
        {
            "rows": [
                {"code": "T1A5C10", "population": 40, "f3": 50, "f4": 60, "f5": 50},
                {"code": "T1A1C2", "population": 60, "w4": 80, "w5": 50},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["safely_managed"] == 50
    assert body["unsafely_managed"] == 50
    assert body["flows"]["fs_contained_not_emptied"] == 20
    assert body["flows"]["ww_treated"] == 24


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"code": "T1A5C10", "population": 50, "f3": 0, "f4": 0, "f5": 0}], "add up to 50"),
        (
            [
                {"code": "T1A5C10", "population": 50, "f3": 0, "f4": 0, "f5": 0},
                {"code": "T1A1C2", "population": 50, "w4": 120, "w5": 0},
            ],
            "Row 2 (T1A1C2): W4 must be between 0 and 100",
        ),
        ([{"code": "T1A1C10", "population": 100}], "Row 1 (T1A1C10)"),
        ([{"code": "T1A1C2", "population": 100, "w4": 1, "w5": 1, "f4": 3}], "F4 does not apply"),
    ],
)
def test_api_evaluate_bad_input_is_400_naming_the_row(client, rows, message):
    response = client.post(
        "/api/v1/sanitation/sfd/evaluate", {"rows": rows}, content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_api_errors_in_french_name_the_row_with_french_typography():
    """A French reader gets the row named in French, with a non-breaking space before the colon."""
    from django.test import Client

    response = Client(HTTP_ACCEPT_LANGUAGE="fr").post(
        "/api/v1/sanitation/sfd/evaluate",
        {"rows": [{"code": "T1A1C10", "population": 100}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert (
        "Ligne 1 (T1A1C10)\u00a0: cette combinaison de confinement et d'exutoire est impossible."
        in response.json()["detail"]
    )
