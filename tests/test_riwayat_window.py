"""Riwayat's window: the summary keeps the newest weeks that fit in ``summary.riwayat_cells``,
the weeks that leave are archived to ``state/riwayat/<year>.csv`` first, and Tren is unchanged.

The published weeks W44 to W47 are typed by hand (three ASN: Ani and Budi in Seksi Pelayanan,
Citra in Sekretariat); W48 is scored from ``test_score``'s hand-computed week. With
``trend_weeks: 1`` the window keeps at least 2 weeks; at 3 rows a week and 10 columns,
``riwayat_cells: 60`` keeps exactly W47 and W48.
"""

from __future__ import annotations

import datetime as dt

import gspread
import openpyxl
import pandas as pd
import pytest
import time_machine
from test_publish import W48, summary_path, validation
from test_score import NIP_A, NIP_B, NIP_C

from tests.conftest import write_config
from tests.sheets_fake import SheetsFake, fake_session
from workflows import publish
from workflows.archive import archive_rows, read_archive
from workflows.cli import main as run_cli
from workflows.config import ConfigError, load_config
from workflows.google import GoogleWorkbook
from workflows.local import LocalWorkbook
from workflows.schema import summary_tabs, tab
from workflows.window import iso_year, split_window, weeks_that_fit

ORG = "Kecamatan Asemrowo"
PLY, SEK = "Seksi Pelayanan", "Sekretariat"
PEOPLE = ((NIP_A, "Ani", PLY), (NIP_B, "Budi", PLY), (NIP_C, "Citra", SEK))
# Nilai Capaian of Ani, Budi, Citra per published week
SCORES = {
    "2026-W44": (80.0, 90.0, 70.0),  # Pelayanan 85, Sekretariat 70, organisation 80
    "2026-W45": (60.0, 80.0, 100.0),  # 70, 100, 80
    "2026-W46": (50.0, 70.0, 90.0),  # 60, 90, 70
    "2026-W47": (40.0, 60.0, 80.0),  # 50, 80, 60
}
# Riwayat Unit as published: W44 and W45 were back-filled, so only W46 and W47 have rows
UNIT_ROWS = {"2026-W46": (60.0, 90.0, 70.0), "2026-W47": (50.0, 80.0, 60.0)}
TREND_HEADER = ["Minggu", ORG, SEK, PLY]  # config.yaml lists Sekretariat first
OLD_TREND = [
    ["2026-W44", 80.0, 70.0, 85.0],
    ["2026-W45", 80.0, 100.0, 70.0],
    ["2026-W46", 70.0, 90.0, 60.0],
    ["2026-W47", 60.0, 80.0, 50.0],
]
NOW = dt.datetime(2026, 11, 30, 7, 0)


def riwayat_rows(weeks=SCORES) -> list[list]:
    """Riwayat as capaian writes it: by week, then NIP."""
    rows = [tab("riwayat").headers]
    for week, scores in weeks.items():
        for (nip, name, unit), score in sorted(zip(PEOPLE, scores, strict=True)):
            rows.append([week, nip, name, unit, score, "", "", "", "", "2026-11-01 07:00"])
    return rows


def unit_rows() -> list[list]:
    rows = [tab("riwayat_unit").headers]
    for week, (ply, sek, org) in UNIT_ROWS.items():
        for unit, mean, count in ((PLY, ply, 2), (SEK, sek, 1), (ORG, org, 3)):
            rows.append([week, unit, count, mean, mean, 1.0, 0, "2026-11-01 07:00"])
    return rows


def windowed(tmp_path, cells: int = 60, log_cells: int = 1_000_000):
    folder = tmp_path / f"cells-{cells}"
    folder.mkdir()
    scoring = load_config(write_config(tmp_path)).model_dump(mode="json")["scoring"]
    summary = {"workbook": "ringkasan.xlsx", "riwayat_cells": cells, "log_surat_cells": log_cells}
    path = write_config(folder, summary=summary, scoring={**scoring, "trend_weeks": 1})
    return load_config(path)


def publish_w48(config, book=None):
    return publish.score_and_publish(
        config,
        W48,
        validation(),
        today=dt.date(2026, 11, 30),
        book=book or publish.open_summary_book(config),
        now=NOW,
    )


def local_summary(config):
    book = LocalWorkbook(summary_path(config))
    book.ensure_tabs(summary_tabs())
    book.replace_tabs({"Riwayat": riwayat_rows(), "Riwayat Unit": unit_rows()})


def sheet(config, name: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(summary_path(config))[name].values]


