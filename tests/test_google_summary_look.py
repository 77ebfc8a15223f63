"""The look of the tabs on Google Sheets (presentation.py): frozen header rows, filters, colour
rules and charts are requested once, by ``init`` or the first publish, inside the batch that
writes the tabs, and never again while Google's metadata shows them; a failed batch leaves
neither the values nor the look.

The demo's spreadsheets sit in the in-process fake (``google_config``, as in
test_google_weekly.py) and every run goes through ``cli.main``.
"""

from __future__ import annotations

import copy
from collections import Counter

import gspread

from tests import test_google_weekly
from tests.sheets_fake import SheetsFake, fake_session
from tests.test_google_weekly import SUMMARY_KEY, unit_key
from tests.test_schema import SUMMARY_TABS
from workflows.cli import main
from workflows.config import Config
from workflows.google import GoogleWorkbook
from workflows.schema import tab

google_config = test_google_weekly.google_config  # the demo's spreadsheets in the fake

# Requests that set a tab's look (cell formats by repeatCell are checked where they are sent).
LOOK = (
    "updateSheetProperties",
    "setBasicFilter",
    "addConditionalFormatRule",
    "updateConditionalFormatRule",
    "addChart",
    "updateChartSpec",
)
# Colour rules per summary tab: Kategori Capaian (5 values), Predikat (5 and Menunggu Penilaian),
# Melapor Minggu Ini = Tidak; the status words of Temuan Validasi, Log Surat and Log Proses.
RULES = {
    "Ringkasan Pegawai": 5 + 6 + 1,
    "Riwayat": 5 + 6,
    "Temuan Validasi": 2,
    "Log Surat": 2,
    "Log Proses": 2,
}


def run(config: Config, *command: str) -> int:
    return main([*command, "--config", str(config.base_dir / "config.yaml")])


def weekly(config: Config, date: str) -> int:
    return run(config, "weekly", "--date", date)


def summary_write(fake: SheetsFake, first: int = 0) -> int:
    """The number of the call that rewrites the summary's tabs (whole-tab ``updateCells``)."""
    return next(
        i
        for i, call in enumerate(fake.calls)
        if i >= first
        and call.spreadsheet_id == SUMMARY_KEY
        and call.kind == "batchUpdate"
        and any("range" in r.get("updateCells", {}) for r in call.body["requests"])
    )


def strip_people_look(fake: SheetsFake) -> None:
    """What a leader might do to Ringkasan Pegawai: unfreeze, drop the filter and a colour rule."""
    people = fake.sheet(SUMMARY_KEY, "Ringkasan Pegawai")
    people.frozen_rows = 0
    people.basic_filter = None
    people.conditional_formats.pop()


def look_requests(fake: SheetsFake, key: str, first: int = 0) -> Counter:
    """The look requests sent to spreadsheet ``key`` from call number ``first`` on, by kind."""
    return Counter(
        kind
        for call in fake.calls[first:]
        if call.spreadsheet_id == key and call.kind == "batchUpdate"
        for request in call.body["requests"]
        for kind in request
        if kind in LOOK
    )


def test_init_gives_the_staff_tabs_and_the_summary_their_look_once(google_config):
    config, fake = google_config
    assert run(config, "init") == 0

    realisasi = fake.sheet(unit_key(0), "Realisasi")
    # Status is column G: a rejected entry is red (FFC7CE, font 9C0006) across A to H
    red, dark_red = (
        {"red": 1.0, "green": 0.78, "blue": 0.808},
        {"red": 0.612, "green": 0.0, "blue": 0.024},
    )
    assert realisasi.conditional_formats == [
        {
            "ranges": [
                {
                    "sheetId": realisasi.sheet_id,
                    "startRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": 8,
                }
            ],
            "booleanRule": {
                "condition": {
                    "type": "CUSTOM_FORMULA",
                    "values": [{"userEnteredValue": '=$G2="Ditolak"'}],
                },
                "format": {
                    "backgroundColor": red,
                    "textFormat": {
                        "foregroundColor": dark_red,
                        "foregroundColorStyle": {"rgbColor": dark_red},
                    },
                    "backgroundColorStyle": {"rgbColor": red},
                },
            },
        }
    ]
    assert realisasi.frozen_rows == 1
    wraps = [f["repeatCell"] for f in realisasi.formats if "repeatCell" in f]
    assert [
        (w["range"]["startColumnIndex"], w["cell"]["userEnteredFormat"]["wrapStrategy"])
        for w in wraps
    ] == [(7, "WRAP")]
    assert realisasi.basic_filter is None  # filters on staff tabs stay the staff's own choice

    for title in SUMMARY_TABS:
        sheet = fake.sheet(SUMMARY_KEY, title)
        assert sheet.frozen_rows == 1, title
        assert len(sheet.conditional_formats) == RULES.get(title, 0), title
        assert sheet.basic_filter["range"]["startRowIndex"] == 0
        assert sheet.basic_filter["range"]["endRowIndex"] == 1000, title

    # long notes wrap: Ringkasan Unit's Catatan Distribusi and Keterangan (columns N and O)
    units = fake.sheet(SUMMARY_KEY, "Ringkasan Unit").formats
    wrapped = [
        f["repeatCell"]["range"] for f in units if "wrapStrategy" in str(f.get("repeatCell"))
    ]
    assert [(r["startRowIndex"], r["startColumnIndex"]) for r in wrapped] == [(1, 13), (1, 14)]

    first = len(fake.calls)
    assert run(config, "init") == 0
    assert not [c for c in fake.calls[first:] if c.is_write]


