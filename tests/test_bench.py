"""The benchmark suite's own arithmetic: targets, ratios, growth and the --quick exit status.

The workloads themselves run in CI through ``python bench/run.py --quick``; timings are never
asserted here, only how a figure is judged.
"""

from __future__ import annotations

import pytest

from bench import run
from bench.suite import Figure, PeakMemory


def test_a_target_is_judged_by_its_operator():
    assert Figure("a", "a", 2_100_000, "rows/s", target=">= 2000000").met is True
    assert Figure("a", "a", 1_999_999, "rows/s", target=">= 2000000").met is False
    assert Figure("b", "b", 3, "requests", target="== 3", exact=True).met is True
    assert Figure("b", "b", 4, "requests", target="== 3", exact=True).met is False
    assert Figure("c", "c", 4095.9, "MiB", target="< 4096").met is True
    assert Figure("d", "d", 1.0, "s").met is None


def test_a_malformed_target_is_refused():
    with pytest.raises(ValueError, match="is not like"):
        _ = Figure("a", "a", 1, "s", target="about 3").met


def test_the_ratio_is_against_the_anchor_of_the_same_run():
    figure = Figure("a", "a", 2_400_000, "rows/s", anchor="groupby", anchor_value=16_000_000)
    assert figure.ratio == 0.15
    assert Figure("a", "a", 1, "s").ratio is None


def test_a_figure_survives_its_json_form():
    figure = Figure("k", "label", 2.5, "s", target="<= 15", size=200_000, note="n")
    again = Figure.from_dict(figure.to_dict())
    assert again == figure
    assert figure.to_dict()["met"] is True


def test_growth_is_linear_while_the_rate_at_full_size_keeps_seven_tenths():
    small = [Figure("x", "x", 1_000_000, "rows/s", size=780_000)]
    kept = [Figure("x", "x", 710_000, "rows/s", size=7_800_000)]
    lost = [Figure("x", "x", 690_000, "rows/s", size=7_800_000)]
    assert run._growth(small, kept)[0]["linear"] is True
    assert run._growth(small, lost)[0]["linear"] is False
    counts = [Figure("y", "y", 3, "requests", size=10)]
    assert run._growth(counts, counts) == []  # only rates grow


def test_the_table_shows_a_missed_target_and_a_wrong_count():
    figures = [
        Figure("a", "city rows", 1_500_000, "rows/s", target=">= 2000000"),
        Figure("b", "requests per unit", 4, "requests", target="== 3", exact=True),
    ]
    table = run._table(figures, [])
    assert "1,500,000 rows/s" in table
    assert table.count("NO") == 2


def test_peak_memory_sees_an_allocation_inside_the_block():
    peak = PeakMemory()
    with peak.measure():
        block = bytearray(200 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
    assert peak.mib >= 200
