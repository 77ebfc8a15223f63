"""Google Sheets requests of the real weekly run at 10, 50 and 150 unit spreadsheets.

The Asemrowo demo's seven unit workbooks are copied, cell by cell, into as many spreadsheets of
the in-process Sheets fake as the run needs (each copy's NIPs shifted so every ASN is one person;
``scale`` keeps that share of each unit's Realisasi rows, the unit counts never shrink), and
``python run.py weekly`` runs on them twice through the real gspread client: first with statuses
to write back, then the same week replayed with nothing new (statuses already right, the summary
upserted). Requests are counted by spreadsheet and kind as the fake saw them.

Anchor, computed from the same run (not a second run): a naive gspread script that reads each tab
present with its own request, writes each status cell with its own request, and reads, then writes,
each summary tab on its own (one read of Riwayat, one write per tab, one per log row batch).

``google.summary_cells_city``, ``google.riwayat_weeks_city`` and ``google.log_surat_cells_city`` are
arithmetic, not measured: the summary spreadsheet's cells at city scale after a full year, from the
schemas and config (``summary.riwayat_cells``, ``summary.log_surat_cells``), next to what it
would hold with every week kept; Google refuses a spreadsheet past 10 million cells.

``google.paced_minutes_150`` is the time the pacer (``google.reads_per_minute`` and friends in
config.yaml) makes the 150-unit write-back run wait on a fake clock: the expected wall time of a
city-scale run under the quota, Google's latency and our own computing aside (they overlap the
waits).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import gspread

from bench.suite import Figure
from bench.workloads.city import ASN, ASN_PER_UNIT, INDICATORS, WEEKS
from tests.conftest import DEMO_DATE, write_config
from tests.sheets_fake import SheetsFake, fake_session
from workflows import google
from workflows.check import UNIT_TAB_NAMES
from workflows.cli import main as run_cli
from workflows.config import Config, GoogleBackend, load_config
from workflows.demo import write_demo
from workflows.ikhtisar import WIDTHS
from workflows.labels import PREDIKAT_COLUMNS
from workflows.local import LocalWorkbook
from workflows.publish import LOG_SURAT_WEEKS
from workflows.schema import tab
from workflows.window import weeks_that_fit

QUICK_SCALE = 0.05  # below 0.1 only the 10-unit runs: validation is about a second per unit
ROOT = Path(__file__).resolve().parents[2]
UNIT_COUNTS = (10, 50, 150)
SUMMARY = "summary"
LOGS = 2  # Log Surat and Log Proses: one append each per weekly run
_NIP = re.compile(r"^\d{18}$")
CELL_LIMIT = 10_000_000  # Google's cells per spreadsheet, every tab counted
# City-year assumptions for the summary's size: Temuan Validasi lists the year's findings (the
# city workload plants a mistake in 1 % of Realisasi rows); each ASN gets a weekly letter and a
# reminder, and one in ten a team letter (Log Surat rows); two runs a week (Log Proses).
FINDING_RATE = 0.01
LETTERS_PER_ASN_WEEK = 2.1
RUNS_PER_WEEK = 2
_REALISASI = tab("realisasi").name


class Clock:
    """The pacer's clock: moves only when the pacer waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def demo_tabs(folder: Path, scale: float) -> list[tuple[str, dict[str, list[list[Any]]]]]:
    """The demo units' tabs as JSON values, Realisasi cut to ``scale`` of its rows."""
    folder.mkdir()
    demo = load_config(write_config(folder))
    write_demo(demo, force=True, today=dt.date.fromisoformat(DEMO_DATE))
    out = []
    for unit in demo.units:
        raw = LocalWorkbook(demo.path(demo.local.folder) / unit.workbook).read_tabs(UNIT_TAB_NAMES)
        tabs = {
            name: [[google.to_json_value(v) for v in row] for row in rows]
            for name, rows in raw.items()
            if rows is not None
        }
        realisasi = tabs[_REALISASI]
        tabs[_REALISASI] = realisasi[: 1 + max(1, round((len(realisasi) - 1) * scale))]
        out.append((unit.name, tabs))
    return out


def shifted(tabs: dict[str, list[list[Any]]], copy: int) -> dict[str, list[list[Any]]]:
    """The tabs with every well-formed NIP's sequence number moved by ``copy`` (one person per
    NIP across the copies); the planted malformed NIPs stay as they are."""

    def nip(value: Any) -> Any:
        if not (isinstance(value, str) and _NIP.match(value)) or copy == 0:
            return value
        return f"{value[:15]}{1 + (int(value[15:]) - 1 + 41 * copy) % 999:03d}"

    return {name: [[nip(v) for v in row] for row in rows] for name, rows in tabs.items()}


