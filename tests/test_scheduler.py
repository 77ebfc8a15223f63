"""The scheduler: job times in Asia/Jakarta on a UTC machine, catch-up, failures, lock, log file.

The clock is time-machine's (``tick=False``, the machine's zone mocked as UTC); jobs are counters;
the loop's sleep moves the mocked clock instead of sleeping.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from conftest import write_config

from workflows import scheduler as sch
from workflows.cli import CommandError
from workflows.config import Config, load_config

UTC = ZoneInfo("UTC")
WIB = ZoneInfo("Asia/Jakarta")


def wib(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


def travel(moment: dt.datetime) -> time_machine.travel:
    """Freeze the clock at ``moment`` on a machine whose local zone is UTC."""
    return time_machine.travel(moment.astimezone(UTC), tick=False)


class Counter:
    def __init__(self, result: int | Exception = 0) -> None:
        self.calls = 0
        self.result = result

    def __call__(self) -> int:
        self.calls += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def config_with(tmp_path: Path, **schedule: object) -> Config:
    defaults = {"weekly": "monday 07:00", "reminder": "thursday 14:00", "catch_up": True}
    return load_config(write_config(tmp_path, schedule={**defaults, **schedule}))


def set_marker(config: Config, week: str) -> None:
    sch.write_marker(config, week=week, finished_at=wib(2026, 1, 1, 7, 0))


def args(**overrides: object) -> argparse.Namespace:
    base = {"config": Path("config.yaml"), "date": None, "unit": None, "verbose": False}
    return argparse.Namespace(**{"debug": False, **base, **overrides})


# -- job times -----------------------------------------------------------------------------------


def test_jobs_fire_at_jakarta_wall_clock_on_a_utc_machine(config: Config):
    with travel(wib(2026, 3, 1, 19, 0)):  # Sunday evening
        scheduler = sch.build_scheduler(config, run_weekly=Counter(), run_reminder=Counter())
        weekly = scheduler.get_jobs("weekly")[0]
        reminder = scheduler.get_jobs("reminder")[0]
        # next_run is naive machine-local time, here UTC
        assert weekly.next_run == dt.datetime(2026, 3, 2, 0, 0)
        assert weekly.next_run.astimezone(WIB) == wib(2026, 3, 2, 7, 0)
        assert reminder.next_run.astimezone(WIB) == wib(2026, 3, 5, 14, 0)


def test_indonesian_day_names_fire_like_english_ones(tmp_path: Path):
    config = config_with(tmp_path, weekly="senin 07:00", reminder="Kamis 14:00")
    with travel(wib(2026, 3, 1, 19, 0)):  # Sunday evening
        scheduler = sch.build_scheduler(config, run_weekly=Counter(), run_reminder=Counter())
        weekly = scheduler.get_jobs("weekly")[0]
        reminder = scheduler.get_jobs("reminder")[0]
        assert weekly.next_run.astimezone(WIB) == wib(2026, 3, 2, 7, 0)
        assert reminder.next_run.astimezone(WIB) == wib(2026, 3, 5, 14, 0)


def test_no_reminder_job_when_reminder_is_null(tmp_path: Path):
    config = config_with(tmp_path, reminder=None)
    with travel(wib(2026, 3, 1, 19, 0)):
        scheduler = sch.build_scheduler(config, run_weekly=Counter(), run_reminder=Counter())
    assert [sorted(job.tags) for job in scheduler.get_jobs()] == [["weekly"]]


def test_due_weekly_job_runs_once_and_records_its_week(config: Config):
    weekly, reminder = Counter(), Counter()
    with travel(wib(2026, 3, 2, 6, 59, 59)) as clock:
        scheduler = sch.build_scheduler(config, run_weekly=weekly, run_reminder=reminder)
        scheduler.run_pending()
        assert weekly.calls == 0
        clock.move_to(dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
        scheduler.run_pending()
        scheduler.run_pending()
        assert (weekly.calls, reminder.calls) == (1, 0)
        assert scheduler.get_jobs("weekly")[0].next_run == dt.datetime(2026, 3, 9, 0, 0)
    assert sch.read_marker(config) == "2026-W09"
    marker = json.loads((config.path(config.state.folder) / sch.MARKER).read_text())
    assert dt.datetime.fromisoformat(marker["finished_at"]) == wib(2026, 3, 2, 7, 0)


def test_reminder_runs_at_thursday_1400_jakarta(config: Config):
    weekly, reminder = Counter(), Counter()
    with travel(wib(2026, 3, 5, 13, 59)) as clock:
        scheduler = sch.build_scheduler(config, run_weekly=weekly, run_reminder=reminder)
        scheduler.run_pending()
        clock.move_to(wib(2026, 3, 5, 14, 0))
        scheduler.run_pending()
    assert (weekly.calls, reminder.calls) == (0, 1)


# -- catch-up ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "marker", "runs"),
    [
        (wib(2026, 3, 4, 10, 0), "2026-W08", True),  # Wednesday; Monday's run of W09 was missed
        (wib(2026, 3, 4, 10, 0), None, True),  # never ran
        (wib(2026, 3, 2, 7, 0), "2026-W08", True),  # exactly at the scheduled time
        (wib(2026, 3, 4, 10, 0), "2026-W09", False),  # this week's run is done
        (wib(2026, 3, 9, 6, 59), "2026-W08", False),  # before Monday 07:00: the regular run is near
        (wib(2026, 3, 8, 23, 0), "2026-W08", True),  # Sunday night, still week W09's run missing
    ],
)
def test_catch_up_runs_a_missed_weekly_run_once(
    config: Config, now: dt.datetime, marker: str | None, runs: bool
):
    if marker:
        set_marker(config, marker)
    weekly = Counter()
    with travel(now):
        assert sch.catch_up(config, now=dt.datetime.now(UTC), run_weekly=weekly) is runs
    assert weekly.calls == int(runs)
    assert sch.read_marker(config) == ("2026-W09" if runs else marker)


def test_catch_up_off_in_config(tmp_path: Path):
    config = config_with(tmp_path, catch_up=False)
    weekly = Counter()
    assert not sch.catch_up(config, now=wib(2026, 3, 4, 10, 0), run_weekly=weekly)
    assert weekly.calls == 0


@pytest.mark.parametrize("weekly", ["wednesday 09:30", "rabu 09:30", "Rabu 9:30"])
def test_catch_up_follows_the_configured_day(tmp_path: Path, weekly: str):
    config = config_with(tmp_path, weekly=weekly)
    weekly = Counter()
    assert not sch.catch_up(config, now=wib(2026, 3, 4, 9, 29), run_weekly=weekly)
    assert sch.catch_up(config, now=wib(2026, 3, 4, 9, 30), run_weekly=weekly)
    assert weekly.calls == 1


def test_unreadable_marker_counts_as_never_ran(config: Config, caplog: pytest.LogCaptureFixture):
    folder = config.path(config.state.folder)
    folder.mkdir(parents=True)
    (folder / sch.MARKER).write_text("{half", encoding="utf-8")
    assert sch.read_marker(config) is None
    assert "tidak terbaca" in caplog.text


# -- failures and the loop -----------------------------------------------------------------------


def run_loop(scheduler, clock, *, until: dt.datetime) -> list[float]:
    """Run the loop, each sleep moving the frozen clock on, until the clock passes ``until``."""
    stop, sleeps = threading.Event(), []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.shift(dt.timedelta(seconds=seconds))
        if dt.datetime.now(UTC) >= until:
            stop.set()

    sch.run_forever(scheduler, stop_event=stop, sleep=sleep)
    return sleeps


def test_loop_sleeps_in_capped_steps_and_runs_the_job_once(config: Config):
    weekly = Counter()
    with travel(wib(2026, 3, 2, 6, 55)) as clock:
        scheduler = sch.build_scheduler(config, run_weekly=weekly, run_reminder=Counter())
        sleeps = run_loop(scheduler, clock, until=wib(2026, 3, 2, 7, 10))
    assert weekly.calls == 1
    assert sleeps[:5] == [60.0] * 5 and max(sleeps) <= sch.MAX_SLEEP
    assert sch.read_marker(config) == "2026-W09"


@pytest.mark.parametrize(
    ("result", "logged"),
    [
        (RuntimeError("disk penuh"), "kesalahan tak terduga"),
        (CommandError("Proses lain sedang berjalan."), "Proses lain sedang berjalan."),
        (1, "status 1"),
    ],
)
def test_failing_job_is_logged_and_the_loop_goes_on(
    config: Config, caplog: pytest.LogCaptureFixture, result: int | Exception, logged: str
):
    weekly, reminder = Counter(result), Counter()
    with travel(wib(2026, 3, 2, 6, 59)) as clock:
        scheduler = sch.build_scheduler(config, run_weekly=weekly, run_reminder=reminder)
        run_loop(scheduler, clock, until=wib(2026, 3, 5, 14, 1))
        assert scheduler.get_jobs("weekly")[0].next_run.astimezone(WIB) == wib(2026, 3, 9, 7, 0)
    assert (weekly.calls, reminder.calls) == (1, 1)  # the loop lived on to Thursday's reminder
    assert sch.read_marker(config) is None
    assert logged in caplog.text and any(r.levelno == logging.ERROR for r in caplog.records)


# -- the command: lock, signals, log file --------------------------------------------------------


def lock_file(config: Config) -> Path:
    return config.path(config.state.folder) / sch.PID_LOCK


def test_second_scheduler_is_refused_while_one_runs(config: Config):
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
        try:
            lock_file(config).parent.mkdir(parents=True)
            lock_file(config).write_text(f"{other.pid}\n")
            with pytest.raises(CommandError, match="Penjadwal lain sedang berjalan") as err:
                sch.cmd_schedule(config, args(), run_weekly=Counter(), run_reminder=Counter())
            assert err.value.exit_status == 1 and str(other.pid) in str(err.value)
            assert lock_file(config).read_text() == f"{other.pid}\n"
        finally:
            other.kill()


def test_stale_lock_is_taken_over_and_missed_run_caught_up(config: Config):
    with subprocess.Popen([sys.executable, "-c", "pass"]) as gone:
        gone.wait()
    lock_file(config).parent.mkdir(parents=True)
    lock_file(config).write_text(f"{gone.pid}\n")
    weekly, held = Counter(), []
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        held.append(lock_file(config).read_text())
        stop.set()

    with travel(wib(2026, 3, 4, 10, 0)):
        status = sch.cmd_schedule(
            config, args(), run_weekly=weekly, run_reminder=Counter(), stop_event=stop, sleep=sleep
        )
    assert status == 0 and [json.loads(h)["pid"] for h in held] == [os.getpid()]
    assert weekly.calls == 1 and sch.read_marker(config) == "2026-W09"
    assert not lock_file(config).exists()
    log = config.path(config.schedule.log_file).read_text(encoding="utf-8")
    assert (
        "diambil alih" in log and "Jadwal proses mingguan berikutnya: 2026-03-09 07:00 WIB" in log
    )


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_sigterm_stops_cleanly(config: Config):
    def sleep(seconds: float) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    with travel(wib(2026, 3, 3, 10, 0)):
        set_marker(config, "2026-W09")
        status = sch.cmd_schedule(
            config, args(), run_weekly=Counter(), run_reminder=Counter(), sleep=sleep
        )
    assert status == 0 and not lock_file(config).exists()
    assert signal.getsignal(signal.SIGTERM) is before
    assert "Penjadwal berhenti." in config.path(config.schedule.log_file).read_text()


def test_date_flag_is_refused(config: Config):
    with pytest.raises(CommandError) as err:
        sch.cmd_schedule(config, args(date=dt.date(2026, 3, 2)), run_weekly=Counter())
    assert err.value.exit_status == 2


def test_log_file_is_created_and_rotates_at_the_configured_size(tmp_path: Path):
    config = config_with(tmp_path, log_max_bytes=2_000, log_backups=2)
    path = config.path(config.schedule.log_file)
    with sch.log_to_file(config) as handler:
        assert path.exists()
        assert Path(handler.baseFilename) == path.resolve()
        for _ in range(5):  # each record alone passes 2,000 bytes: every one after the first rolls
            logging.getLogger("capaian.test").info("x" * 1_500)
    rotated = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    assert rotated == ["capaian.log", "capaian.log.1", "capaian.log.2"]  # two backups kept
    assert handler not in logging.getLogger().handlers
