"""Letters rendered per second for a city of 30,000 ASN (weekly letter: text and HTML).

The scores come from the real scoring of ``bench_score.synthetic_city`` (a few weeks of entries,
which is all a letter needs), with 8 weeks of Riwayat for the trend, one reflection and a rejected
entry per ASN. Rendering is timed alone, then rendering plus building each ``EmailMessage``.

    python bench/bench_letters.py [--asn 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_score import PERIOD, synthetic_city  # noqa: E402

from workflows.calendar import run_week  # noqa: E402
from workflows.config import Scoring  # noqa: E402
from workflows.letters import Letterhead, Link, render_weekly_letters  # noqa: E402
from workflows.mail import build_message  # noqa: E402
from workflows.score import score_week  # noqa: E402

ENTRY_WEEKS = 4  # entries per indicator; the letters' cost does not depend on it


def letter_inputs(asn: int):
    tables = synthetic_city(asn, ENTRY_WEEKS)
    week = run_week(dt.date(2026, 2, 2), period_start=PERIOD.start, period_end=PERIOD.end)
    result = score_week(**tables, week=week, period=PERIOD, scoring=Scoring(), organisation="Kota")
    nips = result.people["nip"].to_numpy()
    rng = np.random.default_rng(7)
    riwayat = pd.DataFrame(
        {
            "minggu": np.repeat([f"2026-W{w:02d}" for w in range(1, 9)], len(nips))[
                : 8 * len(nips)
            ],
            "nip": np.tile(nips, 8),
            "nilai_capaian": rng.uniform(50, 120, 8 * len(nips)),
        }
    )
    refleksi = pd.DataFrame(
        {
            "minggu": "2026-W04",
            "nip": nips,
            "yang_berjalan_baik": "Semua berkas selesai tepat waktu <b>sesuai SOP</b>.",
            "kendala": "Jaringan lambat pada hari Rabu.",
            "rencana_minggu_depan": "Menuntaskan sisa permohonan.",
            "dukungan_yang_dibutuhkan": None,
            "tanggapan_atasan": "Terima kasih, pertahankan.",
        }
    )
    rejected = pd.DataFrame(
        {
            "row": 17,
            "nip": nips,
            "id_indikator": "IND-01",
            "tanggal": "31/02/2026",
            "realisasi": "dua belas",
            "pesan": "Realisasi 'dua belas' bukan angka. Tulis angka, misalnya 12 atau 12,5.",
            "unit": result.people["unit"].to_numpy(),
        }
    )
    head = Letterhead(organisation="Kota", sender_name="Tim Kinerja", week=week)
    links = {
        u: Link(f"https://docs.google.com/spreadsheets/d/{u}/edit") for u in result.people["unit"]
    }
    return result, rejected, refleksi, riwayat, head, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asn", type=int, default=30_000)
    args = parser.parse_args()
    result, rejected, refleksi, riwayat, head, links = letter_inputs(args.asn)

    def letters():
        return render_weekly_letters(
            result.people,
            result.indicators,
            rejected,
            refleksi,
            riwayat,
            letterhead=head,
            links=links,
        )

    started = time.perf_counter()
    count = sum(1 for _ in letters())
    rendered = time.perf_counter() - started

    started = time.perf_counter()
    for letter in letters():
        build_message(letter, sender_name="Tim Kinerja", sender_address="kinerja@kota.example")
    built = time.perf_counter() - started

    print(f"{count:,} weekly letters (text + HTML) for {len(result.people):,} active ASN")
    print(f"rendering:            {rendered:7.1f} s  {count / rendered:8,.0f} letters/s")
    print(f"rendering + messages: {built:7.1f} s  {count / built:8,.0f} letters/s")


if __name__ == "__main__":
    main()
