"""Publishing the summary workbook: real .xlsx files, read back cell by cell."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from test_score import NIP_A, NIP_B, NIP_C, week_tables

from workflows import publish
from workflows.calendar import run_week
from workflows.check import ValidationRun
from workflows.findings import Finding
from workflows.local import LocalWorkbook
from workflows.schema import tab
from workflows.validate import UnitData, empty_tables

HYPERLINK = '=HYPERLINK("https://evil.example","klik")'


def week_of(day: str):
    return run_week(
        dt.date.fromisoformat(day),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


W47, W48 = week_of("2026-11-23"), week_of("2026-11-30")
# By hand, Ani in W47 (cut-off 22 Nov, 326 days): PLY-01 100 of 326 due, PLY-02 mean 3 of 3 (Turun),
# PLY-03 latest 70 against 80-90 → (60 × 100/326 × 100 + 30 × 100 + 10 × 87.5) / 100
ANI_W47 = (60 * (100 / 326 * 100) + 30 * 100 + 10 * 87.5) / 100


def validation(week=None):
    """A validation run as check.run_validation returns it, over the hand-computed week tables."""
    tables = week_tables()
    tables["roster"].loc[tables["roster"]["nip"] == NIP_B, "nama"] = HYPERLINK
    finding = Finding(
        "Seksi Pelayanan",
        "Realisasi",
        12,
        "Realisasi",
        "=1+1",
        "error",
        "not-a-number",
        "Bukan angka.",
    )
    keys = {
        "pegawai": "roster",
        "indikator": "indicators",
        "realisasi": "entries",
        "perilaku": "behaviour",
    }
    units = []
    for name in ("Seksi Pelayanan", "Sekretariat"):
        own = {key: tables[source][tables[source]["unit"] == name] for key, source in keys.items()}
        own["refleksi"] = empty_tables()["refleksi"]
        ply = name == "Seksi Pelayanan"
        rejected = pd.DataFrame(
            {"row": [12, 13], "nip": [NIP_A, NIP_A], "tanggal_nilai": [pd.NaT, pd.NaT]}
            if ply
            else {"row": [], "nip": [], "tanggal_nilai": []}
        )
        units.append(UnitData(name, name, own, [finding] if ply else [], rejected=rejected))
    return ValidationRun(week=week or W48, units=units, writeback=[])


def summary_path(config):
    return config.path(config.local.folder) / config.summary.workbook


def records(config, name: str) -> list[dict]:
    """A summary tab as dicts keyed by header, values as stored."""
    ws = openpyxl.load_workbook(summary_path(config))[name]
    rows = list(ws.values)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def publish_week(config, week, run):
    """Score and publish ``run`` into the config's summary workbook, as the weekly job does."""
    publish.score_and_publish(
        config,
        week,
        run,
        today=dt.date(2026, 11, 30),
        book=publish.open_summary_book(config),
        now=dt.datetime(2026, 11, 30, 7, 0),
    )


@pytest.fixture
def published(config):
    publish_week(config, W48, validation())
    return config


def test_tabs_are_written_with_numbers_formats_and_frozen_headers(published):
    book = openpyxl.load_workbook(summary_path(published))
    ws = book["Ringkasan Pegawai"]
    assert [c.value for c in ws[1]] == tab("ringkasan_pegawai").headers
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 22
    header = [c.value for c in ws[1]]
    ani = next(row for row in ws.iter_rows(min_row=2) if row[1].value == NIP_A)
    cell = dict(zip(header, ani, strict=True))
    assert isinstance(cell["Nilai Capaian"].value, float) and cell[
        "Nilai Capaian"
    ].value == pytest.approx(98.75)
    assert cell["Nilai Capaian"].number_format == "0.00"
    assert cell["Kelengkapan Data"].value == 1 and cell["Kelengkapan Data"].number_format == "0.0%"
    assert cell["Entri Ditolak"].value == 2 and cell["Entri Ditolak"].number_format == "0"
    assert cell["NIP"].data_type == "s"
    # W47 was never published: it is filled in from the same entries, so the change is known
    assert cell["Perubahan"].value == pytest.approx(98.75 - ANI_W47)

    units = {r["Unit"]: r for r in records(published, "Ringkasan Unit")}
    assert (
        units["Seksi Pelayanan"]["Jumlah ASN"] == 2
        and units["Seksi Pelayanan"]["Entri Ditolak"] == 2
    )
    assert units["Kecamatan Asemrowo"]["Persentase Melapor"] == pytest.approx(2 / 3)
    assert units["Kecamatan Asemrowo"]["Catatan Kurva Distribusi"].startswith("Predikat Baik 100%")
    assert book["Ringkasan Unit"]["L2"].number_format == "0.0%"

    indicators = {r["ID Indikator"]: r for r in records(published, "Capaian Indikator")}
    assert indicators["PLY-03"]["Target"] == "80-90" and indicators["PLY-03"]["Capaian (%)"] == 87.5
    assert indicators["PLY-05"]["Realisasi"] is None and indicators["PLY-05"]["Jumlah Entri"] == 0

    (finding,) = records(published, "Temuan Validasi")
    assert (finding["Unit"], finding["Workbook"], finding["Baris"], finding["Tingkat"]) == (
        "Seksi Pelayanan",
        "pelayanan.xlsx",
        12,
        "Ditolak",
    )


