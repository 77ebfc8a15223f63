"""The Asemrowo demo: realistic, reproducible unit workbooks to try every command on.

Seven units, about fifty fictional ASN, SKP indicators per unit, and for the SKP period of the
given day (``calendar.run_week``) weekly entries from its first Monday up to that day's cut-off,
so the week a run on that day scores is live: ``python run.py demo && python run.py weekly``
shows a current week in any year. Behaviour ratings cover the period's months (or quarters) so
far, reflections its last three weeks. A handful of rows are wrong on purpose
(``PLANTED_MISTAKES``) and a few use unusual but accepted forms (``ACCEPTED_FORMS``), so
validation has something to say; every other row is valid. Those rows sit where the demo for
``DEMO_TODAY`` has them; a demo for a shorter or longer stretch of its period puts them at the
same relative places (``planted_mistakes(week)`` says where). The same day always
gives the same bytes: names come from a seeded Faker, everything else from seeded
``random.Random`` instances, and the files carry the day's 07:00 as their timestamp.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from faker import Faker
from openpyxl.workbook.workbook import Workbook as XlsxBook

from .calendar import RunWeek, run_week, run_week_for
from .config import Config, ConfigError
from .indonesian import format_date
from .local import NUMBER_FORMATS, LocalWorkbook, lock_holder
from .outcomes import ELEMENTS, holiday_list
from .schema import record_tabs, summary_tabs, tab, unit_tabs
from .workbook import RangeUpdate, WorkbookLocked

__all__ = [
    "ACCEPTED_FORMS",
    "DEMO_TODAY",
    "PLANTED_MISTAKES",
    "Planted",
    "planted_mistakes",
    "write_demo",
]

# The day the rows of PLANTED_MISTAKES and ACCEPTED_FORMS refer to: a Monday, week 2026-W48.
DEMO_TODAY = dt.date(2026, 11, 30)
SEED = 2026
EMAIL_DOMAIN = "asemrowo.example"
FORMULA = '="Lembur "&"2 jam"'  # a staff formula in a Keterangan cell that must stay a formula
FUTURE = dt.timedelta(days=21)  # how far ahead of the demo's day the planted future date lies


@dataclass(frozen=True)
class DemoDates:
    """The dates a demo for one run week is built on."""

    week: RunWeek
    mondays: tuple[dt.date, ...]  # every week with entries, the last one possibly partial
    months: tuple[str, ...]  # behaviour rated per month: the period's months so far
    quarters: tuple[str, ...]  # or per quarter
    reflection_weeks: tuple[str, ...]  # the period's last three weeks up to the run's

    @classmethod
    def of(cls, week: RunWeek) -> DemoDates:
        period, cut_off = week.period, week.cut_off
        first = period.start + dt.timedelta(days=(8 - period.start.isoweekday()) % 7)
        count = (cut_off - first).days // 7 + 1 if first <= cut_off else 0
        months = []
        year, month = period.start.year, period.start.month
        while (year, month) <= (cut_off.year, cut_off.month):
            months.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        quarters = dict.fromkeys(f"{m[:4]}-Q{(int(m[5:]) + 2) // 3}" for m in months)
        reflection, earlier = [week.key], week.earlier()
        while len(reflection) < 3 and earlier is not None:
            reflection.insert(0, earlier.key)
            earlier = earlier.earlier()
        return cls(
            week=week,
            mondays=tuple(first + dt.timedelta(weeks=k) for k in range(count)),
            months=tuple(months),
            quarters=tuple(quarters),
            reflection_weeks=tuple(reflection),
        )

    def open_days(self, monday: dt.date) -> int:
        """Working days of that week up to the cut-off (5, fewer in a final partial week)."""
        return min(5, (self.week.cut_off - monday).days + 1)


@dataclass(frozen=True)
class Planted:
    """A demo cell that validation must flag (``code``) or accept (code ``ok``)."""

    unit: str
    tab: str
    row: int  # the sheet row the user sees (header = 1)
    column: str  # the schema column name
    code: str
    severity: str


# Realisasi rows that are wrong on purpose. Each is inserted at its row; a duplicate-entry row is
# the upper of two equal rows (the copy right below it is the one that counts).
PLANTED_MISTAKES: tuple[Planted, ...] = (
    Planted("Sekretariat", "Realisasi", 512, "Realisasi", "formula-error", "error"),
    Planted("Sekretariat", "Realisasi", 1180, "Bukti", "evidence-required", "error"),
    Planted("Seksi Pemerintahan", "Realisasi", 377, "ID Indikator", "unknown-indicator", "error"),
    Planted("Seksi Pelayanan", "Realisasi", 640, "Realisasi", "not-a-number", "error"),
    Planted("Seksi Pelayanan", "Realisasi", 820, "Realisasi", "duplicate-entry", "warning"),
    Planted("Seksi Trantib", "Realisasi", 880, "Tanggal", "future-date", "error"),
    Planted("Kelurahan Asemrowo", "Realisasi", 180, "Tanggal", "impossible-date", "error"),
    Planted("Kelurahan Asemrowo", "Realisasi", 845, "Bukti", "evidence-required", "error"),
    Planted("Kelurahan Genting Kalianak", "Realisasi", 433, "Bukti", "invalid-url", "error"),
    Planted(
        "Kelurahan Genting Kalianak", "Realisasi", 700, "Realisasi", "duplicate-entry", "warning"
    ),
    Planted("Puskesmas Asemrowo", "Realisasi", 731, "NIP", "nip-scientific", "error"),
    Planted("Puskesmas Asemrowo", "Realisasi", 1250, "Realisasi", "negative-number", "error"),
)


@dataclass(frozen=True)
class _Accepted:
    """An accepted-but-unusual input: an extra entry with ``value`` for an indicator of ``spec``,
    or (``spec`` None) the row's NIP written with spaces or its date in Indonesian words."""

    where: Planted
    spec: str | None = None
    value: str | None = None


def _ok(unit: str, tab_name: str, row: int, column: str) -> Planted:
    return Planted(unit, tab_name, row, column, "ok", "ok")


_ACCEPTED: tuple[_Accepted, ...] = (
    _Accepted(_ok("Sekretariat", "Pegawai", 3, "NIP")),
    _Accepted(_ok("Seksi Pelayanan", "Pegawai", 4, "NIP")),
    _Accepted(_ok("Puskesmas Asemrowo", "Pegawai", 6, "NIP")),
    _Accepted(_ok("Seksi Pelayanan", "Realisasi", 301, "NIP")),
    _Accepted(_ok("Seksi Pelayanan", "Realisasi", 212, "Tanggal")),
    _Accepted(_ok("Kelurahan Asemrowo", "Realisasi", 260, "Tanggal")),
    _Accepted(_ok("Puskesmas Asemrowo", "Realisasi", 1203, "Tanggal")),
    _Accepted(_ok("Seksi Trantib", "Realisasi", 455, "Realisasi"), "tra_respon", "12,5"),
    _Accepted(_ok("Seksi Pelayanan", "Realisasi", 760, "Realisasi"), "ply_berkas", "92,5"),
    _Accepted(_ok("Kelurahan Asemrowo", "Realisasi", 1050, "Realisasi"), "kel_sampah", "1.234,5"),
    _Accepted(_ok("Puskesmas Asemrowo", "Realisasi", 960, "Realisasi"), "pkm_sop", "85%"),
)
ACCEPTED_FORMS: tuple[Planted, ...] = tuple(a.where for a in _ACCEPTED)


