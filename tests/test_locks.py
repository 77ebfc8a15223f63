"""Pid lock files: who holds a lock is recorded and said in one sentence; stale locks are taken
over, but never one whose process still runs or whose process cannot be seen from here."""

from __future__ import annotations

import getpass
import json
import os
import socket

import psutil
import pytest

from tests.processes import dead_pid, live_pid
from workflows.locks import LockBusy, lock_holder, pid_lock


def test_the_lock_file_records_who_holds_it(tmp_path):
    lock = tmp_path / "run.lock"
    with pid_lock(lock, command="weekly"):
        holder = lock_holder(lock)
    assert holder["pid"] == os.getpid() and holder["command"] == "weekly"
    assert holder["host"] == socket.gethostname()
    assert holder["started"] == psutil.Process().create_time()
    assert holder["since"][:2] == "20" and holder["since"][10] == "T"  # ISO time with offset
    assert holder["user"] == getpass.getuser()


def test_a_busy_lock_is_one_sentence_naming_its_holder(tmp_path):
    lock = tmp_path / "run.lock"
    pid, host = live_pid(), socket.gethostname()
    holder = {
        "pid": pid,
        "command": "weekly",
        "since": "2026-11-30T07:00:05+07:00",
        "started": psutil.Process(pid).create_time(),
        "host": host,
        "user": "budi",
    }
    lock.write_text(json.dumps(holder), encoding="utf-8")
    with pytest.raises(LockBusy) as caught, pid_lock(lock, command="letters"):
        pass
    assert caught.value.holder == holder
    assert str(caught.value) == (
        f"Proses 'weekly' (PID {pid}, pengguna budi di komputer {host}) sedang berjalan sejak "
        "Senin, 30 November 2026 pukul 07.00; tunggu sampai selesai lalu jalankan lagi, atau "
        f"hapus berkas {lock} bila yakin proses itu sudah tidak berjalan."
    )


def test_a_lock_whose_pid_now_names_another_process_is_taken_over(tmp_path):
    lock = tmp_path / "run.lock"
    pid = live_pid()  # runs, but started an hour after the process that wrote the lock
    reused = {"pid": pid, "command": "weekly", "started": psutil.Process(pid).create_time() - 3600}
    lock.write_text(json.dumps(reused), encoding="utf-8")
    stale: list[dict] = []
    with pid_lock(lock, command="weekly", on_stale=stale.append):
        assert lock_holder(lock)["pid"] == os.getpid()
    assert stale == [reused]


def test_a_lock_written_on_another_computer_is_never_taken_over(tmp_path):
    lock = tmp_path / "run.lock"
    elsewhere = {"pid": dead_pid(), "command": "weekly", "host": "LAPTOP-KECAMATAN"}
    lock.write_text(json.dumps(elsewhere), encoding="utf-8")
    busy = r"\(PID \d+, komputer LAPTOP-KECAMATAN\)"
    with pytest.raises(LockBusy, match=busy), pid_lock(lock, command="weekly"):
        pass
    assert lock_holder(lock) == elsewhere