def weekly_runs(units: int, demo: list, folder: Path, *, runs: int) -> list[list[Any]]:
    """The fake's calls of each run: a write-back week, then (with ``runs=2``) the same week
    replayed; and the fake as the last run left it."""
    fake = SheetsFake()
    names = []
    for index in range(units):
        name, tabs = demo[index % len(demo)]
        names.append(f"{name} {index // len(demo) + 1}")
        fake.add_spreadsheet(f"unit-{index}", title=names[-1], tabs=shifted(tabs, index // 7))
    fake.add_spreadsheet(SUMMARY, title="Ringkasan")
    client = gspread.Client(auth=None, session=fake_session(fake))
    google._client_for = lambda path, source: (client, "bench@example.iam.gserviceaccount.com")
    google._pacer_for = lambda path, settings: None  # paced afterwards, on a fake clock
    config = write_config(
        folder,
        backend="google",
        google={"credentials": "service_account.json"},
        units=[{"name": n, "workbook": f"unit-{i}"} for i, n in enumerate(names)],
        summary={"workbook": SUMMARY},
    )
    out = []
    for _ in range(runs):
        fake.calls.clear()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = run_cli(["weekly", "--config", str(config), "--date", DEMO_DATE])
        if status != 0:
            raise SystemExit(f"weekly at {units} units ended with status {status}")
        out.append(list(fake.calls))
    return [*out, fake]


def naive_requests(fake: SheetsFake, units: int) -> int:
    """What a naive gspread script spends on the same week: a read per tab present, a write per
    status cell (two per Realisasi row), a read of Riwayat and a write per summary tab."""
    total = 0
    for index in range(units):
        book = fake.spreadsheets[f"unit-{index}"]
        present = [s for s in book.sheets if s.title in UNIT_TAB_NAMES]
        rows = len(fake.values(f"unit-{index}", _REALISASI)) - 1
        total += len(present) + 2 * rows
    return total + 1 + len(fake.spreadsheets[SUMMARY].sheets)


def paced_minutes(calls: list, units: int, settings: GoogleBackend) -> float:
    """The minutes the pacer waits for the calls of a run at ``units`` units, on a fake clock
    (it moves only while the pacer waits, so replaying the recorded calls is the live run's
    pacing). The calls of a smaller run stand for a larger one: unit-0's calls for every unit,
    in the same phase (reads of all units, then their writes, then the summary)."""
    recorded = {c.spreadsheet_id for c in calls if c.spreadsheet_id.startswith("unit-")}
    sequence = []
    for call in calls:
        if call.spreadsheet_id == "unit-0":
            sequence += [call.method] * (units if len(recorded) < units else 1)
        elif call.spreadsheet_id == SUMMARY or len(recorded) >= units:
            sequence.append(call.method)
    clock = Clock()
    pacer = google.Pacer(settings, clock=clock, sleep=clock.sleep)
    for method in sequence:
        pacer.wait("read" if method == "GET" else "write")
    return clock.now / 60


def run(scale: float, repeats: int) -> list[Figure]:
    """``repeats`` is ignored: the counts are the same at every run."""
    counts = UNIT_COUNTS if scale >= 0.1 else UNIT_COUNTS[:1]
    config = load_config(ROOT / "config.yaml")
    settings = config.google
    figures: list[Figure] = city_summary_figures(config)
    with tempfile.TemporaryDirectory() as tmp:
        demo = demo_tabs(Path(tmp) / "demo", scale)
        for units in counts:
            folder = Path(tmp) / f"units-{units}"
            folder.mkdir()
            *runs, fake = weekly_runs(units, demo, folder, runs=2 if units == counts[0] else 1)
            figures.append(_total(units, runs[0], fake))
            if units == counts[0]:
                figures += _per_unit(units, *runs)
            if units == counts[-1]:
                figures.append(_paced(runs[0], settings, recorded=units))
    return figures


def _total(units: int, calls: list, fake: SheetsFake) -> Figure:
    return Figure(
        key=f"google.requests_total_{units}",
        label=f"requests of a weekly run with write-back, {units} units",
        value=len(calls),
        unit="requests",
        target=f"== {3 * units + 3 + LOGS}",
        anchor="naive gspread script (counted from the same run)",
        anchor_value=naive_requests(fake, units),
        size=units,
        exact=True,
    )


def _per_unit(units: int, writeback: list, replay: list) -> list[Figure]:
    per_book = Counter(c.spreadsheet_id for c in writeback)
    replayed = Counter(c.spreadsheet_id for c in replay)
    # the replay sends no letter, so it appends to Log Proses only
    logs = sum(c.kind == "values:append" for c in writeback if c.spreadsheet_id == SUMMARY)
    replay_logs = sum(c.kind == "values:append" for c in replay if c.spreadsheet_id == SUMMARY)
    books = [f"unit-{i}" for i in range(units)]
    return [
        _count(
            "requests_per_unit_writeback",
            "per unit, a week with write-back",
            max(per_book[b] for b in books),
            3,
        ),
        _count(
            "requests_per_unit_nowrite",
            "per unit, a week with nothing to write",
            max(replayed[b] for b in books),
            2,
        ),
        _count(
            "requests_summary",
            "summary publish (week replayed, Riwayat read and upserted)",
            replayed[SUMMARY] - replay_logs,
            3,
        ),
        _count("requests_summary_logs", "summary logs (Log Surat, Log Proses)", logs, LOGS),
    ]


def _count(key: str, label: str, value: int, target: int) -> Figure:
    return Figure(
        key=f"google.{key}",
        label=f"Google requests {label}",
        value=value,
        unit="requests",
        target=f"== {target}",
        exact=True,
    )


def _paced(calls: list, settings: GoogleBackend, *, recorded: int) -> Figure:
    units = UNIT_COUNTS[-1]
    how = "the 150-unit run" if recorded == units else f"the {recorded}-unit run's calls per unit"
    return Figure(
        key=f"google.paced_minutes_{units}",
        label=f"expected wall time under the quota, {units} units (write-back week)",
        value=round(paced_minutes(calls, units, settings), 2),
        unit="min",
        note=f"pacer on a fake clock over {how}; Google's latency overlaps the waits",
    )


def summary_cells(riwayat_weeks: int, log_weeks: int) -> dict[str, int]:
    """The summary's cells per tab at city scale after a year (header rows included): Riwayat
    and Log Surat holding ``riwayat_weeks`` and ``log_weeks`` weeks, the rest as a year leaves
    them; Ikhtisar about a page per unit list."""
    units = ASN // ASN_PER_UNIT
    rows = {
        "ringkasan_pegawai": ASN,
        "ringkasan_unit": units + 1,
        "capaian_indikator": ASN * len(INDICATORS),
        "riwayat": ASN * riwayat_weeks,
        "riwayat_unit": (units + 1) * WEEKS,
        "temuan_validasi": round(ASN * len(INDICATORS) * WEEKS * FINDING_RATE),
        "log_surat": round(ASN * LETTERS_PER_ASN_WEEK) * log_weeks,
        "log_proses": RUNS_PER_WEEK * WEEKS,
    }
    cells = {key: (1 + count) * len(tab(key).columns) for key, count in rows.items()}
    cells["tren"] = (1 + WEEKS) * (2 + units)
    cells["grafik"] = (1 + units) * (1 + len(PREDIKAT_COLUMNS))
    cells["ikhtisar"] = (units + 40) * len(WIDTHS)
    return cells


def city_summary_figures(config: Config) -> list[Figure]:
    """The summary's size at 30,000 ASN after a full year, with the windows and without."""
    riwayat_weeks = weeks_that_fit(
        [ASN] * WEEKS,
        columns=len(tab("riwayat").columns),
        cells=config.summary.riwayat_cells,
        minimum=config.scoring.trend_weeks + 1,
    )
    log_weeks = weeks_that_fit(
        [round(ASN * LETTERS_PER_ASN_WEEK)] * WEEKS,
        columns=len(tab("log_surat").columns),
        cells=config.summary.log_surat_cells,
        minimum=LOG_SURAT_WEEKS,
    )
    kept, whole = summary_cells(riwayat_weeks, log_weeks), summary_cells(WEEKS, WEEKS)
    note = "computed from the schemas and config.yaml, not timed"
    return [
        Figure(
            key="google.summary_cells_city",
            label="summary spreadsheet cells, 30,000 ASN after a year (windows kept)",
            value=sum(kept.values()),
            unit="cells",
            target=f"< {CELL_LIMIT}",
            anchor="every week kept",
            anchor_value=sum(whole.values()),
            exact=True,
            note=note,
        ),
        Figure(
            key="google.riwayat_weeks_city",
            label="weeks Riwayat keeps at 30,000 ASN (summary.riwayat_cells)",
            value=riwayat_weeks,
            unit="weeks",
            target=f">= {config.scoring.trend_weeks + 1}",
            exact=True,
            note=f"{kept['riwayat']:,} cells; older weeks in state/riwayat/<year>.csv",
        ),
        Figure(
            key="google.log_surat_cells_city",
            label=f"Log Surat cells at 30,000 ASN ({log_weeks} weeks kept)",
            value=kept["log_surat"],
            unit="cells",
            anchor="every week kept",
            anchor_value=whole["log_surat"],
            note="older rows in state/log_surat/<year>.csv",
        ),
    ]
