"""The city-year: validation and scoring of 30,000 ASN × 5 indicators × 52 weeks, end to end.

100 unit workbooks of 300 ASN each (7.8 M Realisasi rows at full size), with the raw tab values a
reader hands over: Pegawai, Indikator, Perilaku and Refleksi as rows, Realisasi as ``Columns``.
Every cell is its own Python object, as JSON or XML parsing makes them, in the forms staff type:
dates as date cells, sheet serials, ``29/11/2026``, ``2026-11-29`` and ``29 Nov 2026``; numbers as
``12``, ``"12,5"``, ``"1.234,5"`` and ``"85%"``; NIPs with and without spaces; about 1 % of rows
with a mistake validation reports. Generating the data is not timed.

Timed: ``validate.validate_units`` + ``validate.combine`` + ``publish.score_validation`` (as the
weekly run calls them), next to a plain ``groupby(["nip", "id_indikator"]).sum()`` over the same
validated rows, and next to the floor: each Realisasi column's raw cells put into one array and
hashed once (``pd.factorize``), the least any validation of those cells must do before it parses,
checks or scores anything. Peak memory is the end-to-end run's, the raw data included.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import numpy as np
import pandas as pd

from bench.suite import Figure, PeakMemory, median_seconds
from workflows import publish, validate
from workflows.calendar import run_week
from workflows.check import ValidationRun
from workflows.config import Config, Period, Summary, Unit
from workflows.schema import tab
from workflows.workbook import Columns

QUICK_SCALE = 0.02
ASN = 30_000
ASN_PER_UNIT = 300
WEEKS = 52
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
TODAY = dt.date(2027, 1, 4)
WEEK = run_week(dt.date(2027, 1, 1), period_start=PERIOD.start, period_end=PERIOD.end)
SERIAL_OF_PERIOD_START = 46023  # 2026-01-01 as a sheet serial number
# The five indicators every ASN has: satuan, agregasi, target as typed, low and high weekly value.
INDICATORS = (
    ("dokumen", "Jumlah", 200, 0, 9),
    ("%", "Rata-rata", "80-90", 60, 101),
    ("laporan", "Terakhir", 12, 0, 13),
    ("kegiatan", "Jumlah", 100, 0, 5),
    ("kunjungan", "Jumlah", 60_000, 900, 1_400),
)
RATINGS = ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def nips(first: int, count: int) -> list[str]:
    """Well-formed, distinct 18-digit NIPs for ASN ``first`` … ``first + count - 1``."""
    out = []
    for g in range(first, first + count):
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=(g // 999) * 40 + g % 7)
        out.append(f"{birth:%Y%m%d}20{10 + g % 10}{g % 12 + 1:02d}{1 + g % 2}{g % 999 + 1:03d}")
    return out


def _records(key: str, records: list[dict[str, Any]]) -> list[list[Any]]:
    headers = tab(key).headers
    return [headers] + [[r.get(h) for h in headers] for r in records]


def _pegawai(people: list[str], unit: int) -> list[list[Any]]:
    return _records(
        "pegawai",
        [
            {
                "NIP": nip,
                "Nama": f"ASN {unit}-{a}",
                "Jabatan": "Kepala" if a == 0 else "Pelaksana",
                "Email": f"asn{unit}.{a}@kota.example.go.id",
                "NIP Atasan": people[0] if a else None,
                "Status": "Nonaktif" if a == len(people) - 1 else "Aktif",
            }
            for a, nip in enumerate(people)
        ],
    )


def _indikator(people: list[str]) -> list[list[Any]]:
    return _records(
        "indikator",
        [
            {
                "ID": f"IKI-{a:03d}-{k + 1}",
                "NIP": nip,
                "Rencana Hasil Kerja": "Layanan administrasi kependudukan",
                "Indikator": f"Jumlah {satuan} yang diselesaikan",
                "Aspek": "Kuantitas",
                "Satuan": satuan,
                "Target": target,
                "Arah": "Naik",
                "Agregasi": agregasi,
                "Bobot": 20,
                "Wajib Bukti": "Ya" if k == 2 else "Tidak",
            }
            for a, nip in enumerate(people)
            for k, (satuan, agregasi, target, _, _) in enumerate(INDICATORS)
        ],
    )


def _perilaku(people: list[str], rng: np.random.Generator) -> list[list[Any]]:
    aspects = tab("perilaku").headers[2:9]
    return _records(
        "perilaku",
        [
            {"Periode": f"2026-Q{q}", "NIP": nip}
            | {h: RATINGS[rng.integers(0, 3)] for h in aspects}
            for q in range(1, 5)
            for nip in people
        ],
    )


def _refleksi(people: list[str]) -> list[list[Any]]:
    return _records(
        "refleksi",
        [
            {"Minggu": "2026-W52", "NIP": nip, "Yang Berjalan Baik": "Layanan lancar"}
            for nip in people
        ],
    )


def _taken(table: list[str], positions: np.ndarray) -> list[str]:
    """``table[p]`` for each position, each one a new string object (as a parser makes them)."""
    return np.array(table, dtype=str)[positions].tolist()


def _date_cells(day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days of 2026 (0-based) as date cells, sheet serials and three kinds of typed text."""
    days = pd.date_range(PERIOD.start, PERIOD.end)
    texts = [
        days.strftime("%d/%m/%Y").tolist(),
        days.strftime("%Y-%m-%d").tolist(),
        [f"{d.day} {_MONTHS[d.month - 1]} {d.year}" for d in days],
    ]
    form = rng.integers(0, 5, len(day))
    cells = np.empty(len(day), dtype=object)
    cells[form == 0] = (np.datetime64("2026-01-01", "us") + day[form == 0].astype("m8[D]")).tolist()
    cells[form == 1] = (SERIAL_OF_PERIOD_START + day[form == 1]).tolist()
    for f, table in enumerate(texts, start=2):
        cells[form == f] = _taken(table, day[form == f])
    return cells