# -- what each unit does: indicators, jabatan, titles -------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One SKP indicator as a unit defines it; ``kind`` says how weekly values behave."""

    rhk: str
    iki: str
    aspek: str
    satuan: str
    target: float | str  # a number, or a range such as "90-100"
    arah: str
    agregasi: str
    bukti: bool
    kind: str  # count | amount (Jumlah per week) | level | lower | cumulative (towards target)
    sumber: str | None = None  # computed from the unit's records (Indikator › Sumber)

    @property
    def centre(self) -> float:
        if isinstance(self.target, str):
            low, high = (float(x) for x in self.target.split("-"))
            return (low + high) / 2
        return float(self.target)

    @property
    def cap(self) -> float | None:
        return 100.0 if self.satuan in {"%", "indeks"} else None


_PELAYANAN = "Meningkatnya kualitas pelayanan publik"
_ANGGARAN = "Terkelolanya anggaran secara tertib dan akuntabel"

SPECS: dict[str, Spec] = {
    # Sekretariat
    "ikm_kec": Spec(f"{_PELAYANAN} di Kecamatan Asemrowo", "Indeks Kepuasan Masyarakat (IKM) layanan kecamatan", "Kualitas", "indeks", 85, "Naik", "Rata-rata", True, "level"),
    "aduan_kec": Spec(f"{_PELAYANAN} di Kecamatan Asemrowo", "Persentase pengaduan masyarakat yang ditindaklanjuti", "Kualitas", "%", 95, "Naik", "Rata-rata", False, "level"),
    "serapan": Spec(_ANGGARAN, "Persentase realisasi penyerapan anggaran kecamatan", "Biaya", "%", 95, "Naik", "Terakhir", True, "cumulative"),
    "spj": Spec(_ANGGARAN, "Nilai belanja yang dipertanggungjawabkan dalam SPJ", "Biaya", "Rp juta", 9000, "Naik", "Jumlah", True, "amount"),
    "spj_waktu": Spec(_ANGGARAN, "Rata-rata waktu verifikasi SPJ", "Waktu", "hari kerja", 3, "Turun", "Rata-rata", False, "lower"),
    "lakip": Spec("Tersusunnya dokumen perencanaan dan pelaporan kinerja", "Jumlah dokumen perencanaan dan laporan yang diselesaikan", "Kuantitas", "dokumen", 150, "Naik", "Jumlah", True, "count"),
    "surat": Spec("Tertibnya administrasi persuratan", "Jumlah naskah dinas yang diagendakan dan didistribusikan", "Kuantitas", "naskah", 2400, "Naik", "Jumlah", False, "count"),
    "arsip": Spec("Tertibnya administrasi persuratan", "Jumlah arsip dinamis yang ditata dan dialihmediakan", "Kuantitas", "berkas", 1200, "Naik", "Jumlah", False, "count"),
    "kepegawaian": Spec("Terlaksananya layanan administrasi kepegawaian", "Persentase usulan layanan kepegawaian yang diproses tepat waktu", "Kualitas", "%", "90-100", "Naik", "Rata-rata", False, "level"),
    "bmd": Spec("Tertibnya pengelolaan barang milik daerah", "Persentase barang milik daerah yang tercatat dan berlabel", "Kualitas", "%", 95, "Naik", "Terakhir", True, "level"),
    # Seksi Pemerintahan
    "pem_rekom": Spec("Terlaksananya administrasi pemerintahan kecamatan", "Jumlah rekomendasi dan surat keterangan pemerintahan yang diterbitkan", "Kuantitas", "dokumen", 480, "Naik", "Jumlah", True, "count"),
    "pem_tanah": Spec("Tertibnya administrasi pertanahan", "Jumlah berkas administrasi pertanahan yang diverifikasi", "Kuantitas", "berkas", 240, "Naik", "Jumlah", False, "count"),
    "pem_tanah_waktu": Spec("Tertibnya administrasi pertanahan", "Rata-rata waktu verifikasi berkas pertanahan", "Waktu", "hari kerja", 5, "Turun", "Rata-rata", False, "lower"),
    "pem_rtrw": Spec("Meningkatnya kapasitas kelembagaan RT/RW", "Persentase laporan kegiatan RT/RW yang terverifikasi", "Kualitas", "%", 90, "Naik", "Rata-rata", True, "level"),
    "pem_data": Spec("Tersedianya data kewilayahan yang mutakhir", "Persentase data kewilayahan yang dimutakhirkan", "Kualitas", "%", "90-100", "Naik", "Terakhir", False, "level"),
    "pem_rakor": Spec("Meningkatnya koordinasi pemerintahan wilayah", "Jumlah rapat koordinasi wilayah yang difasilitasi", "Kuantitas", "kegiatan", 150, "Naik", "Jumlah", True, "count"),
    "pem_serapan": Spec(_ANGGARAN, "Persentase penyerapan anggaran kegiatan seksi", "Biaya", "%", 90, "Naik", "Terakhir", True, "cumulative"),
    # Seksi Pelayanan (PATEN)
    "ply_dokumen": Spec("Meningkatnya cakupan layanan administrasi terpadu kecamatan (PATEN)", "Jumlah dokumen layanan administrasi yang diterbitkan", "Kuantitas", "dokumen", 600, "Naik", "Jumlah", True, "count"),
    "ply_waktu": Spec(_PELAYANAN + " PATEN", "Rata-rata waktu penyelesaian layanan", "Waktu", "hari kerja", 3, "Turun", "Rata-rata", False, "lower", "Layanan: rata-rata hari kerja"),
    "ply_sop": Spec(_PELAYANAN + " PATEN", "Persentase layanan selesai sesuai SOP", "Kualitas", "%", 95, "Naik", "Rata-rata", False, "level"),
    "ply_berkas": Spec(_PELAYANAN + " PATEN", "Persentase berkas lengkap pada verifikasi pertama", "Kualitas", "%", "90-100", "Naik", "Rata-rata", False, "level"),
    "ply_ikm": Spec(_PELAYANAN + " PATEN", "Indeks Kepuasan Masyarakat (IKM) layanan PATEN", "Kualitas", "indeks", 85, "Naik", "Rata-rata", True, "level"),
    "ply_aduan": Spec("Terkelolanya pengaduan masyarakat", "Persentase pengaduan layanan yang ditindaklanjuti", "Kualitas", "%", 95, "Naik", "Rata-rata", False, "level"),
    "ply_pemohon": Spec("Meningkatnya cakupan layanan administrasi terpadu kecamatan (PATEN)", "Jumlah pemohon yang dilayani di loket PATEN", "Kuantitas", "orang", 2400, "Naik", "Jumlah", False, "count"),
    # Seksi Trantib
    "tra_patroli": Spec("Terjaganya ketenteraman dan ketertiban umum", "Jumlah patroli ketenteraman dan ketertiban wilayah", "Kuantitas", "kegiatan", 240, "Naik", "Jumlah", True, "count"),
    "tra_respon": Spec("Terjaganya ketenteraman dan ketertiban umum", "Rata-rata waktu tanggap pengaduan ketertiban", "Waktu", "jam", 24, "Turun", "Rata-rata", False, "lower"),
    "tra_pkl": Spec("Tertibnya pemanfaatan ruang publik", "Jumlah lokasi PKL dan reklame tanpa izin yang ditertibkan", "Kuantitas", "lokasi", 180, "Naik", "Jumlah", True, "count"),
    "tra_aduan": Spec("Terjaganya ketenteraman dan ketertiban umum", "Persentase pengaduan ketertiban yang diselesaikan", "Kualitas", "%", 90, "Naik", "Rata-rata", False, "level"),
    "tra_linmas": Spec("Meningkatnya kesiapsiagaan perlindungan masyarakat", "Jumlah anggota Linmas yang dibina", "Kuantitas", "orang", 300, "Naik", "Jumlah", False, "count"),
    "tra_bencana": Spec("Meningkatnya kesiapsiagaan perlindungan masyarakat", "Persentase kesiapan sarana penanggulangan bencana", "Kualitas", "%", "90-100", "Naik", "Terakhir", False, "level"),
    # Kelurahan
    "kel_surat": Spec("Meningkatnya kualitas pelayanan kelurahan", "Jumlah surat keterangan dan surat pengantar yang diterbitkan", "Kuantitas", "dokumen", 900, "Naik", "Jumlah", True, "count"),
    "kel_waktu": Spec("Meningkatnya kualitas pelayanan kelurahan", "Rata-rata waktu penerbitan surat keterangan", "Waktu", "hari kerja", 1, "Turun", "Rata-rata", False, "lower"),
    "kel_ikm": Spec("Meningkatnya kualitas pelayanan kelurahan", "Indeks Kepuasan Masyarakat (IKM) layanan kelurahan", "Kualitas", "indeks", 85, "Naik", "Rata-rata", False, "level"),
    "kel_aps": Spec("Meningkatnya partisipasi pendidikan warga", "Angka Partisipasi Sekolah (APS) usia 7-15 tahun", "Kualitas", "%", 98, "Naik", "Terakhir", False, "level"),
    "kel_sampah": Spec("Meningkatnya pengelolaan sampah berbasis masyarakat", "Jumlah sampah terpilah melalui bank sampah", "Kuantitas", "kg", 60000, "Naik", "Jumlah", True, "amount"),
    "kel_bansos": Spec("Tepatnya sasaran bantuan sosial", "Persentase data penerima bantuan sosial yang diverifikasi", "Kualitas", "%", "90-100", "Naik", "Rata-rata", True, "level"),
    "kel_posyandu": Spec("Meningkatnya pemberdayaan masyarakat", "Jumlah kegiatan posyandu dan kader yang didampingi", "Kuantitas", "kegiatan", 200, "Naik", "Jumlah", False, "count"),
    "kel_adminduk": Spec("Meningkatnya kualitas pelayanan kelurahan", "Jumlah layanan administrasi kependudukan yang difasilitasi", "Kuantitas", "dokumen", 720, "Naik", "Jumlah", True, "count"),
    "kel_lingkungan": Spec("Terjaganya ketertiban dan kebersihan lingkungan", "Jumlah kegiatan ketertiban dan kebersihan lingkungan", "Kuantitas", "kegiatan", 160, "Naik", "Jumlah", False, "count"),
    "kel_serapan": Spec(_ANGGARAN, "Persentase penyerapan anggaran kelurahan", "Biaya", "%", 95, "Naik", "Terakhir", True, "cumulative"),
    # Puskesmas
    "pkm_ikm": Spec("Meningkatnya mutu pelayanan kesehatan", "Indeks Kepuasan Masyarakat (IKM) Puskesmas Asemrowo", "Kualitas", "indeks", 85, "Naik", "Rata-rata", True, "level", "Survei: IKM"),
    "pkm_kunjungan": Spec("Meningkatnya akses pelayanan kesehatan", "Jumlah kunjungan pasien rawat jalan yang dilayani", "Kuantitas", "orang", 36000, "Naik", "Jumlah", False, "count"),
    "pkm_tunggu": Spec("Meningkatnya mutu pelayanan kesehatan", "Rata-rata waktu tunggu pelayanan rawat jalan", "Waktu", "menit", 60, "Turun", "Rata-rata", False, "lower"),
    "pkm_sop": Spec("Meningkatnya mutu pelayanan kesehatan", "Persentase pelayanan sesuai standar pelayanan minimal", "Kualitas", "%", 95, "Naik", "Rata-rata", False, "level"),
    "pkm_anc": Spec("Meningkatnya kesehatan ibu dan anak", "Jumlah ibu hamil yang mendapat pelayanan antenatal", "Kuantitas", "orang", 600, "Naik", "Jumlah", True, "count"),
    "pkm_imunisasi": Spec("Meningkatnya kesehatan ibu dan anak", "Persentase bayi yang mendapat imunisasi dasar lengkap", "Kualitas", "%", 95, "Naik", "Terakhir", False, "level"),
    "pkm_obat": Spec("Terjaminnya ketersediaan obat", "Persentase ketersediaan obat esensial", "Kualitas", "%", "90-100", "Naik", "Terakhir", False, "level"),
    "pkm_lab": Spec("Meningkatnya akses pelayanan kesehatan", "Jumlah pemeriksaan laboratorium yang dilayani", "Kuantitas", "sampel", 4800, "Naik", "Jumlah", False, "count"),
    "pkm_rekam": Spec("Meningkatnya mutu pelayanan kesehatan", "Persentase rekam medis lengkap dan tepat waktu", "Kualitas", "%", 95, "Naik", "Rata-rata", False, "level"),
    "pkm_penyuluhan": Spec("Meningkatnya perilaku hidup bersih dan sehat", "Jumlah kegiatan penyuluhan kesehatan masyarakat", "Kuantitas", "kegiatan", 150, "Naik", "Jumlah", True, "count"),
    "pkm_serapan": Spec(_ANGGARAN, "Persentase penyerapan anggaran BLUD puskesmas", "Biaya", "%", 95, "Naik", "Terakhir", True, "cumulative"),
}  # fmt: skip

