"""The weekly job on Google Sheets: the demo's spreadsheets in the in-process fake, the real
gspread client, and the same scores as on the local workbooks, in a few batch calls per unit."""

from __future__ import annotations

from collections import Counter

import gspread
import pytest

from tests.conftest import DEMO_DATE, write_config
from tests.sheets_fake import SheetsFake, fake_session
from workflows import google
from workflows.cli import main
from workflows.config import Config, load_config
from workflows.local import LocalWorkbook
from workflows.schema import RECORD_TAB_ORDER, UNIT_TAB_ORDER, tab

SUMMARY_KEY = "key-ringkasan"
ACCOUNT = "capaian@asemrowo-kinerja.iam.gserviceaccount.com"


def unit_key(index: int) -> str:
    return f"key-unit-{index}"


@pytest.fixture
def google_config(demo_config: Config, monkeypatch, tmp_path) -> tuple[Config, SheetsFake]:
    """The demo, copied cell by cell into fake spreadsheets, and a config that points at them."""
    fake = SheetsFake()
    folder = demo_config.path(demo_config.local.folder)
    names = [tab(key).name for key in (*UNIT_TAB_ORDER, *RECORD_TAB_ORDER)]
    for index, unit in enumerate(demo_config.units):
        raw = LocalWorkbook(folder / unit.workbook).read_tabs(names)
        tabs = {  # the optional Survei and Layanan tabs where the unit keeps them
            name: [[google.to_json_value(v) for v in row] for row in rows]
            for name, rows in raw.items()
            if rows is not None
        }
        fake.add_spreadsheet(unit_key(index), title=f"Kinerja {unit.name}", tabs=tabs)
    fake.add_spreadsheet(SUMMARY_KEY, title="Ringkasan Kinerja Kecamatan Asemrowo")
    client = gspread.Client(auth=None, session=fake_session(fake))
    monkeypatch.setattr(google, "_client_for", lambda path, source: (client, ACCOUNT))
    monkeypatch.setattr(google, "_pacer_for", lambda path, settings: None)  # no real waiting
    units = [{"name": u.name, "workbook": unit_key(i)} for i, u in enumerate(demo_config.units)]
    folder = tmp_path / "google"
    folder.mkdir()
    path = write_config(
        folder,
        backend="google",
        google={"credentials": "service_account.json"},
        units=units,
        summary={"workbook": SUMMARY_KEY},
    )
    return load_config(path), fake


def nilai_capaian(rows: list[list]) -> dict[str, float]:
    header = rows[0]
    nip, nc = header.index("NIP"), header.index("Nilai Capaian")
    return {row[nip]: row[nc] for row in rows[1:]}


def test_weekly_on_google_gives_the_local_scores_in_batch_calls(google_config, demo_config):
    config, fake = google_config
    assert (
        main(["weekly", "--config", str(config.base_dir / "config.yaml"), "--date", DEMO_DATE]) == 0
    )
    local = demo_config.base_dir / "config.yaml"
    assert main(["weekly", "--config", str(local), "--date", DEMO_DATE]) == 0

    on_google = nilai_capaian(fake.values(SUMMARY_KEY, "Ringkasan Pegawai"))
    summary = demo_config.path(demo_config.local.folder) / demo_config.summary.workbook
    on_disk = nilai_capaian(
        LocalWorkbook(summary).read_tabs(["Ringkasan Pegawai"])["Ringkasan Pegawai"]
    )
    assert len(on_google) == 49
    assert on_google == pytest.approx(on_disk)

    # statuses landed next to the staff's rows: the demo plants `dua belas` at Seksi Pelayanan row 640
    pelayanan = [u.name for u in config.units].index("Seksi Pelayanan")
    realisasi = fake.values(unit_key(pelayanan), "Realisasi")
    assert realisasi[0][6:8] == ["Status", "Pesan Validasi"]
    assert realisasi[639][3] == "dua belas" and realisasi[639][6] == "Ditolak"
    assert realisasi[1][6] == "OK"

    # batch, never cell by cell: per unit one metadata read, one read of all tabs (Realisasi by
    # column), one batchUpdate writing both status columns whose answer holds Realisasi as it
    # stands after the write (did a status land beside a row someone moved meanwhile?)
    per_book = Counter(call.spreadsheet_id for call in fake.calls)
    unit_kinds = [c.kind for c in fake.calls if c.spreadsheet_id == unit_key(0)]
    assert unit_kinds == ["metadata", "values:batchGet", "batchUpdate"]
    assert all(per_book[unit_key(i)] == 3 for i in range(len(config.units))), per_book
    # the summary: opened once, its tabs created (so Riwayat is known to be empty: not read),
    # the summary tabs and Riwayat rewritten in one atomic batchUpdate, Log Surat, Log Proses
    assert [c.kind for c in fake.calls if c.spreadsheet_id == SUMMARY_KEY] == [
        "metadata",
        "batchUpdate",
        "batchUpdate",
        "values:append",
        "values:append",
    ]


def test_a_week_with_nothing_new_to_write_reads_each_unit_in_two_requests(google_config):
    config, fake = google_config
    path = str(config.base_dir / "config.yaml")
    assert main(["validate", "--config", path, "--date", DEMO_DATE]) == 0
    fake.calls.clear()
    assert main(["validate", "--config", path, "--date", DEMO_DATE]) == 0
    # the statuses read are already those wanted: no write, so no read after it either
    assert [c.kind for c in fake.calls if c.spreadsheet_id == unit_key(0)] == [
        "metadata",
        "values:batchGet",
    ]
    assert all(c.kind != "batchUpdate" for c in fake.calls if c.spreadsheet_id != SUMMARY_KEY)
