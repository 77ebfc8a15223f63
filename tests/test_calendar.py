"""Every run date maps to exactly one (period, week); keys never collide; pinned periods refuse.

The expectations are worked out by hand from a printed calendar: 31 December is a Tuesday in
2024, 2030; Wednesday in 2025, 2031; Thursday in 2026; Friday in 2027, 2032; Sunday in 2028;
Monday in 2029.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from conftest import write_config

from workflows.calendar import (
    PeriodError,
    PeriodNotStarted,
    PeriodOver,
    RunWeek,
    run_week,
    run_week_for,
)
from workflows.config import Period, load_config

D = dt.date
FIRST_RUN, LAST_RUN = D(2024, 12, 23), D(2033, 1, 10)
RUN_DAYS = [FIRST_RUN + dt.timedelta(days=n) for n in range((LAST_RUN - FIRST_RUN).days + 1)]


def summary(week: RunWeek) -> tuple:
    return (week.period.label, week.cut_off, week.key, week.start, week.previous_key)


def pinned(day: dt.date, start: dt.date, end: dt.date) -> RunWeek:
    return run_week(day, period_start=start, period_end=end)


def check_weeks(weeks: list[RunWeek]) -> dict[str, list[RunWeek]]:
    """The invariants of any mapping; returns the distinct weeks of each period, in order."""
    by_key: dict[str, set[dt.date]] = defaultdict(set)
    by_cut_off: dict[dt.date, set[str]] = defaultdict(set)
    runs: dict[dt.date, int] = defaultdict(int)
    for week in weeks:
        assert week.cut_off < week.today
        assert week.cut_off.isoweekday() == 7 or week.cut_off == week.period.end
        assert week.period.start <= week.start <= week.cut_off <= week.period.end
        by_key[week.key].add(week.cut_off)
        by_cut_off[week.cut_off].add(week.key)
        runs[week.cut_off] += 1
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}  # two cut-offs, one key: never
    assert {k: v for k, v in by_cut_off.items() if len(v) > 1} == {}
    # each week is scored by the runs of seven consecutive days (the last may pass LAST_RUN)
    assert {c: n for c, n in runs.items() if n != 7 and c != max(runs)} == {}
    periods: dict[str, list[RunWeek]] = defaultdict(list)
    for week in weeks:
        if not periods[week.period.label] or periods[week.period.label][-1].key != week.key:
            periods[week.period.label].append(week)
    for distinct in periods.values():
        for before, week in zip(distinct, distinct[1:], strict=False):
            assert week.previous_key == before.key
            assert week.start == before.cut_off + dt.timedelta(days=1)  # no day twice, none lost
    return periods


# -- calendar periods (config has no period) -------------------------------------------------------


def test_every_day_maps_to_one_week_and_keys_never_collide():
    weeks = [run_week(day) for day in RUN_DAYS]
    periods = check_weeks(weeks)
    firsts_and_lasts = {
        label: (distinct[0].key, distinct[-1].key, len(distinct))
        for label, distinct in periods.items()
    }
    assert firsts_and_lasts == {
        "2024": ("2024-W51", "2025-W01", 3),  # the range starts on 23 December 2024
        "2025": ("2025-W02", "2026-W01", 52),
        "2026": ("2026-W02", "2026-W53", 52),
        "2027": ("2027-W01", "2027-W52", 52),
        "2028": ("2028-W01", "2028-W52", 52),
        "2029": ("2029-W01", "2030-W01", 53),
        "2030": ("2030-W02", "2031-W01", 52),
        "2031": ("2031-W02", "2032-W01", 52),
        "2032": ("2032-W02", "2032-W53", 52),
        "2033": ("2033-W01", "2033-W01", 1),
    }
    for label, distinct in periods.items():
        if label not in {"2024", "2033"}:  # the whole period: every day is in exactly one week
            assert distinct[0].start == D(int(label), 1, 1) and distinct[0].previous_key is None
            assert distinct[-1].cut_off == D(int(label), 12, 31)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Monday and Wednesday of one week score the same Sunday
        (D(2026, 3, 2), ("2026", D(2026, 3, 1), "2026-W09", D(2026, 2, 23), "2026-W08")),
        (D(2026, 3, 4), ("2026", D(2026, 3, 1), "2026-W09", D(2026, 2, 23), "2026-W08")),
        # a Sunday run scores the Sunday before
        (D(2026, 3, 8), ("2026", D(2026, 3, 1), "2026-W09", D(2026, 2, 23), "2026-W08")),
        # 2025 ends on a Wednesday: its final partial week is ISO week 2026-W01
        (D(2025, 12, 29), ("2025", D(2025, 12, 28), "2025-W52", D(2025, 12, 22), "2025-W51")),
        (D(2026, 1, 5), ("2025", D(2025, 12, 31), "2026-W01", D(2025, 12, 29), "2025-W52")),
        (D(2026, 1, 11), ("2025", D(2025, 12, 31), "2026-W01", D(2025, 12, 29), "2025-W52")),
        # so period 2026 starts at W02, covering 1-11 January
        (D(2026, 1, 12), ("2026", D(2026, 1, 11), "2026-W02", D(2026, 1, 1), None)),
        # 2026 ends on a Thursday in ISO week 53
        (D(2026, 12, 28), ("2026", D(2026, 12, 27), "2026-W52", D(2026, 12, 21), "2026-W51")),
        (D(2027, 1, 4), ("2026", D(2026, 12, 31), "2026-W53", D(2026, 12, 28), "2026-W52")),
        (D(2027, 1, 10), ("2026", D(2026, 12, 31), "2026-W53", D(2026, 12, 28), "2026-W52")),
        (D(2027, 1, 11), ("2027", D(2027, 1, 10), "2027-W01", D(2027, 1, 1), None)),
        # 31 December 2028 is a Sunday: an ordinary last week, and 2029 starts on a Monday
        (D(2029, 1, 1), ("2028", D(2028, 12, 31), "2028-W52", D(2028, 12, 25), "2028-W51")),
        (D(2029, 1, 8), ("2029", D(2029, 1, 7), "2029-W01", D(2029, 1, 1), None)),
        # 31 December 2029 is a Monday: a one-day final week, keyed 2030-W01, scored a week on
        (D(2030, 1, 1), ("2029", D(2029, 12, 30), "2029-W52", D(2029, 12, 24), "2029-W51")),
        (D(2030, 1, 7), ("2029", D(2029, 12, 31), "2030-W01", D(2029, 12, 31), "2029-W52")),
        (D(2030, 1, 14), ("2030", D(2030, 1, 13), "2030-W02", D(2030, 1, 1), None)),
        # the demo's day
        (D(2026, 11, 30), ("2026", D(2026, 11, 29), "2026-W48", D(2026, 11, 23), "2026-W47")),
        (D(2031, 1, 6), ("2030", D(2030, 12, 31), "2031-W01", D(2030, 12, 30), "2030-W52")),
    ],
)
def test_year_edges(day, expected):
    assert summary(run_week(day)) == expected


# -- a pinned period ---------------------------------------------------------------------------------

YEAR_2026 = (D(2026, 1, 1), D(2026, 12, 31))
FIRST_HALF = (D(2026, 1, 1), D(2026, 6, 30))  # ends on a Tuesday
SECOND_HALF = (D(2026, 7, 1), D(2026, 12, 31))  # starts on a Wednesday
ENDS_ON_SUNDAY = (D(2027, 4, 1), D(2028, 3, 26))


@pytest.mark.parametrize(
    ("period", "first_run", "last_run", "weeks", "first_key", "last_key"),
    [
        (YEAR_2026, D(2026, 1, 5), D(2027, 1, 10), 53, "2026-W01", "2026-W53"),
        (FIRST_HALF, D(2026, 1, 5), D(2026, 7, 12), 27, "2026-W01", "2026-W27"),
        (SECOND_HALF, D(2026, 7, 6), D(2027, 1, 10), 27, "2026-W27", "2026-W53"),
        (ENDS_ON_SUNDAY, D(2027, 4, 5), D(2028, 4, 2), 52, "2027-W13", "2028-W12"),
    ],
)
def test_a_pinned_period_maps_its_days_and_refuses_the_others(
    period, first_run, last_run, weeks, first_key, last_key
):
    accepted = []
    for day in RUN_DAYS:
        if day < first_run:
            with pytest.raises(PeriodNotStarted):
                pinned(day, *period)
        elif day > last_run:
            with pytest.raises(PeriodOver):
                pinned(day, *period)
        else:
            accepted.append(pinned(day, *period))
    (label,) = {w.period.label for w in accepted}
    distinct = check_weeks(accepted)[label]
    assert (len(distinct), distinct[0].key, distinct[-1].key) == (weeks, first_key, last_key)
    assert distinct[0].start == period[0] and distinct[-1].cut_off == period[1]
    assert distinct[0].previous_key is None


def test_a_pinned_year_differs_from_the_calendar_only_in_its_first_days():
    days = [day for day in RUN_DAYS if D(2026, 1, 5) <= day <= D(2027, 1, 10)]
    different = [d for d in days if summary(pinned(d, *YEAR_2026)) != summary(run_week(d))]
    assert different == [D(2026, 1, d) for d in range(5, 19)]
    # the pinned year scores 1-4 January as its own W01 (the calendar closes 2025 with that key),
    # so its W02 starts on Monday 5 January
    assert summary(pinned(D(2026, 1, 5), *YEAR_2026)) == (
        "2026",
        D(2026, 1, 4),
        "2026-W01",
        D(2026, 1, 1),
        None,
    )


def test_two_half_years_share_the_week_they_meet_in_but_not_a_period():
    end_of_first = pinned(D(2026, 7, 6), *FIRST_HALF)
    start_of_second = pinned(D(2026, 7, 6), *SECOND_HALF)
    assert summary(end_of_first) == (
        "2026-01-01–2026-06-30",
        D(2026, 6, 30),
        "2026-W27",
        D(2026, 6, 29),
        "2026-W26",
    )
    assert summary(start_of_second) == (
        "2026-07-01–2026-12-31",
        D(2026, 7, 5),
        "2026-W27",
        D(2026, 7, 1),
        None,
    )


def test_a_run_before_the_period_is_refused_with_what_to_do():
    with pytest.raises(PeriodNotStarted) as caught:
        pinned(D(2025, 12, 29), *YEAR_2026)  # it was keyed 2026-W01 and sent 49 empty letters
    assert str(caught.value) == (
        "Periode SKP 1 Januari 2026 s.d. 31 Desember 2026 belum dimulai: proses tanggal "
        "29 Desember 2025 menilai data sampai Minggu, 28 Desember 2025, sebelum periode itu. "
        "Jalankan proses mulai Senin, 5 Januari 2026, atau ubah kunci 'period' di config.yaml."
    )
    assert isinstance(caught.value, PeriodError)


def test_a_run_after_the_final_week_is_refused_with_what_to_do():
    with pytest.raises(PeriodOver) as caught:
        pinned(D(2027, 1, 11), *YEAR_2026)
    assert str(caught.value) == (
        "Periode SKP 1 Januari 2026 s.d. 31 Desember 2026 sudah berakhir: minggu terakhirnya "
        "(data sampai 31 Desember 2026) dinilai oleh proses paling lambat Minggu, 10 Januari "
        "2027, sedangkan proses ini bertanggal 11 Januari 2027. Atur periode berikutnya pada "
        "kunci 'period' di config.yaml, atau hapus kunci itu agar periode mengikuti tahun "
        "kalender."
    )
    assert isinstance(caught.value, PeriodError)


def test_weeks_step_back_within_their_period_by_the_same_rule():
    def keys(week):
        out = []
        while week is not None:
            out.append(week.key)
            week = week.earlier()
        return out

    assert keys(run_week(D(2026, 1, 26))) == ["2026-W04", "2026-W03", "2026-W02"]
    assert keys(pinned(D(2026, 1, 26), *YEAR_2026)) == [
        "2026-W04",
        "2026-W03",
        "2026-W02",
        "2026-W01",
    ]


def test_the_config_pins_a_period_or_leaves_it_to_the_calendar(tmp_path):
    calendar = load_config(write_config(tmp_path, period=None))
    assert calendar.period is None
    assert summary(run_week_for(calendar, D(2027, 1, 11))) == (
        "2027",
        D(2027, 1, 10),
        "2027-W01",
        D(2027, 1, 1),
        None,
    )
    year_2026 = load_config(
        write_config(tmp_path, period={"start": "2026-01-01", "end": "2026-12-31"})
    )
    assert summary(run_week_for(year_2026, D(2027, 1, 4))) == summary(run_week(D(2027, 1, 4)))
    with pytest.raises(PeriodOver):
        run_week_for(year_2026, D(2027, 1, 11))


def test_a_period_needs_both_ends():
    with pytest.raises(TypeError):
        run_week(D(2026, 3, 2), period_start=D(2026, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2026, 1, 1), D(2026, 12, 31), "2026"),
        (D(2026, 1, 1), D(2026, 6, 30), "2026-01-01–2026-06-30"),
        (D(2026, 1, 1), D(2027, 12, 31), "2026-01-01–2027-12-31"),
    ],
)
def test_period_labels(start, end, label):
    assert Period(start=start, end=end).label == label
