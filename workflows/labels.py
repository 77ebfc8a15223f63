"""Every word the code writes into a sheet cell, compares against, or keys a letter by.

Predikat, ratings and the other labels are the words users see in the summary workbook and the
letters; the code branches on them, so each is spelled once, here. Thresholds are not labels:
they live in ``config.yaml``.
"""

from __future__ import annotations

# Rating Hasil Kerja and Rating Perilaku (PermenPANRB 6/2022), lowest first.
DI_BAWAH, SESUAI, DI_ATAS = RATINGS = (
    "Di Bawah Ekspektasi",
    "Sesuai Ekspektasi",
    "Di Atas Ekspektasi",
)

# Predikat Kinerja Pegawai, best first (domain.md matrix).
SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG = PREDIKAT = (
    "Sangat Baik",
    "Baik",
    "Butuh Perbaikan",
    "Kurang/Misconduct",
    "Sangat Kurang",
)
# The predikat of an ASN whose behaviour is not rated for the week; the same words head the
# Ringkasan Unit column that counts them and name that group in the digest.
PENDING = "Menunggu Penilaian Perilaku"

# The organisation's own predikat, set by its superior; it picks the distribution curve.
ORGANISATION_PREDIKAT = ("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")

# Kategori Capaian from Nilai Capaian (PP 30/2019 Pasal 41), best first.
KATEGORI = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")

# Ringkasan Unit count columns (schema keys), in the order of the predikat they count.
PREDIKAT_COLUMNS = {
    SANGAT_BAIK: "sangat_baik",
    BAIK: "baik",
    BUTUH_PERBAIKAN: "butuh_perbaikan",
    KURANG: "kurang_misconduct",
    SANGAT_KURANG: "sangat_kurang",
    PENDING: "menunggu",
}

# Who set the Rating Hasil Kerja (column Sumber Rating Hasil Kerja).
SOURCE_SUPERVISOR, SOURCE_SYSTEM = "Atasan", "Sistem"

# Yes/no cells of the summary (Melapor Minggu Ini, Rating Perilaku Dibawa).
YES, NO = "Ya", "Tidak"

# Letter kinds: the third part of the send journal's key and the Jenis column of Log Surat.
KIND_WEEKLY, KIND_REMINDER, KIND_DIGEST = "mingguan", "pengingat", "ringkasan"
KIND_TEAM = "tim"  # the supervisor's weekly letter about their staff

# Indikator choices the scoring branches on (sheets_schema/unit/indikator.yaml).
NAIK, TURUN = "Naik", "Turun"
JUMLAH, RATA_RATA, TERAKHIR = "Jumlah", "Rata-rata", "Terakhir"

# Ringkasan Unit's Keterangan for a unit whose workbook could not be used this week.
UNREADABLE = "Tidak terbaca"

# Pegawai status of an ASN who is scored and written to (sheets_schema/unit/pegawai.yaml).
ACTIVE = "Aktif"

# Status words the summary colours: a Realisasi row's Status and Temuan Validasi's Tingkat, a
# letter's Status in Log Surat, a run's Hasil in Log Proses.
STATUS_REJECTED, STATUS_WARNING = "Ditolak", "Peringatan"
STATUS_FAILED, STATUS_PARTIAL, STATUS_UNCERTAIN = "Gagal", "Sebagian", "Belum pasti"
