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

from tests import test_google_weekly
from tests.sheets_fake import SheetsFake
from tests.test_google_weekly import SUMMARY_KEY, unit_key
from workflows.cli import main
from workflows.config import Config

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
TABLES = (
    "Ringkasan Pegawai",
    "Ringkasan Unit",
    "Capaian Indikator",
    "Riwayat",
    "Riwayat Unit",
    "Temuan Validasi",
    "Log Surat",
    "Log Proses",
)


def run(config: Config, *command: str) -> int:
    return main([*command, "--config", str(config.base_dir / "config.yaml")])


def weekly(config: Config, date: str) -> int:
    return run(config, "weekly", "--date", date)


def summary_write(fake: SheetsFake, first: int = 0) -> int:
    """The number of the call that rewrites the summary's tabs."""
    return next(
        i
        for i, call in enumerate(fake.calls)
        if i >= first and call.spreadsheet_id == SUMMARY_KEY and "updateCells" in str(call.body)
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

    for title in TABLES:
        sheet = fake.sheet(SUMMARY_KEY, title)
        assert sheet.frozen_rows == 1, title
        assert len(sheet.conditional_formats) == RULES.get(title, 0), title
        assert sheet.basic_filter["range"]["startRowIndex"] == 0
        assert sheet.basic_filter["range"]["endRowIndex"] == 1000, title

    first = len(fake.calls)
    assert run(config, "init") == 0
    assert not [c for c in fake.calls[first:] if c.is_write]


def test_weekly_sends_the_summary_look_with_the_first_publish_and_never_again(google_config):
    config, fake = google_config
    assert weekly(config, "2026-11-23") == 0
    assert look_requests(fake, SUMMARY_KEY) == Counter(
        updateSheetProperties=8, setBasicFilter=8, addConditionalFormatRule=29
    )
    assert all(look_requests(fake, unit_key(i)) == Counter() for i in range(len(config.units)))

    first = len(fake.calls)
    assert weekly(config, "2026-11-30") == 0
    assert look_requests(fake, SUMMARY_KEY, first) == Counter()
    assert [c.kind for c in fake.calls[first:] if c.spreadsheet_id == SUMMARY_KEY] == [
        "metadata",
        "values:batchGet",
        "values:batchGet",
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