HEAD = "head"  # a role's atasan: the first role of its unit
GENERAL_TITLES = (
    "{}",
    "{}",
    "{}, S.Sos.",
    "{}, S.E.",
    "{}, S.Kom.",
    "{}, S.AP.",
    "{}, A.Md.",
    "{}, S.H.",
)
HEAD_TITLES = ("{}, S.Sos., M.Si.", "{}, S.STP., M.AP.", "{}, S.H., M.H.", "{}, S.E., M.M.")


@dataclass(frozen=True)
class Role:
    """A jabatan in a unit, its indicators with their Bobot, and how its holder is named."""

    jabatan: str
    indicators: tuple[tuple[str, float], ...]
    titles: tuple[str, ...] = GENERAL_TITLES
    atasan: str | None = HEAD  # HEAD, a jabatan in Sekretariat, or None
    female: bool = False
    active: bool = True


@dataclass(frozen=True)
class UnitPlan:
    code: str  # prefix of the unit's indicator IDs
    slug: str  # folder name in evidence links
    roles: tuple[Role, ...]  # the unit head first
    notes: tuple[str, ...]  # what staff write in Keterangan
    quarterly: bool = False  # behaviour rated per quarter instead of per month


PLANS: dict[str, UnitPlan] = {
    "Sekretariat": UnitPlan("SEK", "sekretariat", (
        Role("Camat", (("ikm_kec", 40), ("aduan_kec", 30), ("serapan", 30)), HEAD_TITLES, None),
        Role("Sekretaris Camat", (("serapan", 2), ("lakip", 1), ("kepegawaian", 1), ("spj_waktu", 1)), HEAD_TITLES, "Camat"),
        Role("Kepala Subbagian Umum dan Kepegawaian", (("surat", 30), ("kepegawaian", 30), ("bmd", 40)), atasan="Sekretaris Camat"),
        Role("Kepala Subbagian Perencanaan dan Keuangan", (("lakip", 30), ("serapan", 40), ("spj_waktu", 30)), atasan="Sekretaris Camat"),
        Role("Bendahara Pengeluaran", (("spj", 40), ("spj_waktu", 30), ("serapan", 30)), atasan="Sekretaris Camat"),
        Role("Analis Sumber Daya Manusia Aparatur", (("kepegawaian", 2), ("surat", 1), ("arsip", 1)), atasan="Sekretaris Camat"),
        Role("Pengadministrasi Perkantoran", (("surat", 40), ("arsip", 40), ("spj_waktu", 20)), atasan="Sekretaris Camat"),
        Role("Pengelola Barang Milik Daerah", (("bmd", 50), ("arsip", 25), ("surat", 25)), atasan="Sekretaris Camat"),
    ), ("Termasuk naskah dinas dari kelurahan.", "Rekap dikirim kepada Sekretaris Camat melalui surel.", "Data sesuai buku agenda.", "Menunggu tanda tangan pejabat."),
    ),
    "Seksi Pemerintahan": UnitPlan("PEM", "pemerintahan", (
        Role("Kepala Seksi Pemerintahan", (("pem_rekom", 30), ("pem_rakor", 30), ("pem_serapan", 40)), HEAD_TITLES, "Camat"),
        Role("Analis Kebijakan Ahli Pertama", (("pem_rtrw", 2), ("pem_data", 1), ("pem_rakor", 1))),
        Role("Pengadministrasi Pemerintahan", (("pem_rekom", 40), ("pem_rtrw", 30), ("pem_data", 30), ("pem_rakor", 20))),
        Role("Pengolah Data Pertanahan", (("pem_tanah", 40), ("pem_tanah_waktu", 40), ("pem_data", 20))),
        Role("Pengelola Data Kewilayahan", (("pem_data", 30), ("pem_rtrw", 30), ("pem_rekom", 20), ("pem_rakor", 10), ("pem_tanah", 10))),
    ), ("Rapat bersama Ketua RW se-Kelurahan Asemrowo.", "Verifikasi dilakukan di kantor kelurahan.", "Data dari laporan bulanan RT/RW.", "Koordinasi dengan BPN Kota Surabaya."),
    ),
    "Seksi Pelayanan": UnitPlan("PLY", "pelayanan", (
        Role("Kepala Seksi Pelayanan", (("ply_ikm", 40), ("ply_sop", 30), ("ply_waktu", 30)), HEAD_TITLES, "Camat"),
        Role("Analis Pelayanan Publik", (("ply_ikm", 30), ("ply_aduan", 30), ("ply_berkas", 40))),
        Role("Pengelola Layanan Perizinan", (("ply_dokumen", 40), ("ply_waktu", 30), ("ply_sop", 30))),
        Role("Pengadministrasi Layanan", (("ply_dokumen", 2), ("ply_pemohon", 1), ("ply_berkas", 1))),
        Role("Pengadministrasi Layanan", (("ply_dokumen", 40), ("ply_pemohon", 30), ("ply_waktu", 30), ("ply_sop", 20))),
        Role("Operator Layanan Operasional", (("ply_pemohon", 50), ("ply_dokumen", 30), ("ply_berkas", 20))),
        Role("Pengelola Pengaduan Masyarakat", (("ply_aduan", 50), ("ply_ikm", 30), ("ply_waktu", 20))),
    ), ("Termasuk layanan jemput bola di balai RW.", "Antrean ramai menjelang akhir bulan.", "Data sesuai rekap aplikasi layanan.", "Sebagian berkas dikembalikan untuk dilengkapi."),
    ),
    "Seksi Trantib": UnitPlan("TRA", "trantib", (
        Role("Kepala Seksi Ketenteraman dan Ketertiban Umum", (("tra_aduan", 40), ("tra_patroli", 30), ("tra_bencana", 30)), HEAD_TITLES, "Camat"),
        Role("Analis Ketenteraman dan Ketertiban", (("tra_aduan", 30), ("tra_respon", 40), ("tra_bencana", 30))),
        Role("Polisi Pamong Praja Terampil", (("tra_patroli", 40), ("tra_pkl", 40), ("tra_respon", 20))),
        Role("Polisi Pamong Praja Terampil", (("tra_patroli", 2), ("tra_pkl", 2), ("tra_linmas", 1))),
        Role("Polisi Pamong Praja Terampil", (), active=False),
        Role("Pengelola Perlindungan Masyarakat", (("tra_linmas", 40), ("tra_bencana", 30), ("tra_patroli", 30))),
        Role("Pengadministrasi Umum", (("tra_aduan", 40), ("tra_respon", 30), ("tra_linmas", 30))),
    ), ("Bersama Babinsa dan Bhabinkamtibmas.", "Patroli malam di sekitar Jalan Tambak Mayor.", "Penertiban disertai sosialisasi kepada pedagang.", "Laporan warga melalui layanan pengaduan."),
    ),
    "Kelurahan Asemrowo": UnitPlan("KAS", "kel-asemrowo", (
        Role("Lurah Asemrowo", (("kel_ikm", 40), ("kel_surat", 30), ("kel_serapan", 30)), HEAD_TITLES, "Camat"),
        Role("Sekretaris Kelurahan", (("kel_serapan", 40), ("kel_waktu", 30), ("kel_surat", 30))),
        Role("Kepala Seksi Pemerintahan dan Pelayanan Publik", (("kel_surat", 30), ("kel_adminduk", 40), ("kel_waktu", 30))),
        Role("Kepala Seksi Kesejahteraan Rakyat dan Perekonomian", (("kel_aps", 2), ("kel_bansos", 2), ("kel_posyandu", 1), ("kel_sampah", 1))),
        Role("Kepala Seksi Ketenteraman, Ketertiban dan Pembangunan", (("kel_lingkungan", 50), ("kel_sampah", 30), ("kel_posyandu", 20))),
        Role("Pengadministrasi Kependudukan", (("kel_adminduk", 50), ("kel_surat", 30), ("kel_waktu", 20))),
        Role("Pengelola Layanan Masyarakat", (("kel_surat", 40), ("kel_bansos", 30), ("kel_ikm", 30))),
    ), ("Layanan di balai RW 03.", "Bersama kader Surabaya Hebat.", "Data dari laporan bank sampah unit.", "Sebagian berkas dikembalikan untuk dilengkapi."),
    ),
    "Kelurahan Genting Kalianak": UnitPlan("KGK", "kel-genting-kalianak", (
        Role("Lurah Genting Kalianak", (("kel_ikm", 30), ("kel_surat", 30), ("kel_serapan", 40)), HEAD_TITLES, "Camat"),
        Role("Sekretaris Kelurahan", (("kel_serapan", 2), ("kel_waktu", 1), ("kel_surat", 1))),
        Role("Kepala Seksi Pemerintahan dan Pelayanan Publik", (("kel_adminduk", 40), ("kel_surat", 30), ("kel_waktu", 30))),
        Role("Kepala Seksi Kesejahteraan Rakyat dan Perekonomian", (("kel_aps", 30), ("kel_bansos", 30), ("kel_posyandu", 20), ("kel_sampah", 20))),
        Role("Pengadministrasi Umum", (("kel_surat", 40), ("kel_adminduk", 40), ("kel_lingkungan", 20))),
        Role("Pengelola Layanan Masyarakat", (("kel_bansos", 40), ("kel_ikm", 30), ("kel_posyandu", 30))),
    ), ("Layanan di balai RW 02.", "Bersama kader Surabaya Hebat.", "Rekap dari pengurus RT/RW.", "Kegiatan kerja bakti bersama warga."),
        quarterly=True,
    ),
    "Puskesmas Asemrowo": UnitPlan("PKM", "puskesmas", (
        Role("Kepala Puskesmas", (("pkm_ikm", 40), ("pkm_sop", 30), ("pkm_serapan", 30)), ("dr. {}", "dr. {}, M.Kes."), "Camat"),
        Role("Kepala Subbagian Tata Usaha", (("pkm_serapan", 40), ("pkm_rekam", 30), ("pkm_ikm", 30))),
        Role("Dokter Ahli Pertama", (("pkm_kunjungan", 30), ("pkm_tunggu", 30), ("pkm_sop", 40)), ("dr. {}",)),
        Role("Perawat Ahli Pertama", (("pkm_kunjungan", 2), ("pkm_rekam", 1), ("pkm_tunggu", 1)), ("Ns. {}, S.Kep.",)),
        Role("Perawat Terampil", (("pkm_kunjungan", 40), ("pkm_rekam", 30), ("pkm_sop", 30)), ("{}, A.Md.Kep.",)),
        Role("Perawat Terampil", (), ("{}, A.Md.Kep.",), active=False),
        Role("Bidan Ahli Pertama", (("pkm_anc", 40), ("pkm_imunisasi", 40), ("pkm_penyuluhan", 20)), ("{}, S.Tr.Keb.",), female=True),
        Role("Bidan Terampil", (("pkm_anc", 50), ("pkm_imunisasi", 30), ("pkm_rekam", 20)), ("{}, A.Md.Keb.",), female=True),
        Role("Apoteker Ahli Pertama", (("pkm_obat", 50), ("pkm_rekam", 25), ("pkm_sop", 25)), ("apt. {}, S.Farm.",)),
        Role("Pranata Laboratorium Kesehatan Terampil", (("pkm_lab", 50), ("pkm_tunggu", 25), ("pkm_sop", 25)), ("{}, A.Md.AK.",)),
        Role("Penyuluh Kesehatan Masyarakat Ahli Pertama", (("pkm_penyuluhan", 40), ("pkm_ikm", 30), ("pkm_anc", 30)), ("{}, S.KM.",)),
    ), ("Termasuk pelayanan di posyandu.", "Pelayanan puskesmas keliling.", "Data dari aplikasi rekam medis elektronik.", "Bersama kader kesehatan kelurahan."),
        quarterly=True,
    ),
}  # fmt: skip

