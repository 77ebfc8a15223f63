"""Google Sheets API calls of the real ``weekly`` job, against the in-process Sheets fake.

The Asemrowo demo (7 units) is copied into fake spreadsheets, each unit's Realisasi tab grown
``--scale`` times (copies of its entries with slightly different values), and ``python run.py
weekly`` runs on them through the real gspread client. Calls per unit must stay the same however
many rows a unit has ("batch, never cell by cell"); the seconds are the cost of our code and the
fake, not Google's latency.

    python bench/api_calls.py [--scale 1 10]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import gspread

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import DEMO_DATE, write_config  # noqa: E402
from tests.sheets_fake import SheetsFake, fake_session  # noqa: E402
from workflows import google  # noqa: E402
from workflows.cli import main as run_cli  # noqa: E402
from workflows.config import load_config  # noqa: E402
from workflows.demo import write_demo  # noqa: E402
from workflows.local import LocalWorkbook  # noqa: E402
from workflows.schema import UNIT_TAB_ORDER, tab  # noqa: E402

REALISASI_VALUE = 3  # column index of Realisasi in the Realisasi tab


def grown(rows: list[list], scale: int) -> list[list]:
    """The Realisasi rows ``scale`` times: copies differ in value, so none is an exact repeat."""
    header, entries = rows[0], rows[1:]
    out = [header, *entries]
    for copy in range(1, scale):
        for row in entries:
            row = list(row)
            if isinstance(row[REALISASI_VALUE], (int, float)):
                row[REALISASI_VALUE] += copy / 1000
            out.append(row)
    return out


def weekly_on_fake(scale: int, folder: Path) -> tuple[SheetsFake, float, int]:
    demo = load_config(write_config(folder))
    write_demo(demo, force=True, today=dt.date.fromisoformat(DEMO_DATE))
    fake = SheetsFake()
    names = [tab(key).name for key in UNIT_TAB_ORDER]
    rows_per_unit = 0
    for index, unit in enumerate(demo.units):
        raw = LocalWorkbook(demo.path(demo.local.folder) / unit.workbook).read_tabs(names)
        raw["Realisasi"] = grown(raw["Realisasi"], scale)
        rows_per_unit = max(rows_per_unit, len(raw["Realisasi"]) - 1)
        tabs = {n: [[google.to_json_value(v) for v in row] for row in raw[n]] for n in names}
        fake.add_spreadsheet(f"unit-{index}", title=unit.name, tabs=tabs)
    fake.add_spreadsheet("summary", title="Ringkasan")
    client = gspread.Client(auth=None, session=fake_session(fake))
    google._client_for = lambda path, source: (client, "bench@example.iam.gserviceaccount.com")
    units = [{"name": u.name, "workbook": f"unit-{i}"} for i, u in enumerate(demo.units)]
    (folder / "google").mkdir()
    config = write_config(
        folder / "google",
        backend="google",
        google={"credentials": "service_account.json"},
        units=units,
        summary={"workbook": "summary"},
    )
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = run_cli(["weekly", "--config", str(config), "--date", DEMO_DATE])
    if status != 0:
        raise SystemExit(f"weekly failed with status {status}")
    return fake, time.perf_counter() - started, rows_per_unit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    print(
        f"{'scale':>5} {'rows/unit':>9} {'calls':>5} {'per unit':>8} {'summary':>7} {'seconds':>8}"
    )
    for scale in args.scale:
        with tempfile.TemporaryDirectory() as tmp:
            fake, seconds, rows = weekly_on_fake(scale, Path(tmp))
        summary = sum(c.spreadsheet_id == "summary" for c in fake.calls)
        per_unit = (len(fake.calls) - summary) / 7
        print(
            f"{scale:>5} {rows:>9,} {len(fake.calls):>5} {per_unit:>8.1f} {summary:>7} {seconds:>8.2f}"
        )
    print("calls by kind, last run:")
    kinds = Counter((c.spreadsheet_id == "summary", c.kind) for c in fake.calls)
    for (is_summary, kind), n in sorted(kinds.items()):
        print(f"  {'summary' if is_summary else 'units':<7} {kind:<20} {n}")


if __name__ == "__main__":
    main()