def test_typed_text_never_becomes_a_formula(published):
    path = summary_path(published)
    book = openpyxl.load_workbook(path)
    names = [c for c in book["Ringkasan Pegawai"]["C"] if c.value == HYPERLINK]
    values = [c for c in book["Temuan Validasi"]["G"] if c.value == "=1+1"]
    assert names and values and all(c.data_type == "s" for c in names + values)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in archive.read(n).decode() for n in sheets)


def test_chart_and_predikat_colours_are_in_the_saved_file(published):
    path = summary_path(published)
    with zipfile.ZipFile(path) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert 'grouping val="stacked"' in chart and "Sebaran Predikat per Unit" in chart
    book = openpyxl.load_workbook(path)
    assert book.sheetnames.index("Grafik") == book.sheetnames.index("Ringkasan Unit") + 1
    assert [r[0] for r in book["Grafik"].iter_rows(min_row=2, values_only=True)] == [
        "Seksi Pelayanan",
        "Sekretariat",
    ]
    rules = {
        str(rng.sqref): [rule.formula[0] for rule in rng.rules]
        for rng in book["Ringkasan Pegawai"].conditional_formatting
    }
    assert rules == {
        "K2:K4": [
            '"Sangat Baik"',
            '"Baik"',
            '"Butuh Perbaikan"',
            '"Kurang/Misconduct"',
            '"Sangat Kurang"',
            '"Menunggu Penilaian Perilaku"',
        ]
    }
    # a later save (the next run's) keeps one chart and one rule set
    publish_week(published, W48, validation())
    with zipfile.ZipFile(path) as archive:
        assert [n for n in archive.namelist() if n.startswith("xl/charts/")] == [
            "xl/charts/chart1.xml"
        ]
    assert len(openpyxl.load_workbook(path)["Ringkasan Pegawai"].conditional_formatting) == 1


def test_rerunning_a_week_leaves_riwayat_unchanged(published):
    def rows():
        return [
            {k: v for k, v in r.items() if k != "Diperbarui"} for r in records(published, "Riwayat")
        ]

    first = rows()
    publish_week(published, W48, validation())
    assert rows() == first
    assert [(r["Minggu"], r["NIP"]) for r in first] == sorted(
        (r["Minggu"], r["NIP"]) for r in first
    )
    assert [r["NIP"] for r in first if r["Minggu"] == "2026-W48"] == sorted([NIP_A, NIP_B, NIP_C])


def test_week_after_week_gives_the_change_and_keeps_history(config):
    publish_week(config, W47, validation(W47))
    publish_week(config, W48, validation())
    riwayat = {(r["Minggu"], r["NIP"]): r["Nilai Capaian"] for r in records(config, "Riwayat")}
    assert riwayat[("2026-W47", NIP_A)] == pytest.approx(ANI_W47)
    assert riwayat[("2026-W48", NIP_A)] == pytest.approx(98.75)
    assert sum(week in ("2026-W47", "2026-W48") for week, _ in riwayat) == 6
    people = {r["NIP"]: r for r in records(config, "Ringkasan Pegawai")}
    assert people[NIP_A]["Perubahan"] == pytest.approx(98.75 - ANI_W47)
    assert people[NIP_A]["Minggu"] == "2026-W48"


def test_missing_weeks_are_filled_in_but_published_weeks_are_kept(config):
    book = LocalWorkbook(summary_path(config))
    book.ensure_tabs([tab("riwayat")])
    published_w46 = ["2026-W46", NIP_A, "Ani", "Seksi Pelayanan", 55.0, "Kurang"]
    book.replace_tabs({"Riwayat": [tab("riwayat").headers, published_w46]})
    publish_week(config, W48, validation())
    riwayat = {(r["Minggu"], r["NIP"]): r["Nilai Capaian"] for r in records(config, "Riwayat")}
    assert riwayat[("2026-W46", NIP_A)] == 55.0  # what was published then stays
    assert ("2026-W46", NIP_B) in riwayat  # but the people the week lacked are filled in
    assert riwayat[("2026-W47", NIP_A)] == pytest.approx(ANI_W47)  # W47 was missing
    weeks = sorted({week for week, _ in riwayat})
    assert weeks == [
        "2026-W41",
        "2026-W42",
        "2026-W43",
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]  # the trend window of config (8 weeks)


def test_sheet_rows_and_read_table_round_trip(tmp_path):
    riwayat = tab("riwayat")
    frame = pd.DataFrame({"minggu": ["2026-W48"], "nip": [NIP_A], "nilai_capaian": [float("nan")]})
    rows = publish.sheet_rows(riwayat, frame)
    assert rows[0] == riwayat.headers and rows[1][:5] == ["2026-W48", NIP_A, None, None, None]
    book = LocalWorkbook(tmp_path / "r.xlsx")
    book.ensure_tabs([riwayat])
    book.replace_tabs({"Riwayat": rows})
    back = publish.read_table(riwayat, book.read_tabs(["Riwayat"])["Riwayat"])
    assert back[["minggu", "nip"]].to_dict("records") == [{"minggu": "2026-W48", "nip": NIP_A}]