def archived(config) -> list[tuple[str, str, str]]:
    frame = read_archive(config.path(config.state.folder) / "riwayat" / "2026.csv")
    return list(zip(frame["minggu"], frame["nip"], frame["nilai_capaian"], strict=True))


ARCHIVED = [
    (week, nip, str(score))
    for week, scores in list(SCORES.items())[:3]
    for (nip, _, _), score in sorted(zip(PEOPLE, scores, strict=True))
]


# -- the window's size ---------------------------------------------------------------------------


def test_the_window_keeps_the_newest_whole_weeks_that_fit():
    city = [30_000] * 52  # 30,000 ASN, a year of weeks, Riwayat's 10 columns
    assert weeks_that_fit(city, columns=10, cells=4_000_000, minimum=9) == 13  # 3.9 M cells
    assert weeks_that_fit(city, columns=10, cells=1_000_000, minimum=9) == 9  # the trend's
    assert weeks_that_fit([3, 3, 3], columns=10, cells=65, minimum=1) == 2  # whole weeks only
    assert weeks_that_fit([3, 3], columns=10, cells=4_000_000, minimum=9) == 2  # all there is
    history = pd.DataFrame(
        {
            "minggu": ["2026-W45", "2026-W46", "2026-W46", "2026-W47", "2026-W47"],
            "nip": list("abcde"),
        }
    )
    kept, departing = split_window(history, columns=10, cells=40, minimum=1)
    assert list(kept["nip"]) == ["b", "c", "d", "e"] and list(departing["nip"]) == ["a"]
    kept, departing = split_window(history, columns=10, cells=0, minimum=1)
    assert list(kept["nip"]) == ["d", "e"] and list(departing["nip"]) == ["a", "b", "c"]


def test_riwayat_cells_is_configured_and_checked(tmp_path):
    assert load_config(write_config(tmp_path)).summary.riwayat_cells == 4_000_000
    path = write_config(tmp_path, summary={"workbook": "r.xlsx", "riwayat_cells": -1})
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "kunci 'summary.riwayat_cells' bernilai -1: harus paling sedikit 0" in str(error.value)


# -- the archive -----------------------------------------------------------------------------------


def test_the_archive_is_an_upsert_by_week_and_nip(tmp_path):
    folder = tmp_path / "riwayat"
    rows = pd.DataFrame(
        {"minggu": ["2026-W10", "2026-W10"], "nip": [NIP_B, NIP_A], "nilai_capaian": [90.5, 80.0]}
    )
    assert archive_rows(folder, rows, key=["minggu", "nip"]) == [folder / "2026.csv"]
    first = (folder / "2026.csv").read_bytes()
    assert first == (
        f"minggu,nip,nilai_capaian\n2026-W10,{NIP_A},80.0\n2026-W10,{NIP_B},90.5\n".encode()
    )
    # the same week replayed (run --date 2026-03-09 again): nothing to write, nothing doubled
    assert archive_rows(folder, rows, key=["minggu", "nip"]) == []
    assert (folder / "2026.csv").read_bytes() == first
    # replayed with a corrected score: the row is replaced, not repeated
    rescored = rows.assign(nilai_capaian=[91.0, 80.0])
    archive_rows(folder, rescored, key=["minggu", "nip"])
    frame = read_archive(folder / "2026.csv")
    assert frame.values.tolist() == [["2026-W10", NIP_A, "80.0"], ["2026-W10", NIP_B, "91.0"]]
    assert list(tmp_path.glob("**/*.tmp")) == []
    # a later week is appended to the file's bytes: the same file as merging it in
    later = rows.assign(minggu="2026-W11")
    archive_rows(folder, later, key=["minggu", "nip"])
    merged = tmp_path / "merged"
    archive_rows(merged, pd.concat([rescored, later]), key=["minggu", "nip"])
    assert (folder / "2026.csv").read_bytes() == (merged / "2026.csv").read_bytes()
    assert len(read_archive(folder / "2026.csv")) == 4


def test_a_week_is_archived_to_the_file_of_its_iso_year(tmp_path):
    assert (iso_year("2026-W53"), iso_year("2027-W01")) == ("2026", "2027")
    folder = tmp_path / "riwayat"
    rows = pd.DataFrame(
        {
            "minggu": ["2027-W01", "2026-W53", "2026-W52"],
            "nip": [NIP_A] * 3,
            "nilai_capaian": [1, 2, 3],
        }
    )
    written = archive_rows(folder, rows, key=["minggu", "nip"])
    assert written == [folder / "2026.csv", folder / "2027.csv"]
    assert read_archive(folder / "2026.csv")["minggu"].tolist() == ["2026-W52", "2026-W53"]
    assert read_archive(folder / "2027.csv")["minggu"].tolist() == ["2027-W01"]


