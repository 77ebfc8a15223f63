"""How few requests a GoogleWorkbook spends, and how it paces them under Google's quota.

The fake's column-wise reads, the status write whose answer carries the tab after it, the summary
read ahead with its set-up, and the token bucket on a fake clock (nothing here waits).
"""

from __future__ import annotations

from urllib.parse import quote

import gspread
import pytest

from tests.sheets_fake import SheetsFake, fake_session
from workflows.config import GoogleBackend
from workflows.google import GoogleWorkbook, Pacer, TokenBucket
from workflows.schema import summary_tabs, tab
from workflows.workbook import Columns, RangeUpdate

KEY = "key-unit"
HEADER = ["Tanggal", "NIP", "ID Indikator", "Realisasi", "Bukti", "Keterangan", "Status", "Pesan"]


class Clock:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def book_on(fake: SheetsFake, key: str = KEY, **options) -> GoogleWorkbook:
    client = gspread.Client(auth=None, session=fake_session(fake))
    return GoogleWorkbook(client, key, label="Seksi Pelayanan", **options)


@pytest.fixture
def fake() -> SheetsFake:
    fake = SheetsFake()
    fake.add_spreadsheet(
        KEY,
        tabs={
            "Pegawai": [["NIP", "Nama"], ["199001012015031001", "Ani"]],
            "Realisasi": [
                HEADER,
                [46000, "199001012015031001", "PLY-01", 3, "", "", "OK"],
                [46001, "199001012015031001", "", 2],
                [],
                [46003, "199001012015031001", "PLY-02", "#REF!"],
            ],
        },
    )
    return fake


def test_a_tab_asked_for_by_column_comes_in_the_same_request_as_the_others(fake):
    book = book_on(fake)
    read = book.read_tabs(["Pegawai", "Realisasi", "Perilaku"], by_column=["Realisasi"])
    assert fake.kinds() == ["metadata", "values:batchGet"]
    assert fake.calls[1].params["majorDimension"] == ["COLUMNS"]
    assert read["Pegawai"] == [["NIP", "Nama"], ["199001012015031001", "Ani"]]
    assert read["Perilaku"] is None
    realisasi = read["Realisasi"]
    assert isinstance(realisasi, Columns)
    assert realisasi.header == HEADER and realisasi.height == 4
    # ragged columns: trailing blanks left out, blanks inside kept as None
    assert realisasi.cells(2) == ["PLY-01", None, None, "PLY-02"]
    assert realisasi.cells(6) == ["OK", None, None, None]
    assert realisasi.to_rows() == book.read_tabs(["Realisasi"])["Realisasi"]


def test_the_fake_reads_columns_as_google_does(fake):
    session = fake_session(fake)
    cells = quote("Realisasi!A1:D5", safe="")  # the ':' of a range is percent-encoded
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}/values/{cells}"
    answer = session.get(url, params={"majorDimension": "COLUMNS"}).json()
    # each column from its first cell to its last non-empty one; empty cells inside are ""
    assert answer["majorDimension"] == "COLUMNS"
    assert answer["values"][2] == ["ID Indikator", "PLY-01", "", "", "PLY-02"]
    assert answer["values"][3] == ["Realisasi", "3", "2", "", "#REF!"]


def test_a_write_with_read_back_returns_the_tab_after_it_in_one_request(fake):
    book = book_on(fake)
    book.read_tabs(["Realisasi"], by_column=["Realisasi"])
    fake.calls.clear()
    after = book.write_ranges(
        [RangeUpdate("Realisasi", 2, 7, [["OK", ""], ["Ditolak", "Kosong"]])], read_back="Realisasi"
    )
    assert fake.kinds() == ["batchUpdate"]
    assert isinstance(after, Columns)
    assert after.cells(6) == ["OK", "Ditolak", None, None]
    assert after.cells(7) == [None, "Kosong", None, None]
    assert after.cells(3) == [3, 2, None, "#REF!"]  # the effective values, errors as read
    assert fake.values(KEY, "Realisasi")[2][6:8] == ["Ditolak", "Kosong"]


def test_the_summary_reads_its_history_with_the_header_rows_of_its_set_up(fake):
    riwayat = tab("riwayat").headers
    fake.add_spreadsheet("summary", tabs={"Riwayat": [riwayat, ["2026-W47", "1"]]})
    book = book_on(fake, "summary", read_ahead=("Riwayat", "Riwayat Unit"))
    book.ensure_tabs(summary_tabs())
    first = len(fake.calls)
    read = book.read_tabs(["Riwayat", "Riwayat Unit"])
    assert len(fake.calls) == first  # served from the set-up's read
    assert read["Riwayat"][1] == ["2026-W47", "1"]
    assert read["Riwayat Unit"][0][:2] == ["Minggu", "Unit"]  # created with its header
    # a created summary tab is as wide as its schema: no empty cells against the 10 M limit
    assert fake.sheet("summary", "Riwayat Unit").columns == len(tab("riwayat_unit").headers)
    assert fake.kinds() == ["metadata", "values:batchGet", "batchUpdate"]
    book.read_tabs(["Riwayat"])  # read ahead once: a later read asks Google again
    assert fake.kinds()[-1] == "values:batchGet"


