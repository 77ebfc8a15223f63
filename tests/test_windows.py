"""Windows, simulated: ``os.name == "nt"`` and the errors Windows raises where POSIX does not.

Windows refuses to open a folder (``PermissionError``), so a folder cannot be fsynced there, and a
file that Excel has open cannot be replaced. The saves must succeed in the first case and leave
the workbook whole in the second; a lock left by a crashed run must be taken over there too.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.processes import dead_pid, live_pid
from workflows import schema
from workflows.config import Mail
from workflows.letters import Rendered
from workflows.local import LocalWorkbook
from workflows.locks import LockBusy, pid_lock
from workflows.mail import OutboxTransport, build_message
from workflows.workbook import RangeUpdate, WorkbookLocked


@contextlib.contextmanager
def windows() -> Iterator[None]:
    """Inside the block ``os.name`` is "nt" and opening a folder is refused, as on Windows.

    Kept to the block (pathlib, pytest's own reporting included, cannot make paths meanwhile).
    """
    real_open, real_name = os.open, os.name

    def open_as_windows(path, flags, *args, **kwargs):
        if os.path.isdir(path):
            raise PermissionError(13, "Access is denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    os.open, os.name = open_as_windows, "nt"
    try:
        yield
    finally:
        os.open, os.name = real_open, real_name


def unit_book(tmp_path: Path) -> LocalWorkbook:
    book = LocalWorkbook(tmp_path / "unit.xlsx")
    book.ensure_tabs([schema.tab("realisasi")])
    book.append_rows("Realisasi", [["02/03/2026", "198609262015051001", "PLY-01", 3]])
    return book


def test_a_local_save_succeeds_where_folders_cannot_be_fsynced(tmp_path):
    book = unit_book(tmp_path)
    with windows():
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK", "Tercatat."]])])
    ws = openpyxl.load_workbook(tmp_path / "unit.xlsx")["Realisasi"]
    assert (ws["G2"].value, ws["H2"].value) == ("OK", "Tercatat.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.xlsx"]


def test_a_workbook_open_in_excel_is_left_whole(tmp_path, monkeypatch):
    book = unit_book(tmp_path)
    before = (tmp_path / "unit.xlsx").read_bytes()

    def replace_refused(src, dst):  # Excel holds the file: Windows refuses to replace it
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", replace_refused)
    with windows(), pytest.raises(WorkbookLocked, match="akses ditolak"):
        book.write_ranges([RangeUpdate("Realisasi", 2, 7, [["OK"]])])
    assert (tmp_path / "unit.xlsx").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.xlsx"]


def test_the_outbox_writes_letters_where_folders_cannot_be_fsynced(tmp_path):
    folder = tmp_path / "outbox" / "2026-W48"
    outbox = OutboxTransport(folder)
    sender = Mail.model_validate({}).sender
    letter = Rendered(
        "mingguan", "198609262015051001", "Siti", "siti@asemrowo.example", "Subjek", "t", "<p>h</p>"
    )
    message = build_message(letter, sender_name=sender.name, sender_address=sender.address)
    with windows(), outbox:
        outbox.send(message, name="mingguan-198609262015051001")
    assert outbox.delivered("mingguan-198609262015051001")
    assert (folder / "index.html").exists()


def test_a_lock_left_by_a_crashed_run_is_taken_over(tmp_path):
    lock = tmp_path / "state" / "run.lock"
    lock.parent.mkdir()
    crashed = {"pid": dead_pid(), "command": "weekly", "since": "2026-11-30T07:00:00+07:00"}
    lock.write_text(json.dumps(crashed), encoding="utf-8")
    stale: list[dict] = []
    with windows(), pid_lock(lock, command="weekly", on_stale=stale.append):
        holder = json.loads(lock.read_text(encoding="utf-8"))
    assert holder["pid"] == os.getpid()
    assert stale == [crashed]
    assert not lock.exists()


def test_a_lock_held_by_a_running_process_is_kept(tmp_path):
    lock = tmp_path / "run.lock"
    lock.write_text(json.dumps({"pid": live_pid(), "command": "weekly"}), encoding="utf-8")
    with windows(), pytest.raises(LockBusy), pid_lock(lock, command="weekly"):
        pass
    assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == live_pid()