# -- publishing with the window: local workbook --------------------------------------------------


def test_local_riwayat_keeps_its_window_and_the_rest_is_archived(tmp_path):
    config = windowed(tmp_path)
    local_summary(config)
    _, riwayat = publish_w48(config)
    rows = sheet(config, "Riwayat")
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (week, nip) for week in ("2026-W47", "2026-W48") for nip in sorted([NIP_A, NIP_B, NIP_C])
    ]
    assert archived(config) == ARCHIVED
    assert len(riwayat) == 15  # the letters still get every week this run knew
    # Riwayat Unit gains the means of the back-filled weeks that left Riwayat
    units = [(r[0], r[1], r[2], r[3]) for r in sheet(config, "Riwayat Unit")[1:]]
    assert units[:6] == [
        ("2026-W44", ORG, 3, 80.0),
        ("2026-W44", SEK, 1, 70.0),
        ("2026-W44", PLY, 2, 85.0),
        ("2026-W45", ORG, 3, 80.0),
        ("2026-W45", SEK, 1, 100.0),
        ("2026-W45", PLY, 2, 70.0),
    ]
    assert len(units) == 15  # W44 to W48, three rows each


def test_the_trend_is_the_same_with_or_without_the_window(tmp_path):
    small, whole = windowed(tmp_path, cells=60), windowed(tmp_path, cells=4_000_000)
    for config in (small, whole):
        local_summary(config)
        publish_w48(config)
    trend = sheet(small, "Tren")
    assert trend[0] == TREND_HEADER
    assert trend[1:5] == OLD_TREND
    assert [r[0] for r in trend[1:]] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert trend == sheet(whole, "Tren")
    assert len(sheet(whole, "Riwayat")) == 1 + 15  # nothing left the big window


def test_a_replayed_week_changes_neither_riwayat_nor_the_archive(tmp_path):
    config = windowed(tmp_path)
    local_summary(config)
    publish_w48(config)
    archive = config.path(config.state.folder) / "riwayat" / "2026.csv"
    before, riwayat = archive.read_bytes(), sheet(config, "Riwayat")
    publish_w48(config)
    assert archive.read_bytes() == before
    assert sheet(config, "Riwayat") == riwayat


def test_a_crash_between_archive_and_publish_reruns_cleanly(tmp_path, monkeypatch):
    config = windowed(tmp_path)
    local_summary(config)
    real = publish.publish_summary

    def crash(*args, **kwargs):
        raise RuntimeError("listrik padam")

    monkeypatch.setattr(publish, "publish_summary", crash)
    with pytest.raises(RuntimeError):
        publish_w48(config)
    # archived, not yet dropped: the weeks are in both places, which loses nothing
    assert archived(config) == ARCHIVED
    assert len(sheet(config, "Riwayat")) == 1 + 12
    monkeypatch.setattr(publish, "publish_summary", real)
    publish_w48(config)
    assert archived(config) == ARCHIVED  # no duplicate
    assert [r[0] for r in sheet(config, "Riwayat")[1:]] == ["2026-W47"] * 3 + ["2026-W48"] * 3


# -- publishing with the window: Google Sheets ------------------------------------------------------


def test_google_deletes_the_departed_rows_in_the_same_batch_update(tmp_path):
    config = windowed(tmp_path, log_cells=0)
    fake = SheetsFake()
    fake.add_spreadsheet("summary", title="Ringkasan")
    client = gspread.Client(auth=None, session=fake_session(fake))
    setup = GoogleWorkbook(client, "summary", label="Ringkasan")
    setup.ensure_tabs(summary_tabs())
    logs = log_rows({"2026-W45": 2, "2026-W46": 1, "2026-W47": 2})
    setup.replace_tabs({"Riwayat": riwayat_rows(), "Riwayat Unit": unit_rows(), "Log Surat": logs})
    grid = fake.sheet("summary", "Riwayat").rows
    fake.calls.clear()

    read_ahead = tuple(tab(key).name for key in publish.HISTORY_TABS)  # as open_summary
    book = GoogleWorkbook(client, "summary", label="Ringkasan", read_ahead=read_ahead)
    book.ensure_tabs(summary_tabs())
    publish_w48(config, book)
    assert fake.kinds() == ["metadata", "values:batchGet", "batchUpdate"]  # 3, as without
    requests_ = fake.calls[-1].body["requests"]
    sheet_id = fake.sheet("summary", "Riwayat").sheet_id
    rows = {"dimension": "ROWS", "startIndex": 1}
    assert [r["deleteDimension"]["range"] for r in requests_ if "deleteDimension" in r] == [
        {"sheetId": sheet_id, **rows, "endIndex": 10},  # W44 to W46
        {"sheetId": fake.sheet("summary", "Log Surat").sheet_id, **rows, "endIndex": 3},  # W45
    ]
    (update,) = [
        r["updateCells"]
        for r in requests_
        if r.get("updateCells", {}).get("range", {}).get("sheetId") == sheet_id
    ]
    assert update["range"]["startRowIndex"] == 4 and len(update["rows"]) == 3  # W48 only
    values = fake.values("summary", "Riwayat")
    assert [(r[0], r[1]) for r in values[1:]] == [
        (week, nip) for week in ("2026-W47", "2026-W48") for nip in sorted([NIP_A, NIP_B, NIP_C])
    ]
    assert fake.sheet("summary", "Riwayat").rows == grid - 9
    assert archived(config) == ARCHIVED
    assert fake.values("summary", "Tren")[1:5] == OLD_TREND
    assert fake.values("summary", "Log Surat") == [logs[0], *logs[3:]]