# -- end to end on the demo ----------------------------------------------------------------------


def _digits(value) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())


def _day(value) -> dt.date | None:
    """A demo date cell: a date cell, or text typed as 29/11/2026."""
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.datetime.strptime(str(value), "%d/%m/%Y").date()
    except ValueError:
        return None


def _hand_nilai_capaian(indicators: list[tuple], entries: list[tuple], cut_off: dt.date) -> float:
    """Nilai Capaian from raw sheet rows with plain Python: design.md §4 read afresh."""
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    share = ((cut_off - start).days + 1) / ((end - start).days + 1)
    weighted = weights = 0.0
    for ind_id, _nip, _rhk, _iki, _aspek, _satuan, target, arah, agregasi, bobot, *_ in indicators:
        low, _, high = str(target).partition("-")
        low, high = float(low), float(high or low)
        rows = [
            (_day(d), v)
            for d, _n, i, v, *_ in entries
            if i == ind_id and start <= _day(d) <= cut_off
        ]
        values = [v for _, v in rows]
        if agregasi == "Jumlah":
            low, high, realised = low * share, high * share, sum(values)
        elif agregasi == "Rata-rata":
            realised = sum(values) / len(values) if values else None
        else:  # Terakhir: the latest date, the lowest such row in the sheet
            realised = max(enumerate(rows), key=lambda p: (p[1][0], p[0]))[1][1] if rows else None
        if realised is None:
            capaian = 0.0
        elif low <= realised <= high:
            capaian = 100.0
        else:
            ratio = realised / (low if realised < low else high)
            capaian = min(max((ratio if arah == "Naik" else 2 - ratio) * 100, 0.0), 120.0)
        weighted += bobot * capaian
        weights += bobot
    return weighted / weights


def test_score_command_on_the_demo_matches_hand_computation(demo_config, capsys):
    from conftest import DEMO_DATE

    from workflows.cli import main

    folder = demo_config.path(demo_config.local.folder)
    config_file = demo_config.base_dir / "config.yaml"
    assert main(["score", "--config", str(config_file), "--date", DEMO_DATE]) == 0
    console = capsys.readouterr().out
    assert "Minggu 2026-W48" in console and "Kecamatan Asemrowo" in console

    people = {r["NIP"]: r for r in records(demo_config, "Ringkasan Pegawai")}
    units = {r["Unit"]: r for r in records(demo_config, "Ringkasan Unit")}
    checked, kinds = 0, set()
    for unit in ("Sekretariat", "Seksi Pelayanan", "Puskesmas Asemrowo"):
        book = openpyxl.load_workbook(folder / demo_config.unit(unit).workbook)
        roster = [r for r in list(book["Pegawai"].values)[1:] if r[5] in (None, "Aktif")]
        assert units[unit]["Jumlah ASN"] == len(roster)
        entries = list(book["Realisasi"].values)[1:]  # statuses were written back by the run
        indicators = list(book["Indikator"].values)[1:]
        for person in roster:
            nip = _digits(person[0])
            own = [e for e in entries if _digits(e[1]) == nip]
            clean = all(e[6] == "OK" and _day(e[0]) and isinstance(e[3], int | float) for e in own)
            if not clean:
                continue
            own_indicators = [i for i in indicators if _digits(i[1]) == nip]
            expected = _hand_nilai_capaian(own_indicators, own, dt.date(2026, 11, 29))
            assert people[nip]["Nilai Capaian"] == pytest.approx(expected, abs=1e-9), person[1]
            assert people[nip]["Unit"] == unit and people[nip]["Minggu"] == "2026-W48"
            kinds |= {(i[7], i[8]) for i in own_indicators}
            checked += 1
            break
    assert checked == 3
    assert {arah for arah, _ in kinds} == {"Naik", "Turun"}
    assert {agregasi for _, agregasi in kinds} == {"Jumlah", "Rata-rata", "Terakhir"}
    organisation = units[demo_config.organisation]
    assert (
        organisation["Jumlah ASN"]
        == len(people)
        == sum(u["Jumlah ASN"] for name, u in units.items() if name != demo_config.organisation)
    )
    assert organisation["Rata-rata Nilai Capaian"] == pytest.approx(
        sum(p["Nilai Capaian"] for p in people.values()) / len(people)
    )
    # a second run of the same date leaves Riwayat with the same rows
    before = [(r["Minggu"], r["NIP"], r["Nilai Capaian"]) for r in records(demo_config, "Riwayat")]
    assert main(["score", "--config", str(config_file), "--date", DEMO_DATE]) == 0
    after = [(r["Minggu"], r["NIP"], r["Nilai Capaian"]) for r in records(demo_config, "Riwayat")]
    assert after == before and len({(w, n) for w, n, _ in after}) == len(after)