def _number_cells(kind: np.ndarray, value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Numbers as cells: a number, or text as typed ("7", "85%", "1.234") or with a decimal."""
    top = max(i[4] for i in INDICATORS)
    plain = [str(v) for v in range(top)]
    percent = [f"{v}%" for v in range(top)]
    thousands = [f"{v // 1000}.{v % 1000:03d}" if v >= 1000 else str(v) for v in range(top)]
    texts = [plain, percent, plain, plain, thousands]
    table = [t for kind_texts in texts for t in kind_texts]
    table += [t.replace("%", ",5%") if "%" in t else f"{t},5" for t in table]
    form = rng.integers(0, 3, len(kind))
    cells = np.empty(len(kind), dtype=object)
    cells[form == 0] = value[form == 0].tolist()
    typed = form > 0
    where = (form[typed] - 1) * len(INDICATORS) * top + kind[typed] * top + value[typed]
    cells[typed] = _taken(table, where)
    return cells


def _plant(cells: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """About 1 % of rows get a mistake of the kinds staff make (and 0.1 % an exact repeat)."""
    n = len(cells["tanggal"])
    chosen = rng.choice(n - 1, size=n // 100, replace=False) + 1
    planted = np.array_split(chosen, 9)
    for rows, (key, value) in zip(
        planted[:7],
        [
            ("realisasi", "dua belas"),
            ("tanggal", "31/02/2026"),
            ("tanggal", "15/01/2027"),
            ("id_indikator", "IKI-999-9"),
            ("realisasi", None),
            ("realisasi", "#REF!"),
            ("id_indikator", "IKI-000-1"),  # the head of unit's: another NIP's indicator
        ],
        strict=True,
    ):
        cells[key][rows] = [value] * len(rows) if value is None else _taken([value], 0 * rows)
    short = planted[7]
    cells["nip"][short] = [nip[:-1] for nip in cells["nip"][short]]
    for column in cells.values():  # an exact repeat of the row above
        column[planted[8]] = column[planted[8] - 1]


def _realisasi(unit: int, people: list[str], rng: np.random.Generator) -> Columns:
    """A unit's year of weekly entries, week by week, as a columnar reader returns them."""
    count, kinds = len(people), len(INDICATORS)
    n = count * kinds * WEEKS
    week = np.repeat(np.arange(WEEKS), count * kinds)
    asn = np.tile(np.repeat(np.arange(count), kinds), WEEKS)
    kind = np.tile(np.arange(kinds), count * WEEKS)
    low = np.array([i[3] for i in INDICATORS])[kind]
    high = np.array([i[4] for i in INDICATORS])[kind]
    value = low + (rng.random(n) * (high - low)).astype(np.int64)
    day = np.minimum(week * 7 + rng.integers(0, 7, n), 364)
    spaced = [f"{p[:8]} {p[8:14]} {p[14]} {p[15:]}" for p in people]
    ids = [f"IKI-{a:03d}-{k + 1}" for a in range(count) for k in range(kinds)]
    ids += [f"iki-{a:03d}-{k + 1} " for a in range(count) for k in range(kinds)]
    bukti = np.full(n, None, dtype=object)
    linked = np.flatnonzero(kind == 2)
    bukti[linked] = [f"https://drive.google.com/file/d/{unit}x{r}" for r in linked.tolist()]
    bukti[linked[rng.random(len(linked)) < 0.005]] = None
    note = np.full(n, None, dtype=object)
    noted = np.flatnonzero(rng.random(n) < 0.01)
    note[noted] = _taken(["Lembur", "Dinas luar", "Rapat koordinasi"], noted % 3)
    cells = {
        "tanggal": _date_cells(day, rng),
        "nip": np.array(_taken(people + spaced, asn + count * (rng.random(n) < 0.3)), dtype=object),
        "id_indikator": np.array(
            _taken(ids, asn * kinds + kind + count * kinds * (rng.random(n) < 0.01)), dtype=object
        ),
        "realisasi": _number_cells(kind, value, rng),
        "bukti": bukti,
        "keterangan": note,
    }
    _plant(cells, rng)
    columns = [_trimmed(c.tolist()) for c in cells.values()]
    return Columns(tab("realisasi").headers, columns, n)


def _trimmed(cells: list[Any]) -> list[Any]:
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def city(scale: float, seed: int = 2026) -> list[tuple[str, str, dict[str, Any]]]:
    """The raw tabs of every unit workbook, ``(unit, workbook, {tab: values})``."""
    rng = np.random.default_rng(seed)
    total = max(2, round(ASN * scale))
    out = []
    for unit, first in enumerate(range(0, total, ASN_PER_UNIT), start=1):
        people = nips(first, min(ASN_PER_UNIT, total - first))
        raw = {
            "Pegawai": _pegawai(people, unit),
            "Indikator": _indikator(people),
            "Realisasi": _realisasi(unit, people, rng),
            "Perilaku": _perilaku(people, rng),
            "Refleksi": _refleksi(people),
        }
        out.append((f"Unit {unit:03d}", f"unit-{unit:03d}.xlsx", raw))
    return out


def _config(raws: list[tuple[str, str, dict[str, Any]]]) -> Config:
    units = tuple(Unit(name=name, workbook=workbook) for name, workbook, _ in raws)
    return Config(organisation="Kota", units=units, summary=Summary(workbook="ringkasan.xlsx"))


def _score(config: Config, run: ValidationRun) -> Any:
    history = pd.DataFrame(columns=["minggu", "nip", "nilai_capaian"])
    return publish.score_validation(config, WEEK, run, history, today=TODAY)


def _end_to_end(raws: list, config: Config, *, last: bool) -> tuple[float, float, ValidationRun]:
    """Seconds validating (the tables combined once) and scoring the city, and the run.

    On the ``last`` run the raw tabs are let go once validated, as the weekly run does (they are
    local to ``check.run_validation``), so peak memory is the weekly run's.
    """
    started = time.perf_counter()
    units = validate.validate_units(raws, today=TODAY, period=PERIOD)
    if last:
        raws.clear()
    run = ValidationRun(WEEK, units)
    _ = run.tables
    validated = time.perf_counter()
    result = _score(config, run)
    assert result.entries_scored > 0
    return validated - started, time.perf_counter() - validated, run


def _group_by_seconds(entries: pd.DataFrame, repeats: int) -> float:
    """The anchor: a plain group-by sum over the same validated rows."""
    times = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        entries.groupby(["nip", "id_indikator"])["realisasi"].sum()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _floor_seconds(raws: list, repeats: int) -> float:
    """The floor: every Realisasi column of every unit into one object array, hashed once."""
    tabs = [raw["Realisasi"] for _, _, raw in raws]
    rows = sum(t.height for t in tabs)

    def touch_every_cell() -> None:
        for i in range(len(tabs[0].header)):
            cells = np.full(rows, None, dtype=object)
            start = 0
            for t in tabs:
                given = t.columns[i] if i < len(t.columns) else []
                cells[start : start + len(given)] = given
                start += t.height
            pd.factorize(cells)

    return median_seconds(touch_every_cell, repeats)[0]


def run(scale: float, repeats: int) -> list[Figure]:
    raws = city(scale)
    rows = sum(raw["Realisasi"].height for _, _, raw in raws)
    config = _config(raws)
    floor = _floor_seconds(raws, repeats)
    timings = [_end_to_end(raws, config, last=False)[:2] for _ in range(max(1, repeats) - 1)]
    peak = PeakMemory()
    with peak.measure():
        validating, scoring, done = _end_to_end(raws, config, last=True)
    timings.append((validating, scoring))
    entries = done.tables["realisasi"][["nip", "id_indikator", "realisasi"]]
    group_by = _group_by_seconds(entries, repeats)
    return _figures(
        rows,
        statistics.median(t[0] + t[1] for t in timings),
        statistics.median(t[0] for t in timings),
        statistics.median(t[1] for t in timings),
        group_by,
        floor,
        peak.mib,
        len(entries),
    )


def _figures(
    rows: int,
    seconds: float,
    validating: float,
    scoring: float,
    group_by: float,
    floor: float,
    peak_mib: float,
    kept: int,
) -> list[Figure]:
    anchor = 'groupby(["nip", "id_indikator"]).sum()'
    note = f"{rows:,} Realisasi rows typed, {kept:,} valid"
    return [
        Figure(
            "city.rows_per_s",
            "city-year: validation + scoring",
            rows / seconds,
            "rows/s",
            target=">= 2000000",
            anchor=f"{anchor} rows/s",
            anchor_value=rows / group_by,
            size=rows,
            note=note,
        ),
        Figure(
            "city.seconds",
            "city-year: seconds end to end",
            seconds,
            "s",
            anchor=f"{anchor} s",
            anchor_value=group_by,
            size=rows,
        ),
        Figure(
            "city.vs_groupby",
            "city-year: time / group-by time",
            seconds / group_by,
            "×",
            target="<= 10",
            note=f"group-by {group_by:.2f} s over the same rows",
        ),
        Figure(
            "city.floor_s",
            "city-year: floor (raw cells hashed once)",
            floor,
            "s",
            anchor="end to end s",
            anchor_value=seconds,
            size=rows,
            note="each Realisasi column's cells into one array and pd.factorize: no parsing",
        ),
        Figure("city.peak_mib", "city-year: peak memory", peak_mib, "MiB", target="< 4096"),
        Figure(
            "city.validate_rows_per_s",
            "city-year: validation",
            rows / validating,
            "rows/s",
            size=rows,
        ),
        Figure("city.score_rows_per_s", "city-year: scoring", rows / scoring, "rows/s", size=rows),
    ]