def test_weekly_sends_the_summary_look_with_the_first_publish_and_never_again(google_config):
    config, fake = google_config
    assert weekly(config, "2026-11-23") == 0
    # 8 schema tabs and the views Tren and Grafik: a frozen header and a filter each (Ikhtisar
    # neither); the colour rules; the two charts on Grafik
    assert look_requests(fake, SUMMARY_KEY) == Counter(
        updateSheetProperties=10, setBasicFilter=10, addConditionalFormatRule=29, addChart=2
    )
    assert all(look_requests(fake, unit_key(i)) == Counter() for i in range(len(config.units)))
    # the views and charts came in the write of the values: one batchUpdate
    write = fake.calls[summary_write(fake)].body["requests"]
    assert Counter(kind for r in write for kind in r if kind in ("addSheet", "addChart")) == {
        "addSheet": 3,
        "addChart": 2,
    }
    book = fake.spreadsheets[SUMMARY_KEY]
    titles = [s.title for s in book.sheets]
    assert titles.index("Ikhtisar") == 0
    assert titles.index("Grafik") == titles.index("Ringkasan Unit") + 1
    assert titles.index("Tren") == titles.index("Grafik") + 1
    trend = fake.sheet(SUMMARY_KEY, "Tren")
    charts = {
        c["spec"]["title"]: c["spec"]["basicChart"]
        for c in fake.sheet(SUMMARY_KEY, "Grafik").charts
    }
    line = charts["Rata-rata Nilai Capaian per Minggu"]
    # weeks down column A, the organisation and the 7 units in B to I, to the grid's last row
    assert line["domains"][0]["domain"]["sourceRange"]["sources"] == [
        {
            "sheetId": trend.sheet_id,
            "startRowIndex": 0,
            "endRowIndex": 1000,
            "startColumnIndex": 0,
            "endColumnIndex": 1,
        }
    ]
    assert [
        s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in line["series"]
    ] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert {s["series"]["sourceRange"]["sources"][0]["endRowIndex"] for s in line["series"]} == {
        1000
    }
    assert charts["Sebaran Predikat per Unit"]["stackedType"] == "STACKED"

    first = len(fake.calls)
    assert weekly(config, "2026-11-30") == 0
    assert look_requests(fake, SUMMARY_KEY, first) == Counter()
    assert [c.kind for c in fake.calls[first:] if c.spreadsheet_id == SUMMARY_KEY] == [
        "metadata",
        "values:batchGet",  # the header rows, with Riwayat and Riwayat Unit whole
        "batchUpdate",
        "values:append",
        "values:append",
    ]
    people = fake.sheet(SUMMARY_KEY, "Ringkasan Pegawai")
    assert len(people.conditional_formats) == 12 and people.frozen_rows == 1
    assert fake.values(SUMMARY_KEY, "Ringkasan Pegawai")[1][0] == "2026-W48"