# How a performance level shows in the numbers: the spread of factors on target, the share of
# weeks left empty, and the chance of each behaviour rating per aspect (Di Atas, Di Bawah).
LEVELS = {
    "excellent": {"perf": (1.12, 1.2), "gap": 0.0, "above": 0.45, "below": 0.0},
    "normal": {"perf": (0.93, 1.06), "gap": 0.03, "above": 0.1, "below": 0.02},
    "low": {"perf": (0.62, 0.8), "gap": 0.1, "above": 0.02, "below": 0.35},
}
N_EXCELLENT, N_LOW, N_SILENT_LAST_WEEK, N_UNRATED = 5, 6, 6, 3

RATING = ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi")
CATATAN = {
    "excellent": (
        "Menunjukkan inisiatif tinggi dan menjadi teladan bagi rekan kerja.",
        "Sangat responsif terhadap kebutuhan masyarakat. Pertahankan.",
    ),
    "normal": (
        "Pertahankan kedisiplinan dan kerja sama tim.",
        "Perlu meningkatkan ketepatan waktu pelaporan realisasi.",
        "Kinerja sesuai harapan. Tingkatkan koordinasi dengan seksi lain.",
    ),
    "low": (
        "Perlu meningkatkan kedisiplinan dalam melaporkan realisasi mingguan.",
        "Diharapkan lebih aktif berkoordinasi dan meminta arahan bila menemui kendala.",
    ),
}
REFLECTION = {
    "yang_berjalan_baik": (
        "Seluruh permohonan yang masuk pekan ini selesai diproses sesuai SOP.",
        "Koordinasi dengan pengurus RT/RW berjalan lancar sehingga data terhimpun tepat waktu.",
        "Rekapitulasi laporan mingguan selesai sebelum batas waktu.",
        "Tindak lanjut pengaduan masyarakat selesai dalam waktu kurang dari dua hari.",
        "Kegiatan lapangan terlaksana sesuai jadwal dengan dukungan rekan kerja.",
    ),
    "kendala": (
        "Jaringan internet di kantor beberapa kali terputus sehingga input data tertunda.",
        "Sebagian pemohon belum melengkapi berkas persyaratan.",
        "Jumlah pemohon meningkat menjelang akhir bulan sehingga antrean lebih panjang.",
        "Beberapa laporan dari RT/RW terlambat diterima.",
        "Ada tugas tambahan rapat koordinasi di luar jadwal.",
        "Tidak ada kendala berarti.",
    ),
    "rencana_minggu_depan": (
        "Menyelesaikan sisa berkas yang belum lengkap dan menghubungi pemohon.",
        "Menyusun rekapitulasi capaian bulan November.",
        "Melakukan verifikasi lapangan bersama kader dan pengurus RT/RW.",
        "Memperbarui data pada aplikasi sesuai hasil verifikasi.",
        "Menyiapkan bahan laporan kinerja akhir tahun.",
    ),
    "dukungan_yang_dibutuhkan": (
        "Perbaikan jaringan internet di ruang pelayanan.",
        "Tambahan petugas pada jam sibuk.",
        "Arahan mengenai prioritas pekerjaan akhir tahun.",
        "Pendampingan penggunaan aplikasi yang baru.",
        None,
    ),
    "tanggapan_atasan": (
        "Terima kasih atas laporannya. Pertahankan kinerja yang baik.",
        "Kendala jaringan sudah disampaikan kepada Subbagian Umum untuk ditindaklanjuti.",
        "Mohon prioritaskan berkas yang sudah melewati batas waktu layanan.",
        "Silakan berkoordinasi dengan rekan satu seksi agar beban kerja merata.",
        "Rencana sudah tepat. Sampaikan perkembangannya pada rapat hari Senin.",
    ),
}