def test_a_token_bucket_lets_a_burst_through_then_the_rate():
    bucket = TokenBucket(per_minute=60, burst=2)
    assert [bucket.take(0.0) for _ in range(4)] == [0.0, 0.0, 1.0, 2.0]
    assert bucket.take(10.0) == 0.0  # refilled meanwhile, up to the burst only
    assert bucket.take(10.0) == 0.0
    assert bucket.take(10.0) == pytest.approx(1.0)


def test_requests_are_paced_under_the_quota_reads_and_writes_apart(fake):
    clock = Clock()
    settings = GoogleBackend(reads_per_minute=30, writes_per_minute=60, burst=1)
    pacer = Pacer(settings, clock=clock, sleep=clock.sleep)
    book = book_on(fake, pacer=pacer)
    for _ in range(3):
        book.read_tabs(["Pegawai"])
        book.write_ranges([RangeUpdate("Pegawai", 2, 3, [["x"]])])
    # metadata + 3 reads at one read per 2 s; the writes wait only for their own bucket
    assert clock.sleeps == [2.0, 2.0, 2.0]
    assert pacer.waited == 6.0 and clock.now == 6.0


def test_at_most_rate_plus_burst_requests_go_out_in_any_minute():
    clock = Clock()
    pacer = Pacer(GoogleBackend(), clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(300):
        pacer.wait("read")
        sent.append(clock.now)
    assert max(sum(t <= s < t + 60 for s in sent) for t in sent) <= 60
    assert clock.now == pytest.approx((300 - 5) * 60 / 55)


def test_the_fake_refuses_to_grow_a_spreadsheet_past_ten_million_cells(fake):
    session = fake_session(fake)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}:batchUpdate"
    sheet = fake.sheet(KEY, "Realisasi")
    grow = {"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "length": 0}}
    # two tabs of 1000 x 26 (26,000 cells each): Realisasi may grow by 9,948,000 cells at most
    grow["appendDimension"]["length"] = 9_948_000 // 26 + 1
    answer = session.post(url, json={"requests": [grow]})
    assert answer.status_code == 400
    assert "above the limit of 10000000 cells" in answer.json()["error"]["message"]
    assert sheet.rows == 1000
    grow["appendDimension"]["length"] = 9_948_000 // 26
    assert session.post(url, json={"requests": [grow]}).status_code == 200
    assert fake.sheet(KEY, "Realisasi").rows == 1000 + 382_615


def test_a_new_tab_is_as_wide_as_its_rows(fake):
    book = book_on(fake)
    wide = [[f"Unit {i}" for i in range(40)], list(range(40))]
    book.replace_tabs({"Tren": wide})
    assert fake.values(KEY, "Tren") == wide
    assert fake.sheet(KEY, "Tren").columns == 40


def test_a_tab_read_whole_is_rewritten_only_from_its_first_changed_row(fake):
    header = tab("riwayat").headers
    weeks = [header, ["2026-W46", "1", "Ani"], ["2026-W47", "1", "Ani"], ["2026-W47", "2", "Budi"]]
    fake.add_spreadsheet("summary", tabs={"Riwayat": weeks})
    book = book_on(fake, "summary", read_ahead=("Riwayat",))
    book.ensure_tabs([tab("riwayat")])
    history = book.read_tabs(["Riwayat"])["Riwayat"]
    upserted = [*history[:3], ["2026-W47", "2", "Budi Santoso"], ["2026-W48", "1", "Ani"]]
    book.replace_tabs({"Riwayat": upserted})
    (update,) = [r["updateCells"] for r in fake.calls[-1].body["requests"] if "updateCells" in r]
    assert update["range"] == {"sheetId": 0, "startRowIndex": 3}  # the rows above are kept
    assert len(update["rows"]) == 2
    assert fake.values("summary", "Riwayat") == upserted
    # without a read of its own the next publish writes the tab whole again
    book.replace_tabs({"Riwayat": upserted[:2]})
    (update,) = [r["updateCells"] for r in fake.calls[-1].body["requests"] if "updateCells" in r]
    assert update["range"] == {"sheetId": 0} and fake.values("summary", "Riwayat") == upserted[:2]