def test_the_publish_puts_back_a_removed_look_in_the_batch_that_writes_the_values(google_config):
    config, fake = google_config
    assert weekly(config, "2026-11-23") == 0
    strip_people_look(fake)

    first = len(fake.calls)
    assert weekly(config, "2026-11-30") == 0
    write = summary_write(fake, first)
    assert look_requests(fake, SUMMARY_KEY, first) == Counter(
        updateSheetProperties=1, setBasicFilter=1, addConditionalFormatRule=1
    )
    assert look_requests(fake, SUMMARY_KEY, write) == look_requests(fake, SUMMARY_KEY, first)
    people = fake.sheet(SUMMARY_KEY, "Ringkasan Pegawai")
    assert (people.frozen_rows, len(people.conditional_formats)) == (1, 12)
    assert people.basic_filter["range"]["endRowIndex"] == 1000


def test_a_failed_publish_leaves_neither_the_values_nor_the_look(google_config):
    config, fake = google_config
    assert weekly(config, "2026-11-23") == 0
    strip_people_look(fake)
    week_1 = fake.values(SUMMARY_KEY, "Ringkasan Pegawai")
    saved = copy.deepcopy(fake.spreadsheets)
    first = len(fake.calls)
    assert weekly(config, "2026-11-30") == 0
    write = summary_write(fake, first)
    fake.spreadsheets = saved  # back to week 1's end, then that write is refused

    fake.fail_at(len(fake.calls) + write - first, 400, message="Invalid requests[0]: refused")
    assert weekly(config, "2026-11-30") == 1
    people = fake.sheet(SUMMARY_KEY, "Ringkasan Pegawai")
    assert (people.frozen_rows, people.basic_filter, len(people.conditional_formats)) == (
        0,
        None,
        11,
    )
    assert fake.values(SUMMARY_KEY, "Ringkasan Pegawai") == week_1
    assert week_1[1][0] == "2026-W47"

    assert weekly(config, "2026-11-30") == 0
    people = fake.sheet(SUMMARY_KEY, "Ringkasan Pegawai")
    assert (people.frozen_rows, len(people.conditional_formats)) == (1, 12)
    assert fake.values(SUMMARY_KEY, "Ringkasan Pegawai")[1][0] == "2026-W48"


def open_book(fake: SheetsFake) -> GoogleWorkbook:
    """The summary spreadsheet, opened afresh (its metadata read anew on first use)."""
    client = gspread.Client(auth=None, session=fake_session(fake))
    return GoogleWorkbook(client, SUMMARY_KEY, label="Ringkasan")


def test_a_new_unit_widens_the_trend_chart_and_a_rule_google_bounded_is_extended():
    fake = SheetsFake()
    fake.add_spreadsheet(SUMMARY_KEY)
    grafik = [["Unit", "Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang"]]
    trend = [["Minggu", "Kecamatan", "Sekretariat"], ["2026-W47", 90.5, 91.25]]
    log = [tab("log_proses").headers]
    open_book(fake).replace_tabs({"Grafik": grafik, "Tren": trend, "Log Proses": log})
    assert look_requests(fake, SUMMARY_KEY)["addChart"] == 2

    first = len(fake.calls)
    open_book(fake).replace_tabs({"Grafik": grafik, "Tren": trend, "Log Proses": log})
    assert look_requests(fake, SUMMARY_KEY, first) == Counter()

    # a unit joins (a column more in Tren), and Google kept a colour rule bounded to 3 rows
    rule = fake.sheet(SUMMARY_KEY, "Log Proses").conditional_formats[0]
    rule["ranges"][0]["endRowIndex"] = 3
    first = len(fake.calls)
    wider = [[*trend[0], "Seksi Pelayanan"], [*trend[1], 88.0]]
    rows = [*log, *([["2026-11-30 07:00"]] * 4)]
    open_book(fake).replace_tabs({"Grafik": grafik, "Tren": wider, "Log Proses": rows})
    # the line chart and Tren's filter take the new column; the rule reaches every row again
    assert look_requests(fake, SUMMARY_KEY, first) == Counter(
        updateChartSpec=1, setBasicFilter=1, updateConditionalFormatRule=1
    )
    charts = {c["spec"]["title"]: c for c in fake.sheet(SUMMARY_KEY, "Grafik").charts}
    line = charts["Rata-rata Nilai Capaian per Minggu"]["spec"]["basicChart"]
    assert len(line["series"]) == 3
    assert (
        "endRowIndex"
        not in fake.sheet(SUMMARY_KEY, "Log Proses").conditional_formats[0]["ranges"][0]
    )