# -- people --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    id: str
    spec: Spec
    bobot: float


@dataclass(frozen=True)
class Person:
    unit: str
    nip: str
    name: str
    jabatan: str
    email: str
    atasan: str | None
    active: bool
    level: str
    perf: float
    indicators: tuple[Indicator, ...]
    silent_last_week: bool = False  # no entry in the demo's week, so reminders have recipients
    unrated: bool = False  # no behaviour rating yet, so the predikat stays pending
    silent_indicator: str | None = None  # an indicator never reported on


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).lower())


def _new_nip(rng: random.Random, *, female: bool, senior: bool, used: set[str]) -> str:
    """A NIP as Perka BKN 22/2007 builds it: birth date, CPNS month at age 20-35, sex, sequence."""
    first = dt.date(1968 if senior else 1975, 1, 1)
    span = (dt.date(1984 if senior else 2000, 12, 31) - first).days
    while True:
        birth = first + dt.timedelta(days=rng.randrange(span))
        year = birth.year + rng.randint(21, 35)
        if year > 2025:
            continue
        nip = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{2 if female else 1}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


@functools.cache
def _build_people() -> dict[str, list[Person]]:
    """Everyone in every planned unit, the same on every call (built once: do not mutate)."""
    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    nips: set[str] = set()
    emails: set[str] = set()
    drafts: list[dict[str, Any]] = []
    for unit, plan in PLANS.items():
        for index, role in enumerate(plan.roles):
            female = role.female or rng.random() < 0.45
            while True:
                first = fake.first_name_female() if female else fake.first_name_male()
                last = fake.last_name_female() if female else fake.last_name_male()
                email = f"{_ascii_word(first)}.{_ascii_word(last)}@{EMAIL_DOMAIN}"
                if email not in emails:
                    emails.add(email)
                    break
            drafts.append(
                {
                    "unit": unit,
                    "role": role,
                    "head": index == 0,
                    "name": rng.choice(role.titles).format(f"{first} {last}"),
                    "email": email,
                    "nip": _new_nip(
                        rng, female=female, senior=role.titles == HEAD_TITLES, used=nips
                    ),
                }
            )
    by_jabatan = {d["role"].jabatan: d["nip"] for d in drafts if d["unit"] == "Sekretariat"}
    heads = {d["unit"]: d["nip"] for d in drafts if d["head"]}
    active = [i for i, d in enumerate(drafts) if d["role"].active]
    picked = rng.sample(active, N_EXCELLENT + N_LOW)
    levels = {i: "excellent" for i in picked[:N_EXCELLENT]} | {
        i: "low" for i in picked[N_EXCELLENT:]
    }
    not_excellent = [i for i in active if levels.get(i) != "excellent"]
    silent_week = set(rng.sample(not_excellent, N_SILENT_LAST_WEEK))
    unrated = set(rng.sample(active, N_UNRATED))
    silent_owner = rng.choice([i for i in active if len(drafts[i]["role"].indicators) >= 4])

    people: dict[str, list[Person]] = {unit: [] for unit in PLANS}
    counters = dict.fromkeys(PLANS, 0)
    for i, d in enumerate(drafts):
        unit, role = d["unit"], d["role"]
        plan = PLANS[unit]
        indicators = []
        for key, bobot in role.indicators:
            counters[unit] += 1
            indicators.append(Indicator(f"{plan.code}-{counters[unit]:02d}", SPECS[key], bobot))
        level = levels.get(i, "normal")
        atasan = role.atasan
        people[unit].append(
            Person(
                unit=unit,
                nip=d["nip"],
                name=d["name"],
                jabatan=role.jabatan,
                email=d["email"],
                atasan=None
                if atasan is None
                else heads[unit]
                if atasan == HEAD
                else by_jabatan[atasan],
                active=role.active,
                level=level,
                perf=round(rng.uniform(*LEVELS[level]["perf"]), 3),
                indicators=tuple(indicators),
                silent_last_week=i in silent_week,
                unrated=i in unrated,
                silent_indicator=indicators[-1].id if i == silent_owner else None,
            )
        )
    return people


