"""Validation gives the same outcome whichever form a tab arrives in (rows, or column by column),
and for several units validated together (one parse for all) as for each unit on its own.

The demo workbooks hold every kind of planted mistake, so equal outcomes here mean equal
findings, statuses, rejected rows and tables for all of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import DEMO_DATE
from workflows.calendar import run_week, run_week_for
from workflows.config import load_config
from workflows.demo import planted_mistakes
from workflows.local import LocalWorkbook
from workflows.schema import record_tabs, unit_tabs
from workflows.validate import UnitData, roster_nips, validate_unit, validate_units
from workflows.workbook import Columns

TODAY = dt.date.fromisoformat(DEMO_DATE)
TABS = [t.name for t in [*unit_tabs(), *record_tabs()]]


@pytest.fixture(scope="module")
def demo(_demo_master: Path):
    config = load_config(_demo_master / "config.yaml")
    folder = config.path(config.local.folder)
    raws = [
        (u.name, u.workbook, LocalWorkbook(folder / u.workbook, label=u.name).read_tabs(TABS))
        for u in config.units
    ]
    return raws, run_week_for(config, TODAY)


def by_column(raw: dict, *names: str) -> dict:
    return {k: Columns.from_rows(v) if k in names and v is not None else v for k, v in raw.items()}


def assert_same(got: list[UnitData], expected: list[UnitData]) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert (a.unit, a.workbook, a.failed) == (b.unit, b.workbook, b.failed)
        assert a.findings == b.findings
        assert a.tables.keys() == b.tables.keys()
        for key in a.tables:
            pd.testing.assert_frame_equal(a.tables[key], b.tables[key], obj=f"{a.unit} {key}")
        pd.testing.assert_frame_equal(a.rejected, b.rejected, obj=f"{a.unit} rejected")


def test_rows_and_columns_give_the_same_unit_data(demo):
    raws, week = demo
    rows = validate_units(raws, today=TODAY, period=week.period)
    realisasi = [(u, w, by_column(raw, "Realisasi")) for u, w, raw in raws]
    assert_same(validate_units(realisasi, today=TODAY, period=week.period), rows)
    every_tab = [(u, w, by_column(raw, *TABS)) for u, w, raw in raws]
    assert_same(validate_units(every_tab, today=TODAY, period=week.period), rows)
    planted = {p.code for p in planted_mistakes(week)} - {"ok"}
    found = {f.code for u in rows for f in u.findings}
    assert len(planted) > 10
    assert planted <= found


def test_units_validated_together_as_each_on_its_own(demo):
    raws, week = demo
    known = set().union(*(roster_nips(raw) for _, _, raw in raws))
    alone = [
        validate_unit(raw, unit=u, workbook=w, today=TODAY, period=week.period, known_nips=known)
        for u, w, raw in raws
    ]
    assert_same(validate_units(raws, today=TODAY, period=week.period), alone)


def test_trailing_empty_rows_and_short_rows_read_as_columns_do():
    ani = "198609262015051001"
    tabs = {t.name: [t.headers] for t in unit_tabs()}
    tabs["Pegawai"].append([ani, "Ani", "Staf", "ani@asemrowo.go.id"])
    tabs["Indikator"].append(["PLY-01", ani, "Layanan", "Dokumen", "Kuantitas", "dokumen", 10])
    tabs["Realisasi"] += [["29/11/2026", ani], [], ["", None, ""], [None]]
    period = run_week(TODAY).period
    rows = validate_units([("U", "u.xlsx", tabs)], today=TODAY, period=period)
    columns = validate_units([("U", "u.xlsx", by_column(tabs, *tabs))], today=TODAY, period=period)
    assert_same(columns, rows)
    assert [(f.row, f.column, f.code) for f in rows[0].findings if f.tab == "Realisasi"] == [
        (2, "ID Indikator", "required-missing"),
        (2, "Realisasi", "required-missing"),
    ]


def _twin(name: str, nip: str, *, indicator: str, entries: list[list]) -> tuple[str, str, dict]:
    """A unit whose roster, indicator and entries look like its twin's, in its own workbook."""
    tabs = {t.name: [t.headers] for t in unit_tabs()}
    tabs["Pegawai"].append([nip, "Ani", "Staf", "ani@asemrowo.go.id"])
    tabs["Indikator"].append(
        [indicator, nip, "Layanan", "Dokumen", "Kuantitas", "dokumen", 10, "Naik", "Jumlah", 100]
    )
    tabs["Realisasi"] += entries
    return name, f"{name.lower()}.xlsx", tabs


def test_stacked_units_never_answer_for_each_other(monkeypatch):
    """One NIP on two rosters, one indicator ID in two units, one entry typed in both: each unit
    is judged on its own rows, whether it is stacked with the other or not."""
    ani = "198609262015051001"
    entry = ["29/11/2026", ani, "PLY-01", 4]
    raws = [
        _twin("A", ani, indicator="PLY-01", entries=[entry, entry]),
        _twin("B", ani, indicator="PLY-02", entries=[entry, ["29/11/2026", ani, "PLY-02", 4]]),
    ]
    period = run_week(TODAY).period
    together = validate_units(raws, today=TODAY, period=period)
    a, b = ([(f.tab, f.row, f.code) for f in u.findings] for u in together)
    assert a == [("Realisasi", 2, "duplicate-entry")]  # twice in A; B's copy is not A's
    assert b == [("Realisasi", 2, "unknown-indicator")]  # PLY-01 is A's, not B's
    assert [len(u.tables["realisasi"]) for u in together] == [1, 1]
    assert list(together[1].tables["realisasi"]["id_indikator"]) == ["PLY-02"]

    monkeypatch.setattr("workflows.validate._STACK_ROWS", 1)  # every unit a stack of its own
    assert_same(validate_units(raws, today=TODAY, period=period), together)


def test_the_demo_split_into_stacks_anywhere_gives_the_same_outcome(demo, monkeypatch):
    raws, week = demo
    whole = validate_units(raws, today=TODAY, period=week.period)
    monkeypatch.setattr("workflows.validate._STACK_ROWS", 40)
    assert_same(validate_units(raws, today=TODAY, period=week.period), whole)
