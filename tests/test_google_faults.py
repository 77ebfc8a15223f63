"""The weekly job on Google Sheets under faults: whatever request fails, leadership sees a whole
summary (last week's or this week's, never a mix or an empty tab), Riwayat keeps every week
published before, and a clean re-run completes the week.

Two demo units are copied into the in-process Sheets fake. Week 2026-W47 is published cleanly
first (``--date 2026-11-23``) and its tabs trimmed to their content, as a tidy user leaves
them, so this week's write must grow the grids. Then week 2026-W48 runs once cleanly to learn
its requests and its summary, and once per request number with that request failing: a 429 or a
503 on every try (``google.retry`` allows two, without sleeping), and a 400 grid-limit on the
summary's write. After each, a clean re-run must complete the week.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import gspread
import pytest

from tests.conftest import write_config
from tests.sheets_fake import SheetsFake, fake_session
from workflows import google
from workflows.cli import main
from workflows.config import load_config
from workflows.local import LocalWorkbook
from workflows.schema import UNIT_TAB_ORDER, tab

SUMMARY_KEY = "key-ringkasan"
UNITS = ("Seksi Pemerintahan", "Kelurahan Genting Kalianak")  # 9 active ASN together
ATTEMPTS = 2
PREVIOUS, WEEK = "2026-W47", "2026-W48"
PEOPLE, INDICATORS = tab("ringkasan_pegawai").name, tab("capaian_indikator").name
# The week's pages, rewritten whole every week; Minggu is the first column of each.
PAGES = [PEOPLE, tab("ringkasan_unit").name, INDICATORS, tab("temuan_validasi").name]
RIWAYAT = tab("riwayat").name
SHOWN = [*PAGES, RIWAYAT]
# Google's answer had someone deleted Riwayat's empty rows after the run read the grid's size
GRID_LIMIT = (
    "Invalid requests[5].updateCells: Range (Riwayat!A1:J82) exceeds grid limits. "
    "Max rows: 69, max columns: 26"
)


class World:
    """The fake and a folder (config, state, outbox) that each case restores to week 1's end."""

    def __init__(self, fake: SheetsFake, folder: Path) -> None:
        self.fake = fake
        self.folder = folder
        self.saved = copy.deepcopy(fake.spreadsheets)
        self.saved_folder = folder.with_name(folder.name + "-after-week-1")
        shutil.copytree(folder, self.saved_folder)

    def restore(self) -> None:
        self.fake.spreadsheets = copy.deepcopy(self.saved)
        self.fake.calls.clear()
        shutil.rmtree(self.folder)
        shutil.copytree(self.saved_folder, self.folder)

    def weekly(self, date: str) -> int:
        return main(["weekly", "--config", str(self.folder / "config.yaml"), "--date", date])

    def shown(self) -> dict[str, list[list]]:
        return {name: self.fake.values(SUMMARY_KEY, name) for name in SHOWN}


