"""A 200,000-row local unit workbook: read, validated and its statuses written back.

The workbook is made once (untimed) as staff would have it: set up by ``init`` (headers,
dropdowns, the rejected-row colours), then Pegawai, Indikator and Realisasi typed in through
openpyxl, Realisasi in the forms staff really type (``synthetic_unit`` below). Each timed
run starts from a fresh copy of that file and goes through the real ``check.run_validation``
for that one unit: read, validate, write Status and Pesan Validasi back. Its reads and its write
are timed on their own too. The anchor is what reading alone cost before: openpyxl's read-only
load of the same file, every cell of every tab.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy
import openpyxl
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.suite import Figure, PeakMemory  # noqa: E402
from workflows import schema  # noqa: E402
from workflows.calendar import run_week_for  # noqa: E402
from workflows.check import run_validation  # noqa: E402
from workflows.config import Config, load_config  # noqa: E402
from workflows.context import entry_period  # noqa: E402
from workflows.local import LocalWorkbook  # noqa: E402

QUICK_SCALE = 0.02
ROWS = 200_000
TODAY = dt.date(2026, 11, 30)
UNIT = "Seksi Pelayanan"
WORKBOOK = "pelayanan.xlsx"


ASN = 2_000


def synthetic_unit(rows: int, seed: int = 2026) -> dict[str, list]:
    rng = numpy.random.default_rng(seed)
    nips = [
        f"19{70 + i % 20}{i % 12 + 1:02d}{i % 28 + 1:02d}2015051{i % 999 + 1:03d}"
        for i in range(ASN)
    ]
    pegawai = [schema.tab("pegawai").headers] + [
        [n, f"ASN {i}", "Staf", f"asn{i}@asemrowo.go.id", nips[0], "Aktif"]
        for i, n in enumerate(nips)
    ]
    indikator = [schema.tab("indikator").headers] + [
        [f"I{i}-{k}", n, "RHK", "IKI", "Kuantitas", "dokumen", 5000, "Naik", "Jumlah", 1, "Tidak"]
        for i, n in enumerate(nips)
        for k in range(2)
    ]
    days = rng.integers(0, 330, rows)
    who = rng.integers(0, ASN, rows)
    kind = rng.integers(0, 10, rows)
    amount = rng.integers(0, 200, rows)
    base = dt.datetime(2026, 1, 1)
    realisasi = [schema.tab("realisasi").headers]
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
        "Perilaku": [schema.tab("perilaku").headers],
        "Refleksi": [schema.tab("refleksi").headers],
    }


def run(scale: float, repeats: int) -> list[Figure]:
    rows = max(1, round(ROWS * scale))
    with tempfile.TemporaryDirectory(prefix="capaian-bench-local-") as folder:
        config = _config(Path(folder))
        pristine = Path(folder) / "staff.xlsx"
        _made_elsewhere(pristine, rows)
        timings = [_timed_run(config, pristine) for _ in range(max(1, repeats))]
        anchor = _openpyxl_read_seconds(pristine)
    seconds = statistics.median(t["total"] for t in timings)
    peak = max(t["peak"] for t in timings)
    read = statistics.median(t["read"] for t in timings)
    write = statistics.median(t["write"] for t in timings)
    return [
        Figure(
            "local.seconds",
            "Workbook lokal: baca + validasi + tulis status",
            seconds,
            "s",
            target="<= 15",
            anchor="openpyxl read_only: baca saja",
            anchor_value=anchor,
            size=rows,
        ),
        Figure(
            "local.rows_per_s",
            "Workbook lokal: baris Realisasi per detik",
            rows / seconds,
            "rows/s",
            anchor="openpyxl read_only: baris per detik, baca saja",
            anchor_value=rows / anchor,
            size=rows,
        ),
        Figure("local.peak_mib", "Workbook lokal: memori puncak", peak, "MiB", target="<= 500"),
        Figure("local.read_seconds", "Workbook lokal: baca (dua kali)", read, "s", size=rows),
        Figure("local.write_seconds", "Workbook lokal: tulis status", write, "s", size=rows),
    ]


def _config(folder: Path) -> Config:
    """The repository's config with this one unit, its workbook in ``folder``."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["local"] = {"folder": str(folder)}
    data["units"] = [{"name": UNIT, "workbook": WORKBOOK}]
    data["state"] = {"folder": str(folder / "state")}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_config(path)


def _made_elsewhere(path: Path, rows: int) -> None:
    """``_staff_workbook`` in a child process, so that openpyxl's memory for making it is not
    counted in this process's peak."""
    code = (
        "import pathlib, sys; from bench.workloads.local_workbook import _staff_workbook; "
        "_staff_workbook(pathlib.Path(sys.argv[1]), int(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(rows)], cwd=ROOT, check=True)


def _staff_workbook(path: Path, rows: int) -> None:
    """The unit's workbook after ``init`` and weeks of staff typing."""
    LocalWorkbook(path).ensure_tabs(schema.unit_tabs())
    book = openpyxl.load_workbook(path)
    for title, values in synthetic_unit(rows).items():
        ws = book[title]
        for row in values[1:]:
            ws.append(row)
    book.save(path)


def _timed_run(config: Config, pristine: Path) -> dict[str, float]:
    """One validation run with write-back on a fresh copy of the staff's workbook."""
    shutil.copyfile(pristine, config.path(config.local.folder) / WORKBOOK)
    spent = {"read": 0.0, "write": 0.0}
    week = run_week_for(config, TODAY)
    with _timing(spent, "read", "read_tabs"), _timing(spent, "write", "write_ranges"):
        memory = PeakMemory()
        started = time.perf_counter()
        with memory.measure():
            run = run_validation(
                config, week, today=TODAY, entry_period=entry_period(config, TODAY)
            )
        total = time.perf_counter() - started
    if not run.writeback or "ditulis" not in run.writeback[0]:
        raise SystemExit(f"the statuses were not written back: {run.writeback}")
    return {"total": total, "peak": memory.mib, **spent}


class _timing:
    """Adds the time spent in ``LocalWorkbook.<method>`` to ``spent[key]`` while active."""

    def __init__(self, spent: dict[str, float], key: str, method: str) -> None:
        self.spent, self.key, self.method = spent, key, method
        self.original: Callable[..., Any] = getattr(LocalWorkbook, method)

    def __enter__(self) -> None:
        original, spent, key = self.original, self.spent, self.key

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - started

        setattr(LocalWorkbook, self.method, timed)

    def __exit__(self, *exc: object) -> None:
        setattr(LocalWorkbook, self.method, self.original)


def _openpyxl_read_seconds(path: Path) -> float:
    """The anchor: every cell of every tab through openpyxl's read-only mode, as reads were."""
    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in book.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    book.close()
    return time.perf_counter() - started
