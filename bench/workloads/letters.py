"""Letters: the weekly letters of a city of 30,000 ASN rendered, built and serialised to bytes.

The scores come from the real scoring (``score_week``) of a seeded city: five indicators per
ASN with four weeks of entries (all a letter needs), a supervisor for every ten ASN, eight weeks
of Riwayat for the trend, a reflection and a rejected entry each. Names carry Indonesian titles,
commas and apostrophes, a few letters beyond ASCII. Each figure is timed on the same rendered
letters: rendering, then ``mail.build_message`` (the MIME bytes), and as the anchor the
``EmailMessage`` the mail module built before issue 13 (``tests/test_mime.reference``), timed
once (it takes longer than the rest together). The peak memory holds every rendered letter at
once, as a run's ``delivery.send_batch`` does.
"""

from __future__ import annotations

import datetime as dt
import sys
from email.utils import formatdate, make_msgid
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.suite import Figure, PeakMemory, median_seconds  # noqa: E402
from tests.test_mime import SENDER, reference  # noqa: E402
from workflows.calendar import run_week  # noqa: E402
from workflows.config import Period, Scoring  # noqa: E402
from workflows.letters import Letterhead, Link, Rendered, render_weekly_letters  # noqa: E402
from workflows.mail import build_message  # noqa: E402
from workflows.score import ASPECTS, score_week  # noqa: E402

QUICK_SCALE = 0.02
FULL_ASN = 30_000
PER_UNIT, TEAM, INDICATORS, ENTRY_WEEKS = 250, 10, 5, 4
PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
WEEK = run_week(dt.date(2026, 2, 2), period_start=PERIOD.start, period_end=PERIOD.end)
FIRST = ["Siti", "Budi", "Ni Luh Putu Ayu", "Muhammad", "I Gusti Ngurah", "Dewi", "Agus", "Ṡri"]
LAST = ["Rahayu", "Santoso", "Wulandari", "Nur'aini", "Hidayat", "Sutha Wirawan", "Effendi"]
TITLES = ["", ", S.Kom.", ", S.E., M.M.", ", S.Sos.", ", A.Md."]
SATUAN = ["dokumen", "berkas", "%", "laporan", "kegiatan"]


def _pick(rng: np.random.Generator, words: list[str], n: int) -> np.ndarray:
    return np.array(words, dtype=object)[rng.integers(0, len(words), n)]


def _people(asn: int, rng: np.random.Generator) -> pd.DataFrame:
    nips = np.array([f"19{850000 + i:06d}20150{1 + i % 2}1{i % 1000:03d}" for i in range(asn)])
    lead = np.arange(asn) // TEAM * TEAM  # the first of every ten is the others' supervisor
    return pd.DataFrame(
        {
            "nip": nips,
            "nama": _pick(rng, FIRST, asn) + " " + _pick(rng, LAST, asn) + _pick(rng, TITLES, asn),
            "jabatan": "Analis Kebijakan",
            "email": [f"asn{i}@surabaya.example" for i in range(asn)],
            "nip_atasan": np.where(lead == np.arange(asn), None, nips[lead]),
            "status": "Aktif",
            "unit": [f"Kelurahan {i // PER_UNIT + 1:03d}" for i in range(asn)],
            "row": np.arange(asn) % PER_UNIT + 2,
        }
    )


