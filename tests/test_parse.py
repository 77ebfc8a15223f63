"""Parsing of raw cells: Indonesian numbers, dates, NIPs, links, periods and weeks."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from workflows import parse
from workflows.schema import tab


def one(parser, value, **kw):
    """Parse a single cell (padded with copies so the per-unique path runs too)."""
    out = parser(pd.Series([value, value, value, None], dtype=object), **kw)
    return out.values[0], out.problems[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12", 12.0),
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234", 1234.0),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("0.500", 0.5),
        ("12.5", 12.5),
        ("85%", 85.0),
        (" 12 ", 12.0),
        ("1 234", 1234.0),
        (7, 7.0),
        (2.5, 2.5),
        (0, 0.0),
    ],
)
def test_numbers(cell, expected):
    assert one(parse.parse_number, cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("dua belas", "not-a-number"),
        ("12 dokumen", "not-a-number"),
        (True, "not-a-number"),
        (dt.datetime(2026, 1, 1), "not-a-number"),
        ("-4", "negative-number"),
        (-4, "negative-number"),
        ("#DIV/0!", "formula-error"),
    ],
)
def test_bad_numbers(cell, code):
    assert one(parse.parse_number, cell)[1] == code


def test_blank_cells_are_blank_not_problems():
    out = parse.parse_number(pd.Series([None, "", "  ", math.nan], dtype=object))
    assert out.blank.all() and out.problems.isna().all()


NOV_29 = pd.Timestamp("2026-11-29")


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2026, 11, 29),
        dt.datetime(2026, 11, 29, 14, 30),
        dt.date(2026, 11, 29),
        46355,
        46355.75,
        "46355",
        "29/11/2026",
        "29-11-2026",
        "2026-11-29",
        "29.11.2026",
        "29/11/26",
        "29 November 2026",
        "29 Nov 2026",
        "29 nopember 2026",
        "Minggu, 29 November 2026",
        "29-Nov-2026",
    ],
)
def test_dates(cell):
    value, problem = one(parse.parse_date, cell)
    if cell == "46355":  # a serial typed as text is not a date form staff use
        assert problem == "not-a-date"
        return
    assert (value, problem) == (NOV_29, None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("31/02/2026", "impossible-date"),
        ("29/13/2026", "impossible-date"),
        ("kemarin", "not-a-date"),
    ],
)
def test_bad_dates(cell, code):
    assert one(parse.parse_date, cell)[1] == code


def test_dates_are_datetime64_ns():
    assert (
        parse.parse_date(pd.Series(["29/11/2026"], dtype=object)).values.dtype == "datetime64[ns]"
    )


@pytest.mark.parametrize(
    ("cell", "value", "code"),
    [
        ("19860926 201505 1 001", "198609262015051001", None),
        ("198609262015051001", "198609262015051001", None),
        (1.98609262015051e17, None, "nip-scientific"),
        ("1.98609E+17", None, "nip-scientific"),
        ("1,98609E+17", None, "nip-scientific"),
        (12345, None, "nip-format"),
        ("19860926201505100", None, "nip-format"),
        ("198609262015052001", "198609262015052001", None),
        ("198602302015051001", "198602302015051001", "nip-structure"),
    ],
)
def test_nips(cell, value, code):
    got, problem = one(parse.parse_nip, cell)
    assert problem == code
    if value:
        assert got == value


def test_nip_structure_can_be_relaxed():
    assert one(parse.parse_nip, "198602302015053000", check_structure=False)[1] is None
    assert "nomor urut" in parse.nip_structure_problem("198609262015051000")
    assert parse.nip_structure_problem("198609262015051001") is None


@pytest.mark.parametrize(
    ("parser", "good", "bad", "code"),
    [
        (parse.parse_url, "https://drive.google.com/file/d/1", "drive.google.com/x", "invalid-url"),
        (parse.parse_url, "http://sipp.asemrowo.go.id/a?b=1", "https://", "invalid-url"),
        (parse.parse_email, "ani.s@asemrowo.go.id", "ani@", "invalid-email"),
    ],
)
def test_links_and_addresses(parser, good, bad, code):
    assert one(parser, good) == (good, None)
    assert one(parser, bad)[1] == code


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("ani@asemrowo.go.id", True),
        ("ani.s@asemrowo.go.id", True),
        ("o'neil@pemkot-sby.go.id", True),
        ("A_B+kinerja@X.ID", True),
        ("dedi@asemrowo", False),
        ("dedi@asemrowo.-go.id", False),
        ("dedi@asemrowo-.go.id", False),
        ("dedi@-asemrowo.go.id", False),
        ("dedi..s@asemrowo.go.id", False),
        (".dedi@asemrowo.go.id", False),
        ("dedi.@asemrowo.go.id", False),
        ("dedi@asemrowo..go.id", False),
        ("dedi s@asemrowo.go.id", False),
    ],
)
def test_an_address_the_sheet_accepts_is_one_a_letter_can_be_sent_to(address, accepted):
    from workflows import mail

    value, problem = one(parse.parse_email, address)
    assert (problem is None) is accepted
    if accepted:
        assert mail.check_address(value) == address


def test_choices_accept_case_space_and_synonyms():
    choices = tab("indikator").column("agregasi").choices
    out = parse.parse_choice(
        pd.Series([" JUMLAH ", "rata  rata", "mean", "last", "median"], dtype=object), choices
    )
    assert list(out.values[:4]) == ["Jumlah", "Rata-rata", "Rata-rata", "Terakhir"]
    assert list(out.problems) == [None, None, None, None, "invalid-choice"]


@pytest.mark.parametrize(
    ("cell", "low", "high"),
    [
        (100, 100, 100),
        ("80-90", 80, 90),
        ("80 – 90", 80, 90),
        ("80 s.d. 90", 80, 90),
        ("1.000", 1000, 1000),
    ],
)
def test_targets(cell, low, high):
    bounds, problems, _ = parse.parse_target(pd.Series([cell], dtype=object))
    assert (bounds["target_low"][0], bounds["target_high"][0], problems[0]) == (low, high, None)


@pytest.mark.parametrize(
    ("cell", "canonical", "start"),
    [
        ("2026-11", "2026-11", "2026-11-01"),
        ("11/2026", "2026-11", "2026-11-01"),
        ("November 2026", "2026-11", "2026-11-01"),
        (dt.datetime(2026, 11, 1), "2026-11", "2026-11-01"),
        ("2026-Q4", "2026-Q4", "2026-10-01"),
        ("2026 q4", "2026-Q4", "2026-10-01"),
        ("Q2 2026", "2026-Q2", "2026-04-01"),
    ],
)
def test_periods(cell, canonical, start):
    values, starts, problems, _ = parse.parse_period(pd.Series([cell], dtype=object))
    assert (values[0], starts[0], problems[0]) == (canonical, pd.Timestamp(start), None)


@pytest.mark.parametrize(
    ("cell", "value", "code"),
    [
        ("2026-W48", "2026-W48", None),
        ("2026w5", "2026-W05", None),
        ("W48 2026", "2026-W48", None),
        ("2026-W53", "2026-W53", None),  # 2026 has 53 ISO weeks
        ("2025-W53", None, "invalid-week"),
        ("48", None, "invalid-week"),
    ],
)
def test_weeks(cell, value, code):
    got, problem = one(parse.parse_week, cell)
    assert problem == code
    if value:
        assert got == value


def test_true_and_one_are_not_merged_by_the_per_unique_path():
    out = parse.parse_number(pd.Series([1, True, 1, True, 1, True], dtype=object))
    assert list(out.problems) == [None, "not-a-number"] * 3
    # a column long enough to be parsed per distinct value: 1 and True, 0.0 and False apart
    cells = pd.Series([1, True, 0.0, False, "1", None] * 100, dtype=object)
    out = parse.parse_number(cells)
    assert list(out.problems[:6]) == [None, "not-a-number", None, "not-a-number", None, None]
    assert list(out.values[:6].fillna(-1)) == [1.0, -1, 0.0, -1, 1.0, -1]
    assert list(out.blank[:6]) == [False, False, False, False, False, True]


def test_distinct_values_and_positions():
    positions, values = parse.distinct(pd.Series(["b", None, "a", "b", 1, True], dtype=object))
    assert values.tolist() == ["b", "a", 1, "TRUE", None]
    assert positions.tolist() == [0, 4, 1, 0, 2, 3]


def test_cell_text_shows_values_as_the_user_sees_them():
    assert parse.cell_text(dt.datetime(2026, 11, 29)) == "29/11/2026"
    assert parse.cell_text(12.0) == "12"
    assert parse.cell_text(1.98609262015051e17) == "1.98609262015051E+17"
    assert parse.cell_text(None) == ""
