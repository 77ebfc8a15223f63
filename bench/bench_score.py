"""Scoring speed and peak memory for a synthetic city-year.

30,000 ASN × 5 indicators × 52 weekly entries ≈ 7.8 M entries, built directly as the typed
DataFrames validation hands to scoring. Prints entries scored per second and peak memory.

    python bench/bench_score.py [--asn 30000] [--weeks 52]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workflows.calendar import run_week  # noqa: E402
from workflows.config import Period, Scoring  # noqa: E402
from workflows.score import ASPECTS, score_week  # noqa: E402

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
INDICATORS = 5
ASN_PER_UNIT = 300
RATINGS = np.array(["Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi"], dtype=object)


def synthetic_city(asn: int, weeks: int, seed: int = 2026) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    nips = pd.Series([f"19{800000 + i:06d}2015051{i % 1000:03d}" for i in range(asn)])
    units = pd.Series([f"Unit {i // ASN_PER_UNIT + 1:03d}" for i in range(asn)])
    roster = pd.DataFrame(
        {
            "nip": nips,
            "nama": "ASN " + pd.Series(range(asn)).astype(str),
            "jabatan": "Pelaksana",
            "email": "asn" + pd.Series(range(asn)).astype(str) + "@kota.example",
            "nip_atasan": None,
            "status": np.where(rng.random(asn) < 0.98, "Aktif", "Nonaktif"),
            "unit": units,
            "row": np.arange(asn) % ASN_PER_UNIT + 2,
        }
    )
    n_ind = asn * INDICATORS
    owner = np.repeat(np.arange(asn), INDICATORS)
    low = rng.integers(5, 500, n_ind).astype(float)
    ranged = rng.random(n_ind) < 0.1
    high = np.where(ranged, low * 1.1, low)
    indicators = pd.DataFrame(
        {
            "id": [f"IND-{i:02d}" for i in range(INDICATORS)] * asn,
            "nip": nips.to_numpy()[owner],
            "rhk": "Rencana hasil kerja",
            "indikator": "Indikator kinerja individu",
            "aspek": "Kuantitas",
            "satuan": "dokumen",
            "target": low,
            "target_low": low,
            "target_high": high,
            "target_text": np.where(ranged, "rentang", low.astype(int).astype(str)),
            "arah": rng.choice(["Naik", "Turun"], n_ind, p=[0.8, 0.2]),
            "agregasi": rng.choice(["Jumlah", "Rata-rata", "Terakhir"], n_ind),
            "bobot": rng.integers(1, 40, n_ind).astype(float),
            "wajib_bukti": False,
            "unit": units.to_numpy()[owner],
            "row": np.arange(n_ind) % (ASN_PER_UNIT * INDICATORS) + 2,
        }
    )
    n = n_ind * weeks
    which = np.repeat(np.arange(n_ind), weeks)
    day = np.tile(np.arange(weeks) * 7, n_ind) + rng.integers(0, 7, n)
    entries = pd.DataFrame(
        {
            "tanggal": pd.Timestamp(PERIOD.start) + pd.to_timedelta(day, unit="D"),
            "nip": indicators["nip"].to_numpy()[which],
            "id_indikator": indicators["id"].to_numpy()[which],
            "realisasi": rng.gamma(2.0, low[which] / 2 / weeks),
            "bukti": None,
            "keterangan": None,
            "status": "OK",
            "unit": indicators["unit"].to_numpy()[which],
            "row": np.arange(n) % 1_000_000 + 2,
        }
    )
    rated = rng.random(asn) < 0.9
    behaviour = pd.DataFrame(
        {
            "periode": "2026-Q4",
            "periode_mulai": pd.Timestamp("2026-10-01"),
            "nip": nips[rated].to_numpy(),
            **{a: RATINGS[rng.integers(0, 3, rated.sum())] for a in ASPECTS},
            "rating_perilaku": None,
            "rating_hasil_kerja": None,
            "catatan_atasan": None,
            "unit": units[rated].to_numpy(),
            "row": np.arange(rated.sum()) + 2,
        }
    )
    history = pd.DataFrame(
        {"minggu": "2026-W51", "nip": nips, "nilai_capaian": rng.uniform(50, 120, asn)}
    )
    rejected = pd.DataFrame({"unit": units.sample(asn // 10, random_state=1), "nip": None})
    return dict(
        roster=roster,
        indicators=indicators,
        entries=entries,
        behaviour=behaviour,
        history=history,
        rejected=rejected,
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asn", type=int, default=30_000)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()

    started = time.perf_counter()
    tables = synthetic_city(args.asn, args.weeks)
    built = time.perf_counter() - started
    before = peak_rss_mib()
    week = run_week(dt.date(2027, 1, 1), period_start=PERIOD.start, period_end=PERIOD.end)

    started = time.perf_counter()
    result = score_week(
        **tables,
        week=week,
        period=PERIOD,
        scoring=Scoring(),
        organisation="Kota",
    )
    elapsed = time.perf_counter() - started
    entries = len(tables["entries"])
    print(f"synthetic data: {entries:,} entries, {args.asn:,} ASN (built in {built:.1f} s)")
    print(f"scoring: {elapsed:.2f} s, {result.entries_scored:,} entries up to the cut-off")
    print(f"speed: {entries / elapsed:,.0f} entries/s")
    print(f"peak memory (RSS): {peak_rss_mib():,.0f} MiB (the input data alone: {before:,.0f} MiB)")
    print(f"units: {len(result.units) - 1}, distribution-curve breaches: {len(result.breaches)}")


if __name__ == "__main__":
    main()
