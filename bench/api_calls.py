"""Google Sheets API calls for one weekly-style run, against the in-process Sheets fake.

For N unit spreadsheets: read all five tabs, write the Status / Pesan Validasi column back; then
rewrite the summary tabs and append to Log Proses. Calls per unit must stay the same whether a
unit has 100 or 10,000 Realisasi rows ("batch, never cell by cell"); the time shows the cost of
the fake and of building the requests, not Google's latency.

    python bench/api_calls.py [--units 7] [--rows 100 10000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import gspread

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sheets_fake import SheetsFake, fake_session  # noqa: E402
from workflows import schema  # noqa: E402
from workflows.google import GoogleWorkbook, RetryingHTTPClient  # noqa: E402
from workflows.workbook import RangeUpdate  # noqa: E402

NIP = "199001012015031001"


def unit_tabs(rows: int) -> dict[str, list[list]]:
    realisasi = [schema.tab("realisasi").headers] + [
        [46000 + i % 300, NIP, f"PLY-0{i % 5 + 1}", i % 17, "https://contoh.go.id/bukti", ""]
        for i in range(rows)
    ]
    return {
        "Pegawai": [schema.tab("pegawai").headers, [NIP, "Siti", "Analis", "s@c.id", "", "Aktif"]],
        "Indikator": [schema.tab("indikator").headers],
        "Realisasi": realisasi,
        "Perilaku": [schema.tab("perilaku").headers],
        "Refleksi": [schema.tab("refleksi").headers],
    }


def weekly_run(units: int, rows: int) -> tuple[list, float]:
    """The fake's recorded calls and the seconds taken, for ``units`` units of ``rows`` entries."""
    fake = SheetsFake()
    client = gspread.Client(auth=None, session=fake_session(fake), http_client=RetryingHTTPClient)
    for u in range(units):
        fake.add_spreadsheet(f"unit-{u}", tabs=unit_tabs(rows))
    fake.add_spreadsheet("summary", tabs={t.name: [t.headers] for t in schema.summary_tabs()})
    started = time.perf_counter()
    for u in range(units):
        book = GoogleWorkbook(client, f"unit-{u}", label=f"Unit {u}")
        tabs = book.read_tabs([t.name for t in schema.unit_tabs()])
        entries = len(tabs["Realisasi"]) - 1
        statuses = [
            ["OK", ""] if i % 10 else ["Ditolak", "Realisasi bukan angka."] for i in range(entries)
        ]
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, statuses)])
    summary = GoogleWorkbook(client, "summary", label="Ringkasan")
    summary.replace_tabs(
        {
            t.name: [t.headers] + [[f"{t.name} {i}"] * len(t.headers) for i in range(rows // 10)]
            for t in schema.summary_tabs()
            if t.key != "log_proses"
        }
    )
    summary.append_rows("Log Proses", [[46090.25, 46090.26, "weekly", "2026-W09", "selesai"]])
    return fake.calls, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=7)
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 10_000])
    args = parser.parse_args()
    print(
        f"{'units':>5} {'rows/unit':>9} {'calls':>5} {'per unit':>8} {'summary':>7} {'seconds':>8}"
    )
    for rows in args.rows:
        calls, seconds = weekly_run(args.units, rows)
        summary = sum(c.spreadsheet_id == "summary" for c in calls)
        per_unit = (len(calls) - summary) / args.units
        print(
            f"{args.units:>5} {rows:>9,} {len(calls):>5} {per_unit:>8.1f} {summary:>7} {seconds:>8.2f}"
        )
    print(f"calls by kind, {rows:,} rows per unit:")
    kinds = Counter((c.spreadsheet_id == "summary", c.kind) for c in calls)
    for (is_summary, kind), n in sorted(kinds.items()):
        print(f"  {'summary' if is_summary else 'units':<7} {kind:<20} {n}")


if __name__ == "__main__":
    main()
