"""``run.py guide``: the workshop guide says what the schemas, the rules and the scoring do."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import time_machine

from tests.conftest import DEMO_DATE
from tools.screenshots import WIDTHS, find_chromium, screenshots
from workflows import cli
from workflows.config import Config
from workflows.schema import unit_tabs
from workflows.validate import RULES

PAGES = {
    "Sekretariat": "sekretariat.html",
    "Seksi Pemerintahan": "seksi-pemerintahan.html",
    "Seksi Pelayanan": "seksi-pelayanan.html",
    "Seksi Trantib": "seksi-trantib.html",
    "Kelurahan Asemrowo": "kelurahan-asemrowo.html",
    "Kelurahan Genting Kalianak": "kelurahan-genting-kalianak.html",
    "Puskesmas Asemrowo": "puskesmas-asemrowo.html",
}


@pytest.fixture(autouse=True)
def demo_clock():
    moment = dt.datetime.fromisoformat(f"{DEMO_DATE}T08:00:00+07:00")
    with time_machine.travel(moment, tick=True):
        yield


def guide(config: Config, *extra: str, date: str = DEMO_DATE) -> int:
    return cli.main(
        ["guide", "--config", str(config.base_dir / "config.yaml"), "--date", date, *extra]
    )


def text(page: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def between(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i : page.index(end, i)]


@pytest.fixture
def written(demo_config: Config, capsys) -> Path:
    assert guide(demo_config) == 0
    folder = demo_config.base_dir / "guide"
    printed = capsys.readouterr().out
    for name in [*PAGES.values(), "index.html"]:
        assert f"Panduan ditulis: {folder / name}" in printed
    return folder


def test_every_unit_page_describes_every_column_and_every_finding_code(written):
    assert sorted(p.name for p in written.iterdir()) == sorted([*PAGES.values(), "index.html"])
    for name in PAGES.values():
        page = (written / name).read_text(encoding="utf-8")
        for tab in unit_tabs():
            section = between(page, f'id="tab-{tab.key}"', "</table>")
            for column in tab.columns:
                assert f"<strong>{html.escape(column.name)}</strong>" in section, (name, column)
        codes = set(re.findall(r'<td class="code">([a-z0-9-]+)</td>', page))
        assert set(RULES) <= codes, set(RULES) - codes
    pelayanan = text((written / PAGES["Seksi Pelayanan"]).read_text(encoding="utf-8"))
    # the exact message validation writes, from the rule's own example
    assert (
        "Tab Pegawai baris 7: Status 'Pensiun' tidak dikenal. Pilih salah satu: Aktif, Nonaktif."
        in pelayanan
    )


def test_index_links_every_unit(written):
    index = (written / "index.html").read_text(encoding="utf-8")
    for unit, name in PAGES.items():
        assert f'<a href="{name}">{unit}</a>' in index


def test_indicators_with_their_prorated_monthly_targets(written):
    page = text((written / PAGES["Sekretariat"]).read_text(encoding="utf-8"))
    # SEK-05: 150 dokumen a year, Jumlah: 150 × 31/365 = 12,74 by 31 January, 150 × 59/365 =
    # 24,25 by 28 February, 150 × 90/365 = 36,99 by 31 March, 150 × 334/365 = 137,26 by
    # 30 November, 150 by 31 December.
    assert (
        "SEK-05 Tersusunnya dokumen perencanaan dan pelaporan kinerja Jumlah dokumen perencanaan "
        "dan laporan yang diselesaikan Kuantitas 150 dokumen Naik Jumlah 1 Ya"
    ) in page
    months = between(page, "SEK-05 12,74", "SEK-06")
    assert months.split()[1:4] == ["12,74", "24,25", "36,99"]
    assert months.split()[-2:] == ["137,26", "150"]
    # a Rata-rata indicator keeps its target all year; a range shows both bounds
    assert "SEK-01 85 85 85 85 85 85 85 85 85 85 85 85" in page
    pelayanan = text((written / PAGES["Seksi Pelayanan"]).read_text(encoding="utf-8"))
    assert "PLY-06 90–100 90–100" in pelayanan
    assert "Atasan: Devi Pertiwi, S.Sos., M.Si." in pelayanan  # the camat, in another unit


def test_worked_example_is_what_the_scoring_computes(written, demo_config):
    page = text((written / PAGES["Seksi Pelayanan"]).read_text(encoding="utf-8"))
    example = between(page, "Contoh dari indikator unit ini", "Kategori capaian (PP")
    assert "Indikator PLY-01 milik Danu Napitupulu, S.E., M.M." in example
    assert "Entri sah yang dihitung: 46." in example
    assert "Realisasi (Rata-rata) = 89,02 indeks." in example
    assert "89,02 ÷ 85,00 × 100 = 104,73" in example
    assert "PLY-02 Persentase layanan selesai sesuai SOP 104,10 30 3.122,88" in example
    assert "Nilai Capaian = 10.784,59 ÷ 100 = 107,85" in example  # PLY-08 from the register
    assert (
        "Kategori capaian: Baik ; rating hasil kerja yang disarankan sistem: Sesuai Ekspektasi"
        in example
    )
    # a Jumlah indicator: 333 of 365 days to Sunday 29 November, 480 × 333 ÷ 365 = 437,92 due,
    # 445 realised: 445 ÷ 437,92 × 100 = 101,62
    jumlah = text((written / PAGES["Seksi Pemerintahan"]).read_text(encoding="utf-8"))
    assert "Realisasi (Jumlah) = 445 dokumen." in jumlah
    assert (
        "333 dari 365 hari periode telah berjalan, sehingga target 480 × 333 ÷ 365 = 437,92"
        in jumlah
    )
    assert "445 ÷ 437,92 × 100 = 101,62" in jumlah
    # the same number the weekly run publishes
    from tests.test_weekly import summary_tab

    assert (
        cli.main(
            ["score", "--config", str(demo_config.base_dir / "config.yaml"), "--date", DEMO_DATE]
        )
        == 0
    )
    people = summary_tab(demo_config, "ringkasan_pegawai")
    danu = people[people["nip"] == "198401102019091258"]
    assert round(float(danu["nilai_capaian"].iloc[0]), 2) == 107.85


def test_rules_matrix_aspects_curve_and_rhythm(written):
    raw = (written / PAGES["Seksi Trantib"]).read_text(encoding="utf-8")
    page = text(raw)
    assert (
        "Di Atas Ekspektasi Kurang/Misconduct Baik Sangat Baik "
        "Sesuai Ekspektasi Kurang/Misconduct Baik Baik "
        "Di Bawah Ekspektasi Sangat Kurang Butuh Perbaikan Butuh Perbaikan"
    ) in page
    assert "Sangat Baik 110 sampai 120 Baik 90 sampai di bawah 110" in page
    aspects = between(raw, "Perilaku kerja: tujuh aspek BerAKHLAK", "</table>")
    assert "|".join(re.findall(r"<tr><td><strong>([^<]+)</strong></td><td>", aspects)) == (
        "Berorientasi Pelayanan|Akuntabel|Kompeten|Harmonis|Loyal|Adaptif|Kolaboratif"
    )
    assert (
        "Baik Baik: paling banyak 70%; Butuh Perbaikan atau Kurang/Misconduct: paling sedikit satu ASN"
        in page
    )
    assert "Sangat Baik: tidak boleh ada" in page
    assert "Kamis pukul 14.00:" in page and "Senin pukul 07.00:" in page
    assert "Tanggapan Atasan" in page


def test_no_external_resources_and_print_css(written):
    for path in written.iterdir():
        page = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I), path
        assert not re.search(r"@import|url\(|<script|<link", page, re.I), path
        assert "@page { size: A4;" in page
    page = (written / PAGES["Seksi Pelayanan"]).read_text(encoding="utf-8")
    for anchor in ("mengapa", "mengisi", "indikator", "perhitungan", "irama", "tab-realisasi"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page


def test_one_unit_writes_only_its_page(demo_config, capsys):
    assert guide(demo_config, "--unit", "seksi pelayanan") == 0
    folder = demo_config.base_dir / "guide"
    assert [p.name for p in folder.iterdir()] == ["seksi-pelayanan.html"]
    assert capsys.readouterr().out == f"Panduan ditulis: {folder / 'seksi-pelayanan.html'}\n"


def test_date_replays_that_weeks_guide(demo_config):
    assert guide(demo_config, "--unit", "Seksi Pelayanan", date="2026-03-02") == 0
    page = text(
        (demo_config.base_dir / "guide" / PAGES["Seksi Pelayanan"]).read_text(encoding="utf-8")
    )
    assert "Perhitungan minggu 2026-W09, dengan entri sampai Minggu, 1 Maret 2026." in page
    assert "data sampai minggu 2026-W09" in page


def test_an_unreadable_unit_is_named_and_the_others_written(demo_config, capsys):
    (demo_config.path(demo_config.local.folder) / "trantib.xlsx").unlink()
    assert guide(demo_config) == 1
    folder = demo_config.base_dir / "guide"
    assert not (folder / PAGES["Seksi Trantib"]).exists()
    assert len(list(folder.iterdir())) == 7  # six units and the index
    printed = capsys.readouterr().out
    assert "Panduan unit Seksi Trantib tidak dibuat karena workbook-nya tidak terbaca:" in printed
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "<strong>Seksi Trantib</strong>" in index and 'href="seksi-trantib.html"' not in index


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_the_guide_fits_a_phone_and_a_desktop(written, tmp_path):
    """The widest tables (twelve months of targets) scroll inside their own box at 375 px."""
    pages = [written / "index.html", written / PAGES["Sekretariat"]]
    shots = screenshots(pages, tmp_path / "shots", browser=find_chromium())
    assert [(s.letter, s.width) for s in shots] == [(p, w) for p in pages for w in WIDTHS]
    assert [(s.letter.name, s.width, s.scroll_width) for s in shots if s.overflows] == []