# -- values --------------------------------------------------------------------------------------


def _number(value: float) -> int | float:
    """Whole numbers as int, so cells show 12 rather than 12.0."""
    return int(value) if float(value).is_integer() else value


def _weekly_values(
    spec: Spec, perf: float, week: int, weeks: int, rng: random.Random
) -> list[float]:
    """Week ``week`` of ``weeks``: a value near the target, scaled by the person's level."""
    if spec.kind in {"count", "amount"}:
        value = spec.centre * 7 / 365 * perf * rng.uniform(0.85, 1.15)
        value = max(0, round(value)) if spec.kind == "count" else round(value, 1)
        if rng.random() < 0.2 and value >= 2:  # reported in two parts, on two days
            part = round(value * rng.uniform(0.3, 0.7), 0 if spec.kind == "count" else 1)
            return [part, round(value - part, 1)]
        return [value]
    if spec.kind == "lower":
        return [max(0.5, round(spec.centre * (2 - perf) * rng.uniform(0.9, 1.1), 1))]
    if spec.kind == "cumulative":
        value = spec.centre * perf * (week + 1) / weeks
    else:
        value = spec.centre * perf * rng.uniform(0.96, 1.04)
    return [round(min(value, spec.cap or value), 1)]


def _typical(spec: Spec) -> int | float:
    """A plausible single value, for rows built around a planted mistake."""
    return _number(round(spec.centre * 7 / 365) if spec.agregasi == "Jumlah" else spec.centre)


def _evidence(plan: UnitPlan, indicator: Indicator, day: dt.date, rng: random.Random) -> str:
    return (
        f"https://drive.example/asemrowo/{plan.slug}/{day:%Y-%m}/"
        f"{indicator.id.lower()}-{rng.getrandbits(24):06x}"
    )


def _date_cell(day: dt.date, rng: random.Random) -> dt.date | str:
    """Mostly a real date cell; sometimes typed as text, the way staff often do."""
    return f"{day:%d/%m/%Y}" if rng.random() < 0.04 else day