@pytest.fixture(scope="module")
def world(_demo_master: Path, tmp_path_factory: pytest.TempPathFactory):
    """Week 2026-W47 published on the fake from two demo units; grids trimmed to content."""
    demo = load_config(_demo_master / "config.yaml")
    fake = SheetsFake()
    names = [tab(key).name for key in UNIT_TAB_ORDER]
    units = []
    for index, name in enumerate(UNITS):
        unit = demo.unit(name)
        raw = LocalWorkbook(demo.path(demo.local.folder) / unit.workbook).read_tabs(names)
        tabs = {n: [[google.to_json_value(v) for v in row] for row in raw[n]] for n in names}
        fake.add_spreadsheet(f"key-unit-{index}", title=f"Kinerja {name}", tabs=tabs)
        units.append({"name": name, "workbook": f"key-unit-{index}"})
    fake.add_spreadsheet(SUMMARY_KEY, title="Ringkasan Kinerja Kecamatan Asemrowo")
    client = gspread.Client(auth=None, session=fake_session(fake))
    folder = tmp_path_factory.mktemp("faults") / "google"
    folder.mkdir()
    write_config(
        folder,
        backend="google",
        google={
            "credentials": "service_account.json",
            "retry": {"attempts": ATTEMPTS, "base_seconds": 0, "max_seconds": 0},
        },
        units=units,
        summary={"workbook": SUMMARY_KEY},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(google, "_client_for", lambda path, source: (client, "sa@x.iam.test"))
        patch.setattr(google, "_pacer_for", lambda path, settings: None)  # no real waiting
        config = str(folder / "config.yaml")
        assert main(["weekly", "--config", config, "--date", "2026-11-23"]) == 0
        for name in SHOWN:
            fake.sheet(SUMMARY_KEY, name).resize(rows=len(fake.values(SUMMARY_KEY, name)))
        yield World(fake, folder)


@pytest.fixture(scope="module")
def week_1(world: World) -> dict[str, list[list]]:
    return world.shown()


@pytest.fixture(scope="module")
def week_2(world: World) -> tuple[dict[str, list[list]], int, int]:
    """This week's summary from a clean run, its request count and the summary write's number."""
    world.restore()
    assert world.weekly("2026-11-30") == 0
    calls = world.fake.calls
    write = next(
        i
        for i, c in enumerate(calls)
        if c.spreadsheet_id == SUMMARY_KEY and "updateCells" in str(c.body)
    )
    return world.shown(), len(calls), write


def rows_of(shown: dict[str, list[list]], name: str) -> set[tuple]:
    return {tuple(row) for row in shown[name][1:]}


def pages(shown: dict[str, list[list]]) -> dict[str, list[list]]:
    return {name: shown[name] for name in PAGES}


def weeks_in(shown: dict[str, list[list]]) -> set[str]:
    return {row[0] for name in PAGES for row in shown[name][1:]}


def assert_whole(shown, week_1, week_2, status: int) -> None:
    """Last week's summary as it was, or this week's: never a mix, never an empty tab; and
    every week published before still in Riwayat, untouched."""
    for name in PAGES:
        assert shown[name][0] == week_1[name][0] and len(shown[name]) > 1, f"{name} is empty"
    weeks = weeks_in(shown)
    assert weeks in ({PREVIOUS}, {WEEK}), weeks
    if weeks == {PREVIOUS}:
        assert pages(shown) == pages(week_1)
        assert status == 1, "a run that published nothing must not end as done"
    elif status == 0:
        assert pages(shown) == pages(week_2)
    else:  # a unit could not be read: its people are missing, nobody else's numbers change
        for tab, key in ((PEOPLE, 2), (INDICATORS, 5)):  # (week, NIP) and (…, ID Indikator)
            shown_rows = {row[:key]: row for row in rows_of(shown, tab)}
            clean_rows = {row[:key]: row for row in rows_of(week_2, tab)}
            assert len(shown_rows) < len(clean_rows)
            # an ASN whose supervisor sits in the unreadable unit may appear (the supervisor
            # cannot be judged unknown), but whoever both runs scored has the same numbers
            assert all(row == clean_rows[k] for k, row in shown_rows.items() if k in clean_rows)
    assert rows_of(week_1, RIWAYAT) <= rows_of(shown, RIWAYAT)


def assert_completed(shown, week_1, week_2) -> None:
    assert pages(shown) == pages(week_2)
    # Riwayat as the clean run left it, but for Diperbarui (the time it was written), plus the
    # back-filled weeks of anyone scored only while their supervisor's unit was unreadable
    shown_rows = [r[:-1] for r in shown[RIWAYAT]]
    clean_rows = [r[:-1] for r in week_2[RIWAYAT]]
    assert [r for r in shown_rows if r in clean_rows] == clean_rows
    scored = {row[1] for row in week_2[PEOPLE][1:]}
    assert not {r[1] for r in shown_rows if r not in clean_rows} & scored
    assert rows_of(week_1, RIWAYAT) <= rows_of(shown, RIWAYAT)


def test_a_clean_week_grows_the_trimmed_grids_and_keeps_every_week(world, week_1, week_2):
    shown, requests, write = week_2
    assert weeks_in(week_1) == {PREVIOUS} and weeks_in(shown) == {WEEK}
    assert len(shown[PEOPLE]) == 1 + 9
    # week 1 filled in the trend's 8 weeks, 2026-W40 to W47; this week adds its own
    riwayat_weeks = sorted({row[0] for row in shown[RIWAYAT][1:]})
    assert riwayat_weeks == [f"2026-W{n}" for n in range(40, 49)]
    assert (len(week_1[RIWAYAT]), len(shown[RIWAYAT])) == (1 + 8 * 9, 1 + 9 * 9)
    assert world.fake.sheet(SUMMARY_KEY, RIWAYAT).rows == 82  # grown from the trimmed 73
    assert rows_of(week_1, RIWAYAT) <= rows_of(shown, RIWAYAT)
    # per unit: metadata, one read (statuses already right: nothing written, nothing re-read);
    # summary: metadata, header rows with Riwayat whole, the one write, Log Surat, Log Proses
    assert requests == 2 * 2 + 5
    assert write == 2 * 2 + 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_request_failing_on_every_try_never_leaves_a_broken_summary(
    world, week_1, week_2, status, capsys
):
    _, requests, _ = week_2
    for index in range(requests):
        world.restore()
        world.fake.fail_at(index, status, times=ATTEMPTS)
        outcome = world.weekly("2026-11-30")
        assert outcome in (0, 1), index
        assert "tak terduga" not in capsys.readouterr().err, index
        assert_whole(world.shown(), week_1, week_2[0], outcome)

        assert world.weekly("2026-11-30") == 0, index
        assert_completed(world.shown(), week_1, week_2[0])


def test_a_write_past_the_grid_changes_nothing_and_the_re_run_completes_it(
    world, week_1, week_2, capsys
):
    _, _, write = week_2
    world.restore()
    world.fake.fail_at(write, 400, message=GRID_LIMIT)
    assert world.weekly("2026-11-30") == 1
    assert "exceeds grid limits" in capsys.readouterr().err
    assert world.shown() == week_1

    assert world.weekly("2026-11-30") == 0
    assert_completed(world.shown(), week_1, week_2[0])