def _indicators(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(people) * INDICATORS
    who = np.repeat(np.arange(len(people)), INDICATORS)
    low = rng.integers(4, 400, n).astype(float)
    high = np.where(rng.random(n) < 0.15, low + 10, low)
    return pd.DataFrame(
        {
            "id": np.tile([f"IKI-{k + 1}" for k in range(INDICATORS)], len(people)),
            "nip": people["nip"].to_numpy()[who],
            "rhk": "Terlaksananya pelayanan administrasi kependudukan",
            "indikator": "Jumlah permohonan yang diselesaikan tepat waktu",
            "aspek": "Kuantitas",
            "satuan": _pick(rng, SATUAN, n),
            "target": low,
            "target_low": low,
            "target_high": high,
            "target_text": [
                f"{a:g}–{b:g}" if a != b else f"{a:g}" for a, b in zip(low, high, strict=True)
            ],
            "arah": np.where(rng.random(n) < 0.85, "Naik", "Turun"),
            "agregasi": _pick(rng, ["Jumlah", "Rata-rata", "Terakhir"], n),
            "bobot": rng.integers(10, 30, n).astype(float),
            "wajib_bukti": False,
            "unit": people["unit"].to_numpy()[who],
            "row": np.arange(n) % (PER_UNIT * INDICATORS) + 2,
        }
    )


def _entries(indicators: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    which = np.repeat(np.arange(len(indicators)), ENTRY_WEEKS)
    days = np.tile(np.arange(ENTRY_WEEKS) * 7, len(indicators)) + rng.integers(0, 5, len(which))
    target = indicators["target_low"].to_numpy()[which]
    return pd.DataFrame(
        {
            "tanggal": pd.Timestamp(PERIOD.start) + pd.to_timedelta(days, unit="D"),
            "nip": indicators["nip"].to_numpy()[which],
            "id_indikator": indicators["id"].to_numpy()[which],
            "realisasi": np.round(target * rng.uniform(0.005, 0.04, len(which)), 1),
            "bukti": "https://drive.example/bukti",
            "keterangan": None,
            "status": "OK",
            "unit": indicators["unit"].to_numpy()[which],
            "row": np.arange(len(which)) + 2,
        }
    )


def _behaviour(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rated = people[rng.random(len(people)) < 0.9]
    ratings = ["Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi"]
    return pd.DataFrame(
        {
            "periode": "2026-01",
            "periode_mulai": pd.Timestamp("2026-01-01"),
            "nip": rated["nip"].to_numpy(),
            **{aspect: _pick(rng, ratings, len(rated)) for aspect in ASPECTS},
            "rating_perilaku": None,
            "rating_hasil_kerja": None,
            "catatan_atasan": None,
            "unit": rated["unit"].to_numpy(),
            "row": np.arange(len(rated)) + 2,
        }
    )


def _history(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    nips = people["nip"].to_numpy()
    return pd.DataFrame(
        {
            "minggu": np.repeat([f"2025-W{w}" for w in range(45, 53)], len(nips)),
            "nip": np.tile(nips, 8),
            "nilai_capaian": rng.uniform(40, 120, 8 * len(nips)).round(2),
        }
    )


def _typed(people: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A reflection (with markup typed in it) and a rejected Realisasi entry for each ASN."""
    refleksi = pd.DataFrame(
        {
            "minggu": WEEK.key,
            "nip": people["nip"],
            "yang_berjalan_baik": "Semua berkas selesai <b>sesuai SOP</b> & tepat waktu.",
            "kendala": "Jaringan lambat pada hari Rabu.",
            "rencana_minggu_depan": "Menuntaskan sisa permohonan.",
            "dukungan_yang_dibutuhkan": None,
            "tanggapan_atasan": "Terima kasih, pertahankan.",
        }
    )
    rejected = pd.DataFrame(
        {
            "row": 17,
            "nip": people["nip"],
            "id_indikator": "IKI-1",
            "tanggal": "31/01/2026",
            "realisasi": "dua belas",
            "pesan": "Realisasi 'dua belas' bukan angka. Tulis angka, misalnya 12 atau 12,5.",
            "unit": people["unit"],
        }
    )
    return refleksi, rejected


def city_letters(asn: int, seed: int = 13):
    """A function rendering the weekly letters of ``asn`` scored ASN (seeded)."""
    rng = np.random.default_rng(seed)
    people = _people(asn, rng)
    indicators = _indicators(people, rng)
    result = score_week(
        roster=people,
        indicators=indicators,
        entries=_entries(indicators, rng),
        behaviour=_behaviour(people, rng),
        history=_history(people, rng),
        rejected=pd.DataFrame({"unit": people["unit"].iloc[::7], "nip": None}),
        week=WEEK,
        period=PERIOD,
        scoring=Scoring(),
        organisation="Kota Surabaya",
    )
    refleksi, rejected = _typed(people)
    riwayat = _history(people, rng)
    head = Letterhead(organisation="Kota Surabaya", sender_name="Tim Kinerja", week=WEEK)
    links = {u: Link(f"https://docs.google.com/spreadsheets/d/{u}/edit") for u in people["unit"]}

    def render() -> list[Rendered]:
        return list(
            render_weekly_letters(
                result.people,
                result.indicators,
                rejected,
                refleksi,
                riwayat,
                letterhead=head,
                links=links,
            )
        )

    return render


def build_all(letters: list[Rendered]) -> int:
    """Each letter built and serialised as the transports take it: its bytes (total returned)."""
    return sum(len(build_message(letter, **SENDER).data) for letter in letters)


def build_all_stdlib(letters: list[Rendered]) -> int:
    """The anchor: each letter as the ``EmailMessage`` built before issue 13, then its bytes."""
    domain = SENDER["sender_address"].split("@")[1]
    return sum(
        len(
            reference(letter, message_id=make_msgid(domain=domain), date=formatdate(localtime=True))
        )
        for letter in letters
    )


def run(scale: float, repeats: int) -> list[Figure]:
    asn = max(TEAM, round(FULL_ASN * scale))
    render = city_letters(asn)
    held: list[list[Rendered]] = []

    def render_once() -> None:
        held.clear()  # a repeat's letters go before the next repeat's are rendered
        held.append(render())

    peak = PeakMemory()
    with peak.measure():
        render_s, _ = median_seconds(render_once, repeats)
        build_s, _ = median_seconds(lambda: build_all(held[0]), repeats)
    stdlib_s, _ = median_seconds(lambda: build_all_stdlib(held[0]), 1)  # 5 ms a letter: once
    n = len(held[0])
    return [
        Figure("letters.count", "weekly letters rendered", n, "letters", f"== {asn}", exact=True),
        Figure(
            "letters.per_s",
            "letters rendered, built and serialised",
            n / (render_s + build_s),
            "letters/s",
            ">= 1000",
            anchor="EmailMessage path",
            anchor_value=n / (render_s + stdlib_s),
            size=n,
        ),
        Figure("letters.render_ms", "rendering per letter", render_s / n * 1e3, "ms", size=n),
        Figure(
            "letters.build_ms",
            "MIME bytes per letter",
            build_s / n * 1e3,
            "ms",
            anchor="EmailMessage + as_bytes",
            anchor_value=stdlib_s / n * 1e3,
            size=n,
        ),
        Figure("letters.peak_mib", "peak memory, letters", peak.mib, "MiB", size=n),
    ]
