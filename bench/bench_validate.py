"""Validation speed for one very large Realisasi tab.

Builds 1,000,000 synthetic Realisasi rows in the forms staff really type (date cells, sheet
serials, ``29/11/2026``, ``2026-11-29``, ``29 Nov 2026``; ``12``, ``12,5``, ``1.234,5``, ``85%``;
NIPs with and without spaces; about 1 % bad cells) for 2,000 ASN and times ``validate_unit``
(building the raw rows is not timed), then ``combine`` over seven such units (a run computes it
once). Prints seconds and rows per second; the tests assert no speed, this is where it is seen.

    python bench/bench_validate.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workflows.config import Period  # noqa: E402
from workflows.schema import tab  # noqa: E402
from workflows.validate import combine, validate_unit  # noqa: E402

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
TODAY = dt.date(2026, 11, 30)
ASN = 2_000
UNITS = 7


def synthetic_unit(rows: int, seed: int = 2026) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    nips = [
        f"19{70 + i % 20}{i % 12 + 1:02d}{i % 28 + 1:02d}2015051{i % 999 + 1:03d}"
        for i in range(ASN)
    ]
    pegawai = [tab("pegawai").headers] + [
        [n, f"ASN {i}", "Staf", f"asn{i}@asemrowo.go.id", nips[0], "Aktif"]
        for i, n in enumerate(nips)
    ]
    indikator = [tab("indikator").headers] + [
        [f"I{i}-{k}", n, "RHK", "IKI", "Kuantitas", "dokumen", 5000, "Naik", "Jumlah", 1, "Tidak"]
        for i, n in enumerate(nips)
        for k in range(2)
    ]
    days = rng.integers(0, 330, rows)
    who = rng.integers(0, ASN, rows)
    kind = rng.integers(0, 10, rows)
    amount = rng.integers(0, 200, rows)
    base = dt.datetime(2026, 1, 1)
    realisasi = [tab("realisasi").headers]
    for d, w, k, a in zip(days.tolist(), who.tolist(), kind.tolist(), amount.tolist(), strict=True):
        day = base + dt.timedelta(days=d)
        date = (
            day,
            46023 + d,
            day.strftime("%d/%m/%Y"),
            day.strftime("%Y-%m-%d"),
            day.strftime("%d %b %Y"),
        )[k % 5]
        value = (a, f"{a},5", f"1.{a:03d},5", f"{a}%", str(a))[k % 5]
        nip = nips[w] if k < 5 else f"{nips[w][:8]} {nips[w][8:14]} {nips[w][14]} {nips[w][15:]}"
        if a == 0 and k == 0:
            value = "dua belas"  # ~0.5 % bad numbers
        if a == 1 and k == 1:
            date = "31/02/2026"  # ~0.5 % impossible dates
        realisasi.append([date, nip, f"I{w}-{k % 2}", value, None, None])
    return {
        "Pegawai": pegawai,
        "Indikator": indikator,
        "Realisasi": realisasi,
        "Perilaku": [tab("perilaku").headers],
        "Refleksi": [tab("refleksi").headers],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    raw = synthetic_unit(args.rows)
    start = time.perf_counter()
    data = validate_unit(raw, unit="Bench", workbook="bench.xlsx", today=TODAY, period=PERIOD)
    seconds = time.perf_counter() - start
    kept = len(data.tables["realisasi"])
    print(
        f"validate_unit: {args.rows:,} Realisasi rows in {seconds:.2f} s "
        f"({args.rows / seconds:,.0f} rows/s); {kept:,} kept, {len(data.rejected):,} rejected, "
        f"{len(data.findings):,} findings"
    )
    start = time.perf_counter()
    tables = combine([data] * UNITS)
    seconds = time.perf_counter() - start
    rows = sum(len(t) for t in tables.values())
    print(
        f"combine: {UNITS} units, {rows:,} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