def _spaced(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


# -- tabs ----------------------------------------------------------------------------------------


def _pegawai_rows(people: list[Person]) -> list[list[Any]]:
    return [
        [p.nip, p.name, p.jabatan, p.email, p.atasan, "Aktif" if p.active else "Nonaktif"]
        for p in people
    ]


def _indikator_rows(people: list[Person]) -> list[list[Any]]:
    return [
        [
            ind.id,
            p.nip,
            ind.spec.rhk,
            ind.spec.iki,
            ind.spec.aspek,
            ind.spec.satuan,
            _number(ind.spec.target) if not isinstance(ind.spec.target, str) else ind.spec.target,
            ind.spec.arah,
            ind.spec.agregasi,
            _number(ind.bobot),
            "Ya" if ind.spec.bukti else "Tidak",
            ind.spec.sumber,
        ]
        for p in people
        for ind in p.indicators
    ]


def _realisasi_rows(
    plan: UnitPlan, people: list[Person], rng: random.Random, dates: DemoDates
) -> list[list[Any]]:
    """Weekly entries of every active ASN, in date order, all valid."""
    entries: list[tuple[dt.date, int, int, list[Any]]] = []
    weeks = len(dates.mondays)
    for week, monday in enumerate(dates.mondays):
        open_days = dates.open_days(monday)
        for order, person in enumerate(people):
            if not person.active or rng.random() < LEVELS[person.level]["gap"]:
                continue
            if person.silent_last_week and week == weeks - 1:
                continue
            for slot, ind in enumerate(person.indicators):
                if ind.id == person.silent_indicator:
                    continue
                values = _weekly_values(ind.spec, person.perf, week, weeks, rng)
                if len(values) > open_days:  # a short final week: reported in one go
                    values = [round(sum(values), 1)]
                days = sorted(rng.sample(range(open_days), len(values)))
                for weekday, value in zip(days, values, strict=True):
                    day = monday + dt.timedelta(days=weekday)
                    wants_link = ind.spec.bukti or rng.random() < 0.15
                    row = [
                        _date_cell(day, rng),
                        person.nip,
                        ind.id,
                        _number(value),
                        _evidence(plan, ind, day, rng) if wants_link else None,
                        rng.choice(plan.notes) if rng.random() < 0.06 else None,
                    ]
                    entries.append((day, order, slot, row))
    entries.sort(key=lambda e: e[:3])
    # Computed indicators take no typed entries; their values were drawn all the same, so the
    # other entries stay as they were.
    computed = {i.id for p in people for i in p.indicators if i.spec.sumber}
    return [e[3] for e in entries if e[3][2] not in computed]


def _row_date(row: list[Any]) -> dt.date:
    day = row[0]
    return dt.datetime.strptime(day, "%d/%m/%Y").date() if isinstance(day, str) else day


# The indicator a planted row is about, so that its fault is its only one (and reads naturally:
# "dua belas" for a count); other codes use the indicator of the row it sits next to.
_PLANTED_FITS: dict[str, Callable[[Indicator], bool]] = {
    "evidence-required": lambda i: i.spec.bukti,
    "invalid-url": lambda i: not i.spec.bukti,
    "not-a-number": lambda i: i.spec.kind == "count",
}


def _planted_row(
    code: str, plan: UnitPlan, people: list[Person], near: list[Any], dates: DemoDates
) -> list[Any]:
    """A row whose only fault is ``code``, dated and owned like the row it sits next to."""
    rng = random.Random(f"{SEED}-{code}-{plan.code}")
    owner = next(p for p in people if p.nip == near[1])
    day = _row_date(near)
    fits = _PLANTED_FITS.get(code, lambda i: i.id == near[2])
    candidates = [owner, *(p for p in people if p.active and p is not owner)]
    owner, ind = next((p, i) for p in candidates for i in p.indicators if fits(i))
    row = [day, owner.nip, ind.id, _typical(ind.spec), _evidence(plan, ind, day, rng), None]
    match code:
        case "evidence-required":
            row[4] = None
        case "invalid-url":
            row[4] = "drive folder saya"
        case "not-a-number":
            row[3] = "dua belas"
        case "negative-number":
            row[3] = -5
        case "formula-error":
            row[3] = "#REF!"
        case "future-date":
            row[0] = f"{dates.week.today + FUTURE:%d/%m/%Y}"
        case "impossible-date":
            row[0] = f"31/02/{day.year}"
        case "unknown-indicator":
            row[2] = f"{plan.code}-{sum(len(p.indicators) for p in people) + 1:02d}"
        case "nip-scientific":
            row[1] = float(f"{int(owner.nip):.14e}")  # what a spreadsheet keeps of 18 digits
        case _:
            raise ValueError(f"no demo row for {code}")
    return row


def _accepted_row(
    accepted: _Accepted, plan: UnitPlan, people: list[Person], near: list[Any]
) -> list[Any]:
    """An extra, valid entry whose value is typed in an unusual but accepted form."""
    spec = SPECS[accepted.spec]
    owner, ind = next((p, i) for p in people if p.active for i in p.indicators if i.spec is spec)
    day = _row_date(near)
    link = _evidence(plan, ind, day, random.Random(f"{SEED}-{ind.id}")) if spec.bukti else None
    return [day, owner.nip, ind.id, accepted.value, link, None]


def _special_rows(unit: str) -> list[tuple[Planted, _Accepted | None]]:
    """The unit's planted and accepted Realisasi rows as ``DEMO_TODAY``'s demo has them."""
    rows: list[tuple[Planted, _Accepted | None]] = [
        (p, None) for p in PLANTED_MISTAKES if p.unit == unit
    ]
    rows += [(a.where, a) for a in _ACCEPTED if a.where.unit == unit and a.where.tab == "Realisasi"]
    return sorted(rows, key=lambda r: r[0].row)


def _adds_a_row(accepted: _Accepted | None) -> bool:
    """A mistake, a duplicate's copy or an accepted entry is an extra row; an accepted form is
    typed into a generated one."""
    return accepted is None or accepted.spec is not None


def _layout(unit: str, generated: int, reference: int) -> list[tuple[Planted, _Accepted | None]]:
    """The special rows moved to the same relative places among ``generated`` valid rows as
    they have among the ``reference`` valid rows of ``DEMO_TODAY``'s demo (unchanged there).

    Each special row owns one generated row: the one it is inserted above, the one it is typed
    into, or (a duplicate) the one copied right below it; no two own the same. A period's first
    days may have fewer generated rows than special ones: then there are none.
    """
    specials = _special_rows(unit)
    if generated < len(specials):
        return []
    owned, added = [], 0
    for where, accepted in specials:
        owned.append((where.row - 2 - added) * generated // reference)
        added += _adds_a_row(accepted)
    for k in range(1, len(owned)):
        owned[k] = max(owned[k], owned[k - 1] + 1)
    for k in reversed(range(len(owned))):
        owned[k] = min(owned[k], generated - len(owned) + k)
    laid_out, added = [], 0
    for (where, accepted), index in zip(specials, owned, strict=True):
        laid_out.append((replace(where, row=index + added + 2), accepted))
        added += _adds_a_row(accepted)
    return laid_out


def _with_special_rows(
    plan: UnitPlan,
    people: list[Person],
    rows: list[list[Any]],
    layout: list[tuple[Planted, _Accepted | None]],
    dates: DemoDates,
) -> list[list[Any]]:
    """Insert the planted and accepted extra rows at their sheet rows, then apply in-place forms."""
    for where, accepted in layout:
        index = where.row - 2
        if accepted is None and where.code == "duplicate-entry":
            rows.insert(index + 1, list(rows[index]))  # the copy below is the one that counts
        elif accepted is None:
            rows.insert(index, _planted_row(where.code, plan, people, rows[index], dates))
        elif accepted.spec is not None:
            rows.insert(index, _accepted_row(accepted, plan, people, rows[index]))
    for where, accepted in layout:
        if accepted is None or accepted.spec is not None:
            continue
        row = rows[where.row - 2]
        if where.column == "NIP":
            row[1] = _spaced(row[1])
        else:
            row[0] = format_date(_row_date(row), with_weekday=False)
    return rows


def _perilaku_rows(
    plan: UnitPlan, people: list[Person], rng: random.Random, dates: DemoDates
) -> list[list[Any]]:
    periods = dates.quarters if plan.quarterly else dates.months
    rows = []
    for period in periods:
        for person in people:
            if not person.active or person.unrated:
                continue
            odds = LEVELS[person.level]
            aspects = []
            for _ in range(7):
                draw = rng.random()
                aspects.append(
                    RATING[2] if draw < odds["above"] else
                    RATING[0] if draw > 1 - odds["below"] else RATING[1]
                )  # fmt: skip
            # the supervisor's overall rating, when given, follows the most common aspect rating
            overall = (
                max(RATING[1:] + RATING[:1], key=aspects.count) if rng.random() < 0.1 else None
            )
            hasil = None
            if rng.random() < 0.06:
                hasil = {"excellent": RATING[2], "normal": RATING[1], "low": RATING[0]}[
                    person.level
                ]
            note = rng.choice(CATATAN[person.level]) if rng.random() < 0.2 else None
            rows.append([period, person.nip, *aspects, overall, hasil, note])
    return rows


def _refleksi_rows(people: list[Person], rng: random.Random, dates: DemoDates) -> list[list[Any]]:
    rows = []
    for week in dates.reflection_weeks:
        for person in people:
            if not person.active or rng.random() < 0.45:
                continue
            text = {key: rng.choice(options) for key, options in REFLECTION.items()}
            if rng.random() < 0.5:
                text["tanggapan_atasan"] = None
            rows.append([week, person.nip, *text.values()])
    return rows


# Survey answers the Puskesmas typed by hand that no element accepts, with the bad values.
SURVEY_MISTAKES: tuple[tuple[Planted, str], ...] = tuple(
    (Planted("Puskesmas Asemrowo", "Survei", row, column, "invalid-survey-answer", "error"), bad)
    for row, column, bad in ((42, "U4", "Mahal"), (157, "U9", "5"), (232, "U2", "lumayan"))
)


def _survey_rows(dates: DemoDates) -> list[list[Any]]:
    """A few hundred responses to the Puskesmas survey: mostly content, some as option text
    (as a Google Form writes them), some as numbers, a few answers that fit no option."""
    rng = random.Random(f"{SEED}-survei")
    services = ("Poli Umum", "Poli Gigi", "KIA", "Laboratorium", "Farmasi")
    rows: list[list[Any]] = []
    for monday in dates.mondays:
        for _ in range(rng.randint(4, 9)):
            day = monday + dt.timedelta(days=rng.randrange(dates.open_days(monday)))
            as_text = rng.random() < 0.45
            answers = [
                (e.options[score - 1] if as_text else score)
                for e in ELEMENTS
                for score in [rng.choices((1, 2, 3, 4), weights=(1, 6, 45, 38))[0]]
            ]
            if rng.random() < 0.03:
                answers[rng.randrange(len(answers))] = None  # a question left unanswered
            rows.append([day, rng.choice(services), *answers])
    for where, bad in SURVEY_MISTAKES:
        if where.row - 2 < len(rows):
            rows[where.row - 2][1 + int(where.column[1:])] = bad
    return rows


# The PATEN services of the Pelayanan section and their SOP maximum in working days.
SERVICES = {
    "Surat Keterangan Domisili": 1,
    "Surat Keterangan Ahli Waris": 5,
    "Izin Usaha Mikro Kecil": 3,
    "Rekomendasi Izin Keramaian": 3,
    "Legalisasi Dokumen": 1,
}
# A register row whose completion was typed before its receipt (a swapped date).
REGISTER_MISTAKE = Planted(
    "Seksi Pelayanan", "Layanan", 60, "Tanggal Selesai", "completed-before-received", "error"
)


def _register_rows(
    people: list[Person], dates: DemoDates, extra_holidays: tuple[dt.date, ...]
) -> list[list[Any]]:
    """The Pelayanan service register: requests on working days (none on 17 August or 25
    December), each completed some working days later, mostly within its SOP; the latest ones
    still open at the cut-off."""
    rng = random.Random(f"{SEED}-layanan")
    cut_off = dates.week.cut_off
    holiday = holiday_list(dates.week.period.start, cut_off, extra_holidays)
    staff = [p.nip for p in people if any(i.spec is SPECS["ply_waktu"] for i in p.indicators)]
    rows: list[list[Any]] = []
    for monday in dates.mondays:
        for _ in range(rng.randint(6, 12)):
            name, standard = rng.choice(list(SERVICES.items()))
            day = np.datetime64(monday + dt.timedelta(days=rng.randrange(5)), "D")
            received = np.busday_offset(day, 0, roll="forward", holidays=holiday)
            took = max(1, standard + rng.choices((-2, -1, 0, 1, 2), weights=(2, 4, 5, 2, 1))[0])
            done = np.busday_offset(received, took - 1, roll="forward", holidays=holiday)
            received, done = received.item(), done.item()
            if received > cut_off:
                continue
            number = f"PATEN/{received:%Y%m}/{len(rows) + 1:04d}"
            rows.append(
                [
                    number,
                    name,
                    received,
                    done if done <= cut_off else None,
                    standard,
                    rng.choice(staff),
                ]
            )
    if REGISTER_MISTAKE.row - 2 < len(rows):
        row = rows[REGISTER_MISTAKE.row - 2]
        row[3] = row[2] - dt.timedelta(days=2)
    return rows


def _unit_rng(unit: str) -> random.Random:
    return random.Random(f"{SEED}-{unit}")


@functools.cache
def _reference_rows(unit: str) -> int:
    """How many valid Realisasi rows ``DEMO_TODAY``'s demo generates for ``unit``."""
    dates = DemoDates.of(run_week(DEMO_TODAY))
    return len(_realisasi_rows(PLANS[unit], _build_people()[unit], _unit_rng(unit), dates))


def _unit_layouts(dates: DemoDates) -> dict[str, list[tuple[Planted, _Accepted | None]]]:
    layouts = {}
    for unit, plan in PLANS.items():
        generated = len(_realisasi_rows(plan, _build_people()[unit], _unit_rng(unit), dates))
        layouts[unit] = _layout(unit, generated, _reference_rows(unit))
    return layouts


def planted_mistakes(week: RunWeek) -> tuple[Planted, ...]:
    """Where the demo for ``week`` has ``PLANTED_MISTAKES``."""
    dates = DemoDates.of(week)
    layouts = _unit_layouts(dates)
    survey = len(_survey_rows(dates))
    register = len(_register_rows(_build_people()["Seksi Pelayanan"], dates, ()))
    return (
        tuple(where for rows in layouts.values() for where, accepted in rows if not accepted)
        + tuple(where for where, _ in SURVEY_MISTAKES if where.row - 2 < survey)
        + ((REGISTER_MISTAKE,) if REGISTER_MISTAKE.row - 2 < register else ())
    )


def _unit_tables(
    unit: str, dates: DemoDates, extra_holidays: tuple[dt.date, ...] = ()
) -> dict[str, list[list[Any]]]:
    plan, people = PLANS[unit], _build_people()[unit]
    rng = _unit_rng(unit)
    pegawai = _pegawai_rows(people)
    for accepted in _ACCEPTED:
        if accepted.where.unit == unit and accepted.where.tab == "Pegawai":
            row = pegawai[accepted.where.row - 2]
            row[0] = _spaced(row[0])
    generated = _realisasi_rows(plan, people, rng, dates)
    layout = _layout(unit, len(generated), _reference_rows(unit))
    return {
        "Pegawai": pegawai,
        "Indikator": _indikator_rows(people),
        "Realisasi": _with_special_rows(plan, people, generated, layout, dates),
        "Perilaku": _perilaku_rows(plan, people, rng, dates),
        "Refleksi": _refleksi_rows(people, rng, dates),
        **({"Survei": _survey_rows(dates)} if unit == "Puskesmas Asemrowo" else {}),
        **(
            {"Layanan": _register_rows(people, dates, extra_holidays)}
            if unit == "Seksi Pelayanan"
            else {}
        ),
    }


def _formula_row(realisasi: list[list[Any]], people: list[Person], dates: DemoDates) -> int | None:
    """The sheet row of the first overtime patrol entry since the start of last month (for the
    2026-11-30 demo: in October): it gets the formula note."""
    this_month = dates.week.cut_off.replace(day=1)
    since = (this_month - dt.timedelta(days=1)).replace(day=1)
    patrol = {i.id for p in people for i in p.indicators if i.spec is SPECS["tra_patroli"]}
    return next(
        (
            n
            for n, row in enumerate(realisasi, start=2)
            if row[2] in patrol and isinstance(row[0], dt.date) and row[0] >= since
        ),
        None,
    )


def _finisher(formula_row: int | None) -> Callable[[XlsxBook], None]:
    """Before saving: Indonesian date format on Tanggal cells, and the staff formula, which the
    backend would otherwise write as text."""
    date_format = NUMBER_FORMATS["date"]
    keterangan = tab("realisasi").headers.index("Keterangan") + 1

    def finish(book: XlsxBook) -> None:
        ws = book["Realisasi"]
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            if isinstance(cell.value, dt.date):
                cell.number_format = date_format
        if formula_row is not None:
            ws.cell(row=formula_row, column=keterangan).value = FORMULA

    return finish


# -- writing -------------------------------------------------------------------------------------


def _replaceable(path: Path, force: bool) -> bool:
    """Whether to (re)write ``path``; never while another program has it open."""
    if not path.exists():
        return True
    if not force:
        return False
    holder = lock_holder(path)
    if holder:
        raise WorkbookLocked(
            f"Workbook {path.name} sedang dibuka di {holder}. Tutup berkas itu lalu jalankan ulang."
        )
    path.unlink()
    return True


def write_demo(config: Config, *, force: bool = False, today: dt.date) -> list[str]:
    """Write the Asemrowo demo workbooks for every unit in config, plus the empty summary, for
    the week a run on ``today`` scores (in config's pinned period, if any: ``PeriodError``
    when ``today`` lies outside it).

    A workbook that already exists is left alone unless ``force``. Returns the file names written.
    """
    unknown = [u.name for u in config.units if u.name not in PLANS]
    if unknown:
        raise ConfigError(
            f"Data demo hanya tersedia untuk unit {', '.join(PLANS)}; "
            f"unit {', '.join(unknown)} tidak dikenal."
        )
    dates = DemoDates.of(run_week_for(config, today))
    stamp = dt.datetime.combine(today, dt.time(7))  # fixed per day, for equal bytes
    folder = config.path(config.local.folder)
    written = []
    for unit in config.units:
        path = folder / unit.workbook
        if not _replaceable(path, force):
            continue
        tables = _unit_tables(unit.name, dates, config.outcomes.extra_holidays)
        formula_row = (
            _formula_row(tables["Realisasi"], _build_people()[unit.name], dates)
            if unit.name == "Seksi Trantib"
            else None
        )
        records = [t for t in record_tabs() if t.name in tables]
        LocalWorkbook(path, label=unit.name, fixed_time=stamp).ensure_tabs([*unit_tabs(), *records])
        book = LocalWorkbook(
            path, label=unit.name, fixed_time=stamp, on_save=_finisher(formula_row)
        )
        book.write_ranges([RangeUpdate(name, 2, 1, rows) for name, rows in tables.items()])
        written.append(unit.workbook)
    summary = folder / config.summary.workbook
    if _replaceable(summary, force):
        LocalWorkbook(summary, label="Ringkasan", fixed_time=stamp).ensure_tabs(summary_tabs())
        written.append(config.summary.workbook)
    return written
