"""GoogleWorkbook through the real gspread client over the in-process Sheets fake."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import gspread
import numpy as np
import pandas as pd
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import write_config
from tests.sheets_fake import ForbiddenHost, Formula, SheetsFake, fake_session
from workflows import schema
from workflows.backends import open_workbook
from workflows.config import ConfigError, GoogleRetry, load_config
from workflows.google import (
    Backoff,
    GoogleAccessDenied,
    GoogleCredentialsError,
    GoogleQuotaExceeded,
    GoogleUnavailable,
    GoogleWorkbook,
    to_json_value,
)
from workflows.local import LocalWorkbook
from workflows.workbook import RangeUpdate, WorkbookError, WorkbookNotFound

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
NIP = "199001012015031001"
ACCOUNT = "capaian@proyek.iam.gserviceaccount.com"


@pytest.fixture
def fake() -> SheetsFake:
    return SheetsFake()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connect(fake: SheetsFake, sleeps: list[float]):
    """A GoogleWorkbook on the fake; retries sleep into ``sleeps`` instead of waiting."""

    def make(key: str = KEY, *, attempts: int = 4) -> GoogleWorkbook:
        backoff = Backoff(GoogleRetry(attempts=attempts), sleep=sleeps.append, rand=lambda: 0.5)
        client = gspread.Client(auth=None, session=fake_session(fake))
        return GoogleWorkbook(
            client, key, label="Seksi Pelayanan", account=ACCOUNT, backoff=backoff
        )

    return make


def unit_book(fake: SheetsFake, **tabs: list[list]) -> None:
    fake.add_spreadsheet(KEY, title="Kinerja Seksi Pelayanan", tabs=tabs or {"Sheet1": []})


# -- reading ---------------------------------------------------------------------------------


def test_read_tabs_is_one_values_call_after_one_metadata_read(fake, connect):
    unit_book(
        fake,
        Pegawai=[["NIP", "Nama"], [NIP, "Siti"], [], ["08123", "Budi", ""]],
        realisasi=[["Tanggal", "Realisasi"], [46083, 12.5], [46084, 3, True]],
        **{"Ringkasan O'Brien": [["A", None, "C"]]},
    )
    wb = connect()

    got = wb.read_tabs(["Pegawai", "Realisasi", "ringkasan  o'brien", "Perilaku"])

    assert got == {
        "Pegawai": [["NIP", "Nama"], [NIP, "Siti"], [], ["08123", "Budi"]],
        "Realisasi": [["Tanggal", "Realisasi"], [46083, 12.5], [46084, 3, True]],
        "ringkasan  o'brien": [["A", None, "C"]],
        "Perilaku": None,
    }
    assert fake.kinds() == ["metadata", "values:batchGet"]
    batch = fake.calls[1]
    assert batch.params["ranges"] == ["'Pegawai'", "'realisasi'", "'Ringkasan O''Brien'"]
    assert batch.params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert batch.params["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert batch.params["majorDimension"] == ["ROWS"]

    wb.read_tabs(["Pegawai"])
    assert fake.kinds() == ["metadata", "values:batchGet", "values:batchGet"]
    assert wb.api_calls == 3


def test_read_tabs_of_no_existing_tab_makes_no_values_call(fake, connect):
    unit_book(fake)
    wb = connect()
    assert wb.read_tabs(["Pegawai"]) == {"Pegawai": None}
    assert fake.kinds() == ["metadata"]


# -- writing ---------------------------------------------------------------------------------


def test_write_ranges_is_one_raw_call_and_text_stays_text(fake, connect):
    unit_book(fake, Realisasi=[["Tanggal", "NIP", "Status", "Pesan"], [46083, NIP]])
    wb = connect()
    link = '=HYPERLINK("https://contoh.go.id","bukti")'

    wb.write_ranges(
        [
            RangeUpdate("realisasi", 2, 3, [["OK", link], ["Ditolak", "08123"]]),
            RangeUpdate("Realisasi", 5, 1, [[dt.date(2026, 3, 2), np.int64(7), np.float64("nan")]]),
        ]
    )

    assert fake.kinds() == ["metadata", "values:batchUpdate"]
    body = fake.calls[1].body
    assert body["valueInputOption"] == "RAW"
    assert [d["range"] for d in body["data"]] == ["'Realisasi'!C2:D3", "'Realisasi'!A5:C5"]
    assert fake.values(KEY, "Realisasi") == [
        ["Tanggal", "NIP", "Status", "Pesan"],
        [46083, NIP, "OK", link],
        ["", "", "Ditolak", "08123"],
        [],
        [46083, 7],
    ]
    assert wb.read_tabs(["Realisasi"])["Realisasi"][1][3] == link


def test_user_entered_would_have_made_a_formula_and_a_number(fake, connect):
    """The fake tells RAW from USER_ENTERED, so the RAW test above proves something."""
    unit_book(fake)
    wb = connect()
    wb.http.values_update(
        KEY,
        "Sheet1!A1",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [['=HYPERLINK("https://contoh.go.id","bukti")', "08123"]]},
    )
    assert fake.values(KEY, "Sheet1") == [
        [Formula('=HYPERLINK("https://contoh.go.id","bukti")'), 8123]
    ]
    assert wb.read_tabs(["Sheet1"])["Sheet1"] == [["bukti", 8123]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        (float("inf"), ""),
        (np.float64("nan"), ""),
        (pd.NaT, ""),
        (pd.NA, ""),
        (np.int64(3), 3),
        (np.bool_(True), True),
        ("08123", "08123"),
        (dt.date(2026, 3, 2), 46083),
        (dt.datetime(2026, 3, 2, 18, 0), 46083.75),
        (pd.Timestamp("2026-03-02 06:00"), 46083.25),
        (dt.datetime(2026, 3, 2, 12, tzinfo=dt.timezone(dt.timedelta(hours=7))), 46083.5),
    ],
)
def test_values_become_json_for_a_raw_write(value, expected):
    assert to_json_value(value) == expected
    json.dumps(to_json_value(value), allow_nan=False)


def test_write_to_a_missing_tab_fails_before_any_write(fake, connect):
    unit_book(fake)
    wb = connect()
    with pytest.raises(WorkbookError, match="tidak memiliki tab 'Realisasi'.*init"):
        wb.write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert fake.kinds() == ["metadata"]


def test_append_rows_is_one_call_after_the_last_row(fake, connect):
    unit_book(fake, **{"Log Proses": [["Mulai", "Hasil"], [46083.5, "selesai"]]})
    wb = connect()

    wb.append_rows("log proses", [[46090.25, "selesai"], [46097.0, "=gagal"]])

    assert fake.kinds() == ["metadata", "values:append"]
    call = fake.calls[1]
    assert call.params["valueInputOption"] == ["RAW"]
    assert call.params["insertDataOption"] == ["INSERT_ROWS"]
    assert fake.values(KEY, "Log Proses")[1:] == [
        [46083.5, "selesai"],
        [46090.25, "selesai"],
        [46097.0, "=gagal"],
    ]


def test_replace_tabs_is_one_batch_update_that_writes_values_only(fake, connect):
    unit_book(
        fake,
        **{
            "Ringkasan Unit": [["Unit", "ASN"], ["Lama", 1], ["Lama", 2, "x", "y"], ["Lama", 3]],
            "Temuan Validasi": [["Tab"], ["x"]],
        },
    )
    wb = connect()

    wb.replace_tabs(
        {
            "Ringkasan Unit": [
                ["Unit", "ASN", "Diperbarui", "Catatan", "Lengkap"],
                ["=SUM(B1:B9)", np.int64(12), dt.datetime(2026, 3, 2, 18, 0), None, True],
                ["'08123", 0.5, dt.date(2026, 3, 2), float("nan"), False],
            ],
            "temuan validasi": [["Tab"]],
        }
    )

    assert fake.kinds() == ["metadata", "batchUpdate"]
    assert fake.values(KEY, "Ringkasan Unit") == [
        ["Unit", "ASN", "Diperbarui", "Catatan", "Lengkap"],
        ["=SUM(B1:B9)", 12, 46083.75, "", True],  # text stays text, never a formula
        ["'08123", 0.5, 46083, "", False],
    ]
    assert fake.values(KEY, "Temuan Validasi") == [["Tab"]]
    requests_ = fake.calls[1].body["requests"]
    # the values first, then what each tab lacks of its look: a frozen header and a filter
    look = [["updateSheetProperties"], ["setBasicFilter"]]
    assert [list(r) for r in requests_] == [["updateCells"], ["updateCells"], *look, *look]
    update = requests_[0]["updateCells"]
    assert update["range"] == {"sheetId": 0}  # the whole tab: what the old rows had is emptied
    assert update["fields"] == "userEnteredValue"  # header colours and number formats stay
    assert update["rows"][1]["values"][:2] == [
        {"userEnteredValue": {"stringValue": "=SUM(B1:B9)"}},
        {"userEnteredValue": {"numberValue": 12}},
    ]
    assert update["rows"][1]["values"][3:] == [{}, {"userEnteredValue": {"boolValue": True}}]
    # what the next run reads back is what the old values write gave: serials, text, numbers
    assert wb.read_tabs(["Ringkasan Unit"])["Ringkasan Unit"][1:] == [
        ["=SUM(B1:B9)", 12, 46083.75, None, True],
        ["'08123", 0.5, 46083, None, False],
    ]


def test_replace_tabs_grows_a_short_grid_in_the_same_request(fake, connect):
    unit_book(fake, Riwayat=[["Minggu", "NIP"], ["2026-W47", NIP]])
    fake.sheet(KEY, "Riwayat").resize(rows=3, columns=2)
    wb = connect()
    rows = [["Minggu", "NIP", "Nilai"]] + [[f"2026-W{w}", NIP, w] for w in range(40, 46)]

    wb.replace_tabs({"Riwayat": rows})

    requests_ = fake.calls[1].body["requests"]
    assert [next(iter(r)) for r in requests_] == [
        "appendDimension",
        "appendDimension",
        "copyPaste",
        "updateCells",
        "updateSheetProperties",
        "setBasicFilter",
    ]
    assert requests_[0]["appendDimension"] == {"sheetId": 0, "dimension": "COLUMNS", "length": 1}
    assert requests_[1]["appendDimension"] == {"sheetId": 0, "dimension": "ROWS", "length": 4}
    # the new rows 4-7 take the format of row 3, the grid's last (so dates stay dates)
    paste = requests_[2]["copyPaste"]
    assert (paste["source"]["startRowIndex"], paste["source"]["endRowIndex"]) == (2, 3)
    assert (paste["destination"]["startRowIndex"], paste["destination"]["endRowIndex"]) == (3, 7)
    assert paste["pasteType"] == "PASTE_FORMAT"
    assert (fake.sheet(KEY, "Riwayat").rows, fake.sheet(KEY, "Riwayat").columns) == (7, 3)
    assert fake.values(KEY, "Riwayat") == rows

    # the workbook knows the grid it grew: a longer write next grows it by the difference only
    wb.replace_tabs({"Riwayat": [*rows, ["2026-W46", NIP, 46]]})
    assert fake.calls[2].body["requests"][0]["appendDimension"]["length"] == 1
    assert fake.sheet(KEY, "Riwayat").rows == 8
    wb.replace_tabs({"Riwayat": rows[:2]})
    assert [next(iter(r)) for r in fake.calls[3].body["requests"]] == ["updateCells"]
    assert fake.values(KEY, "Riwayat") == rows[:2]


SUMMARY_BEFORE = {
    "Ringkasan Pegawai": [["Minggu", "NIP"], ["2026-W47", NIP]],
    "Riwayat": [["Minggu", "NIP"], ["2026-W46", NIP], ["2026-W47", NIP]],
}
SUMMARY_AFTER = {
    "Ringkasan Pegawai": [["Minggu", "NIP"], ["2026-W48", NIP]],
    "Riwayat": [["Minggu", "NIP"], ["2026-W46", NIP], ["2026-W47", NIP], ["2026-W48", NIP]],
}


def test_a_replace_refused_for_a_grid_shrunk_meanwhile_leaves_every_tab_as_it_was(fake, connect):
    unit_book(fake, **SUMMARY_BEFORE)
    wb = connect()
    wb.read_tabs(["Riwayat"])  # the grid is known: 1000 rows
    fake.sheet(KEY, "Riwayat").resize(rows=3)  # someone deleted the empty rows since

    with pytest.raises(WorkbookError) as raised:
        wb.replace_tabs(SUMMARY_AFTER)

    assert str(raised.value) == (
        f"Google Sheets menolak permintaan untuk spreadsheet Seksi Pelayanan (kunci {KEY}) "
        "(kode 400: Invalid requests[1].updateCells: Range (Riwayat!A1:B4) exceeds grid "
        "limits. Max rows: 3, max columns: 26)."
    )
    assert {t: fake.values(KEY, t) for t in SUMMARY_BEFORE} == SUMMARY_BEFORE


@pytest.mark.parametrize("status", [429, 503])
def test_a_replace_that_fails_after_every_retry_leaves_every_tab_as_it_was(fake, connect, status):
    unit_book(fake, **SUMMARY_BEFORE)
    wb = connect(attempts=2)
    wb.read_tabs(["Riwayat"])
    fake.fail_next(status, times=2)

    with pytest.raises(WorkbookError, match="juga setelah 2 kali percobaan"):
        wb.replace_tabs(SUMMARY_AFTER)

    assert fake.kinds() == ["metadata", "values:batchGet", "batchUpdate", "batchUpdate"]
    assert {t: fake.values(KEY, t) for t in SUMMARY_BEFORE} == SUMMARY_BEFORE
    wb.replace_tabs(SUMMARY_AFTER)
    assert {t: fake.values(KEY, t) for t in SUMMARY_AFTER} == SUMMARY_AFTER


# -- ensure_tabs -----------------------------------------------------------------------------


def test_ensure_tabs_creates_everything_in_one_write_and_then_nothing(fake, connect):
    unit_book(fake)
    wb = connect()

    changes = wb.ensure_tabs(schema.unit_tabs())

    assert changes == [f"Seksi Pelayanan: tab '{t.name}' dibuat." for t in schema.unit_tabs()]
    assert fake.kinds() == ["metadata", "batchUpdate"]
    assert wb.read_tabs(["Realisasi"])["Realisasi"] == [schema.tab("realisasi").headers]
    realisasi = fake.sheet(KEY, "Realisasi")
    assert realisasi.frozen_rows == 1
    assert [p["description"] for p in realisasi.protected] == [
        "capaian: kolom sistem Status",
        "capaian: kolom sistem Pesan Validasi",
    ]
    assert all(p["warningOnly"] for p in realisasi.protected)
    pegawai_status = schema.tab("pegawai").headers.index("Status")
    rule = fake.sheet(KEY, "Pegawai").validations[(1, None, pegawai_status, pegawai_status + 1)]
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == ["Aktif", "Nonaktif"]
    assert rule["strict"] is False

    before = len(fake.calls)
    assert wb.ensure_tabs(schema.unit_tabs()) == []
    assert connect().ensure_tabs(schema.unit_tabs()) == []
    assert not [c for c in fake.calls[before:] if c.is_write]


def test_ensure_tabs_adds_missing_headers_after_the_last_one_and_keeps_data(fake, connect):
    unit_book(
        fake,
        realisasi=[["tanggal", "NIP ", "ID Indikator", "Realisasi"], [46083, NIP, "PLY-01", 3]],
    )
    wb = connect()

    changes = wb.ensure_tabs([schema.tab("realisasi")])

    assert changes == [
        "Seksi Pelayanan: tab 'realisasi' mendapat kolom Bukti, Keterangan, Status, Pesan Validasi."
    ]
    assert fake.kinds() == ["metadata", "values:batchGet", "batchUpdate"]
    assert fake.values(KEY, "realisasi") == [
        [
            "tanggal",
            "NIP ",
            "ID Indikator",
            "Realisasi",
            "Bukti",
            "Keterangan",
            "Status",
            "Pesan Validasi",
        ],
        [46083, NIP, "PLY-01", 3],
    ]
    assert len(fake.sheet(KEY, "realisasi").protected) == 2


def test_ensure_summary_tabs_sets_number_formats_without_dropdowns(fake, connect):
    unit_book(fake)
    connect().ensure_tabs(schema.summary_tabs())
    log = fake.sheet(KEY, "Log Proses")
    formats = [
        f["repeatCell"]["cell"]["userEnteredFormat"]["numberFormat"]["type"]
        for f in log.formats
        if "numberFormat" in f.get("repeatCell", {}).get("fields", "")
    ]
    assert formats[:2] == ["DATE_TIME", "DATE_TIME"]
    assert not log.validations
    assert not log.protected


# -- retry and errors ------------------------------------------------------------------------


def test_quota_and_server_errors_are_retried_then_succeed(fake, connect, sleeps):
    unit_book(fake, Pegawai=[["NIP"]])
    wb = connect()
    fake.fail_next(429, times=2)
    fake.fail_next(503, retry_after="7")

    assert wb.read_tabs(["Pegawai"]) == {"Pegawai": [["NIP"]]}

    assert fake.kinds() == ["metadata"] * 4 + ["values:batchGet"]
    assert sleeps == [0.75, 1.5, 7.0]  # equal jitter at rand=0.5 on 1, 2; then Retry-After
    assert wb.api_calls == 2
    assert wb.requests_sent == 5


def test_retry_gives_up_after_the_cap_with_a_clear_message(fake, connect, sleeps):
    unit_book(fake)
    wb = connect(attempts=3)
    fake.fail_next(429, times=5)

    with pytest.raises(
        GoogleQuotaExceeded, match=r"Kuota Google Sheets terlampaui.*3 kali percobaan"
    ):
        wb.read_tabs(["Pegawai"])
    assert len(sleeps) == 2
    assert len(fake.calls) == 3

    fake.fail_next(500, times=3)
    with pytest.raises(GoogleUnavailable, match="kode 500"):
        wb.read_tabs(["Pegawai"])


def test_back_off_is_capped_and_grows():
    high = Backoff(GoogleRetry(max_seconds=10.0), rand=lambda: 1.0)
    assert [high.delay(n, None) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    low = Backoff(GoogleRetry(), rand=lambda: 0.0)
    assert [low.delay(n, None) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_no_access_names_the_service_account_to_share_with(fake, connect, sleeps):
    fake.add_spreadsheet(KEY, accessible=False)
    with pytest.raises(GoogleAccessDenied) as raised:
        connect().read_tabs(["Pegawai"])
    assert f"Bagikan spreadsheet itu kepada {ACCOUNT} sebagai Editor" in str(raised.value)
    assert sleeps == []  # a 403 is not retried


def test_disabled_sheets_api_says_to_enable_it(fake, connect):
    unit_book(fake)
    fake.fail_next(403, reason="SERVICE_DISABLED")
    with pytest.raises(GoogleAccessDenied, match="Aktifkan 'Google Sheets API'"):
        connect().read_tabs(["Pegawai"])


def test_unknown_key_says_the_key_was_not_found(connect):
    with pytest.raises(WorkbookNotFound, match="kunci 'salah' tidak ditemukan"):
        connect("salah").read_tabs(["Pegawai"])


def test_only_the_sheets_api_can_be_reached(fake, connect):
    session = fake_session(fake)
    for url in (
        "https://oauth2.googleapis.com/token",
        "https://www.googleapis.com/drive/v3/files",
        "http://example.com/",
    ):
        with pytest.raises(ForbiddenHost):
            session.get(url)
    unit_book(fake)
    wb = connect()
    wb.ensure_tabs(schema.unit_tabs())
    wb.read_tabs(["Pegawai"])
    assert all(c.spreadsheet_id == KEY for c in fake.calls)


# -- opening with credentials ----------------------------------------------------------------


def google_config(tmp_path: Path, **google: object):
    return load_config(write_config(tmp_path, backend="google", google=google))


def test_missing_credentials_name_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("CAPAIAN_TEST_KEY", raising=False)
    config = google_config(tmp_path, credentials_env="CAPAIAN_TEST_KEY")
    with pytest.raises(GoogleCredentialsError, match="variabel lingkungan CAPAIAN_TEST_KEY"):
        open_workbook(config, KEY, label="Sekretariat")

    monkeypatch.setenv("CAPAIAN_TEST_KEY", str(tmp_path / "tidak-ada.json"))
    with pytest.raises(
        GoogleCredentialsError,
        match="tidak-ada.json .dari variabel lingkungan CAPAIAN_TEST_KEY. tidak ditemukan",
    ):
        open_workbook(config, KEY, label="Sekretariat")


def test_credentials_file_from_config_is_checked(tmp_path):
    config = google_config(tmp_path, credentials="rahasia/sa.json")
    with pytest.raises(GoogleCredentialsError, match=r"rahasia/sa.json .dari google.credentials"):
        open_workbook(config, KEY, label="Sekretariat")

    (tmp_path / "rahasia").mkdir()
    (tmp_path / "rahasia/sa.json").write_text('{"type": "authorized_user"}', encoding="utf-8")
    with pytest.raises(GoogleCredentialsError, match="bukan kunci akun layanan yang sah"):
        open_workbook(config, KEY, label="Sekretariat")


def test_a_valid_key_opens_without_contacting_google(tmp_path, monkeypatch):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "proyek",
        "private_key_id": "1",
        "private_key": pem,
        "client_email": ACCOUNT,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    monkeypatch.setenv("CAPAIAN_TEST_KEY", str(path))
    retry = {"attempts": 3, "base_seconds": 0.5, "max_seconds": 8}
    config = google_config(tmp_path, credentials_env="CAPAIAN_TEST_KEY", retry=retry)

    wb = open_workbook(config, KEY, label="Sekretariat")

    assert isinstance(wb, GoogleWorkbook)
    assert (wb.account, wb.key, wb.label, wb.api_calls) == (ACCOUNT, KEY, "Sekretariat", 0)
    assert wb.backoff.settings == GoogleRetry(attempts=3, base_seconds=0.5, max_seconds=8.0)


@pytest.mark.parametrize(
    ("retry", "message"),
    [
        ({"attempts": 0}, "kunci 'google.retry.attempts' bernilai 0: harus paling sedikit 1"),
        ({"base_seconds": -1}, "kunci 'google.retry.base_seconds' bernilai -1: harus paling"),
        (
            {"base_seconds": 10, "max_seconds": 5},
            "max_seconds tidak boleh lebih kecil dari base_seconds",
        ),
        ({"tries": 3}, "kunci 'google.retry.tries' bernilai 3: kunci ini tidak dikenal"),
    ],
)
def test_retry_limits_in_config_are_checked(tmp_path, retry, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        google_config(tmp_path, retry=retry)


def test_retry_limits_default_to_six_tries_within_a_minute_each(tmp_path):
    retry = google_config(tmp_path).google.retry
    assert (retry.attempts, retry.base_seconds, retry.max_seconds) == (6, 1.0, 64.0)


# -- parity with the local backend -----------------------------------------------------------


def test_same_operations_give_the_same_values_as_a_local_workbook(fake, connect, tmp_path):
    unit_book(fake)
    books = [LocalWorkbook(tmp_path / "pelayanan.xlsx", label="Seksi Pelayanan"), connect()]
    tabs = ["Pegawai", "Realisasi", "Refleksi", "Indikator", "Perilaku"]
    results = []
    for book in books:
        book.ensure_tabs(schema.unit_tabs())
        book.append_rows(
            "Pegawai",
            [
                [NIP, "Siti Aminah", "Analis", "siti@contoh.go.id", None, "Aktif"],
                ["08123", "Budi", "Staf", "b@c.id"],
            ],
        )
        book.append_rows(
            "Realisasi",
            [
                ["29/11/2026", NIP, "PLY-01", "12,5", '=HYPERLINK("x")'],
                ["2026-11-30", NIP, "PLY-02", 3],
            ],
        )
        book.write_ranges(
            [
                RangeUpdate(
                    "Realisasi", 2, 7, [["OK", None], ["Ditolak", "Realisasi 'dua' bukan angka."]]
                )
            ]
        )
        book.replace_tabs(
            {"Refleksi": [schema.tab("refleksi").headers, ["2026-W48", NIP, "Lancar", 0.5, True]]}
        )
        book.append_rows(
            "pegawai", [["199201012020122001", "Rina", "Staf", "r@c.id", NIP, "Nonaktif"]]
        )
        results.append(book.read_tabs(tabs))

    local, google = results
    assert google == local
    assert google["Realisasi"][1][6:] == ["OK"]
