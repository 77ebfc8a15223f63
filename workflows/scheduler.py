"""``python run.py schedule``: the long-running scheduler for the weekly run and the reminder.

The ``schedule`` library fires jobs at wall-clock times but never runs a missed job and keeps
nothing across restarts, so two things are ours: a last-run marker in the state folder (the ISO
week of the last successful weekly run) and a catch-up on start. A pid lock stops a second
scheduler from doubling every job; the run lock in ``weekly.py`` is what guards the data itself.
Everything is logged to a rotating file next to the state, and to the console.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import schedule

from . import commands
from .calendar import PeriodError, run_week_for
from .config import WEEKDAYS, Config, Slot
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from .locks import LockBusy, pid_lock

log = logging.getLogger("capaian.scheduler")

Job = Callable[[], int]

MARKER = "last_weekly.json"
PID_LOCK = "scheduler.pid"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_SLEEP = 60.0  # seconds; a clock jump (suspend, NTP) is noticed within this


# -- last-run marker ---------------------------------------------------------------------------


def read_marker(config: Config) -> str | None:
    """The week key of the last successful weekly run, or None (never ran, or unreadable)."""
    path = config.path(config.state.folder) / MARKER
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["week"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning(
            "Penanda proses terakhir %s tidak terbaca (%s); dianggap belum pernah.", path, exc
        )
        return None


def write_marker(config: Config, *, week: str, finished_at: dt.datetime) -> None:
    """Record a successful weekly run; written to a temporary file and renamed, so a crash
    leaves either the old marker or the new one, never half of one."""
    folder = config.path(config.state.folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MARKER
    tmp = path.with_name(f".{MARKER}.{os.getpid()}.tmp")
    data = {"week": week, "finished_at": finished_at.isoformat(timespec="seconds")}
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# -- jobs ----------------------------------------------------------------------------------------


def _run_logged(label: str, job: Job) -> bool:
    """Run one job; a failure is logged, never raised, so the scheduler keeps going."""
    log.info("%s dimulai.", label)
    try:
        status = job()
    except CommandError as exc:
        log.error("%s gagal: %s", label, exc)
        return False
    except Exception:
        log.exception("%s gagal karena kesalahan tak terduga.", label)
        return False
    if status != EXIT_OK:
        log.error("%s selesai dengan status %s (gagal).", label, status)
        return False
    log.info("%s selesai.", label)
    return True


def _this_week(config: Config, now: dt.datetime) -> str | None:
    """The week a weekly run started at ``now`` scores (the same for every day Monday–Sunday);
    None, logged, when the SKP period config pins has not begun or is over (nothing to run)."""
    try:
        return run_week_for(config, now.astimezone(config.tz).date()).key
    except PeriodError as exc:
        log.warning("Proses mingguan tidak dijalankan: %s", exc)
        return None


def _run_weekly(config: Config, run_weekly: Job, now: dt.datetime) -> bool:
    """The weekly job; only a successful run moves the marker, so a failed week is caught up."""
    week = _this_week(config, now)
    if week is None:
        return False
    ok = _run_logged(f"Proses mingguan {week}", run_weekly)
    if ok:
        write_marker(config, week=week, finished_at=dt.datetime.now(config.tz))
    return ok


def _every(scheduler: schedule.Scheduler, slot: Slot, timezone: str) -> schedule.Job:
    """A ``schedule`` job at the slot's wall-clock time in ``timezone`` (``.at(..., tz)`` needs
    pytz; on a UTC machine 07:00 Asia/Jakarta fires at 00:00 UTC)."""
    return getattr(scheduler.every(), WEEKDAYS[slot.weekday]).at(
        slot.time.strftime("%H:%M"), timezone
    )


def build_scheduler(config: Config, *, run_weekly: Job, run_reminder: Job) -> schedule.Scheduler:
    """A private scheduler (not the library's global one) with the weekly job and, if
    configured, the reminder job."""
    scheduler = schedule.Scheduler()
    _every(scheduler, config.schedule.weekly, config.timezone).do(
        lambda: _run_weekly(config, run_weekly, dt.datetime.now(config.tz))
    ).tag("weekly")
    if config.schedule.reminder:
        _every(scheduler, config.schedule.reminder, config.timezone).do(
            _run_logged, "Pengingat", run_reminder
        ).tag("reminder")
    return scheduler


def catch_up(config: Config, *, now: dt.datetime, run_weekly: Job) -> bool:
    """Run a missed weekly run now; return whether it was run (successfully or not).

    It is missed when this week's scheduled time has passed and the marker is older than the week
    a run now would score. Before this week's scheduled time nothing is caught up: the regular run
    is still ahead and scores the very same week. The reminder is never caught up: a reminder that
    arrives late (e.g. after the staff already filled in their week) is worse than none.
    """
    if not config.schedule.catch_up:
        return False
    local = now.astimezone(config.tz)
    weekly = config.schedule.weekly
    monday = local.date() - dt.timedelta(days=local.weekday())
    slot = dt.datetime.combine(
        monday + dt.timedelta(days=weekly.weekday), weekly.time, tzinfo=config.tz
    )
    if local < slot:
        return False
    week, last = _this_week(config, now), read_marker(config)
    if week is None or (last is not None and last >= week):
        return False
    log.warning(
        "Proses mingguan %s belum berjalan (terakhir berhasil: %s); dijalankan sekarang.",
        week,
        last or "belum pernah",
    )
    _run_weekly(config, run_weekly, now)
    return True


# -- loop, lock, logging -------------------------------------------------------------------------


def run_forever(
    scheduler: schedule.Scheduler,
    *,
    stop_event: threading.Event,
    sleep: Callable[[float], object] = time.sleep,
    max_sleep: float = MAX_SLEEP,
) -> None:
    """Run due jobs until ``stop_event`` is set, sleeping until the next job (at most
    ``max_sleep`` seconds at a time)."""
    while not stop_event.is_set():
        scheduler.run_pending()
        idle = scheduler.idle_seconds
        sleep(max_sleep if idle is None else min(max(idle, 0.0), max_sleep))


@contextlib.contextmanager
def scheduler_lock(config: Config) -> Iterator[Path]:
    """Hold the pid lock file for this scheduler; a lock whose process is gone is taken over."""
    path = config.path(config.state.folder) / PID_LOCK

    def stale(holder: dict) -> None:
        log.warning(
            "Kunci penjadwal %s tertinggal (PID %s sudah tidak berjalan); diambil alih.",
            path,
            holder.get("pid", "?"),
        )

    try:
        with pid_lock(path, command="schedule", on_stale=stale) as held:
            yield held
    except LockBusy as busy:
        raise CommandError(
            f"Penjadwal lain sedang berjalan (PID {busy.holder.get('pid')}). Hentikan penjadwal itu "
            f"dulu; bila yakin tidak ada yang berjalan, hapus berkas kunci {path}.",
            EXIT_FAILED,
        ) from None


@contextlib.contextmanager
def log_to_file(config: Config, *, verbose: bool = False) -> Iterator[RotatingFileHandler]:
    """Send every log record (the jobs' too) to the rotating log file, and to the console unless
    the CLI already set one up. Undone on exit."""
    path = config.path(config.schedule.log_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path,
        maxBytes=config.schedule.log_max_bytes,
        backupCount=config.schedule.log_backups,
        encoding="utf-8",
    )
    handlers: list[logging.Handler] = [handler]
    root = logging.getLogger()
    if not root.handlers:
        handlers.append(logging.StreamHandler())
    old_level = root.level
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for h in handlers:
        h.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(h)
    try:
        yield handler
    finally:
        for h in handlers:
            root.removeHandler(h)
            h.close()
        root.setLevel(old_level)


# -- command -------------------------------------------------------------------------------------


def _command_job(config: Config, args: argparse.Namespace, function: Callable) -> Job:
    """A job that runs a command as a plain run for today would (no --date, no re-sends)."""
    job_args = argparse.Namespace(
        config=args.config,
        date=None,
        unit=args.unit,
        dry_run=False,
        resend=[],
        force=False,
        verbose=args.verbose,
        debug=args.debug,
    )
    return lambda: function(config, job_args)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the scheduler the way Ctrl-C does


def cmd_schedule(
    config: Config,
    args: argparse.Namespace,
    *,
    run_weekly: Job | None = None,
    run_reminder: Job | None = None,
    stop_event: threading.Event | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> int:
    """Run the weekly job and the reminder at their times until stopped (Ctrl-C or SIGTERM).

    The jobs default to the ``weekly`` and ``remind`` commands, run as a plain run for today.
    """
    if args.date is not None:
        raise CommandError(
            "--date tidak berlaku untuk schedule: penjadwal selalu memakai tanggal hari ini.",
            EXIT_USAGE,
        )
    if run_weekly is None or run_reminder is None:
        run_weekly = run_weekly or _command_job(config, args, commands.cmd_weekly)
        run_reminder = run_reminder or _command_job(config, args, commands.cmd_remind)
    stop_event = stop_event or threading.Event()
    with log_to_file(config, verbose=args.verbose), scheduler_lock(config):
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            log.info("Penjadwal mulai (PID %s), zona waktu %s.", os.getpid(), config.timezone)
            scheduler = build_scheduler(config, run_weekly=run_weekly, run_reminder=run_reminder)
            catch_up(config, now=dt.datetime.now(config.tz), run_weekly=run_weekly)
            for job in scheduler.get_jobs():
                label = "proses mingguan" if "weekly" in job.tags else "pengingat"
                when = job.next_run.astimezone(config.tz)  # next_run is naive machine-local time
                log.info("Jadwal %s berikutnya: %s.", label, when.strftime("%Y-%m-%d %H:%M %Z"))
            run_forever(scheduler, stop_event=stop_event, sleep=sleep)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        log.info("Penjadwal berhenti.")
    return EXIT_OK