# -- Log Surat -------------------------------------------------------------------------------------


def log_rows(weeks: dict[str, int]) -> list[list]:
    """Log Surat with ``count`` letters sent in each week (one journal entry each)."""
    rows = [tab("log_surat").headers]
    for week, count in weeks.items():
        for n in range(count):
            when = f"2026-11-0{1 + n} 07:00:00"
            rows.append(
                [week, NIP_A, "ani@x.example", "mingguan", "Terkirim", when, "", "", f"{week}-{n}"]
            )
    return rows


def test_log_surat_keeps_two_weeks_at_least_and_archives_the_rest(tmp_path):
    config = windowed(tmp_path)  # log_surat_cells 1,000,000: everything fits
    book = LocalWorkbook(summary_path(config))
    book.ensure_tabs(summary_tabs())
    book.replace_tabs({"Log Surat": log_rows({"2026-W45": 2, "2026-W46": 1, "2026-W47": 2})})
    publish_w48(config)
    assert len(sheet(config, "Log Surat")) == 1 + 5
    assert not (config.path(config.state.folder) / "log_surat").exists()

    small = load_config(
        write_config(
            config.base_dir,
            summary={"workbook": "ringkasan.xlsx", "riwayat_cells": 60, "log_surat_cells": 0},
        )
    )
    publish_w48(small)
    assert [r[0] for r in sheet(small, "Log Surat")[1:]] == ["2026-W46", "2026-W47", "2026-W47"]
    frame = read_archive(small.path(small.state.folder) / "log_surat" / "2026.csv")
    assert frame[["minggu", "id"]].values.tolist() == [
        ["2026-W45", "2026-W45-0"],
        ["2026-W45", "2026-W45-1"],
    ]
    publish_w48(small)  # a replay: nothing doubled in the archive
    assert len(read_archive(small.path(small.state.folder) / "log_surat" / "2026.csv")) == 2


def test_letters_of_a_week_that_left_log_surat_are_still_never_sent_twice(demo_config, capsys):
    """Four weekly runs on the demo with ``log_surat_cells: 0``: the fourth publish moves W48's
    rows out of Log Surat (into the archive); replaying W48's letters then sends none, because
    the send journal, not Log Surat, records what was sent."""
    summary = {"workbook": demo_config.summary.workbook, "log_surat_cells": 0}
    config = load_config(write_config(demo_config.base_dir, summary=summary))
    days = ("2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21")
    for day in days:
        with time_machine.travel(dt.datetime.fromisoformat(f"{day}T08:00:00+07:00"), tick=True):
            assert run_cli(["weekly", "--config", str(config.base_dir / "config.yaml")]) == 0
    weeks = [r[0] for r in sheet(config, "Log Surat")[1:]]
    assert "2026-W48" not in weeks and {"2026-W49", "2026-W50", "2026-W51"} <= set(weeks)
    archive = read_archive(config.path(config.state.folder) / "log_surat" / "2026.csv")
    sent = len(archive)
    assert set(archive["minggu"]) == {"2026-W48"} and sent > 0
    capsys.readouterr()
    with time_machine.travel(dt.datetime.fromisoformat(f"{days[0]}T08:00:00+07:00"), tick=True):
        assert run_cli(["letters", "--config", str(config.base_dir / "config.yaml")]) == 0
    assert capsys.readouterr().out.split("Jumlah")[1].split()[2] == "0"  # none sent again
    assert "2026-W48" not in [r[0] for r in sheet(config, "Log Surat")[1:]]
