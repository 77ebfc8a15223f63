"""Log Proses: one row per run, built here and nowhere else.

A run fills a :class:`RunRecord` as it goes; :func:`logged_run` appends it to the summary when the
run ends, as ``Selesai``, ``Sebagian`` (a unit could not be read, or some letters failed) or
``Gagal`` (the run stopped: the reason is the note), so the log tells the truth whatever happened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import pandas as pd

from .errors import CommandError
from .labels import STATUS_FAILED, STATUS_PARTIAL
from .publish import sheet_rows
from .schema import tab
from .workbook import Workbook, WorkbookError

RESULT_DONE, RESULT_PARTIAL, RESULT_FAILED = "Selesai", STATUS_PARTIAL, STATUS_FAILED


@dataclass
class RunRecord:
    """What one run did, as Log Proses shows it; a stage fills in what it knows."""

    perintah: str
    minggu: str
    mulai: dt.datetime
    hasil: str = RESULT_DONE
    unit: int | None = None
    asn: int | None = None
    entri: int | None = None
    ditolak: int | None = None
    surat_terkirim: int | None = None
    notes: list[str] = field(default_factory=list)

    def partial(self, note: str) -> None:
        """Something the operator must see went wrong, but the run went on."""
        if self.hasil == RESULT_DONE:
            self.hasil = RESULT_PARTIAL
        self.notes.append(note)


def append_run_log(book: Workbook, record: RunRecord, *, finished: dt.datetime) -> None:
    """Append ``record`` as one Log Proses row (raises ``WorkbookError`` if it cannot)."""
    row = asdict(record)
    row["keterangan"] = " ".join(row.pop("notes")) or None
    row["selesai"] = finished
    log_tab = tab("log_proses")
    book.append_rows(log_tab.name, sheet_rows(log_tab, pd.DataFrame([row]))[1:])


@contextlib.contextmanager
def logged_run(
    record: RunRecord,
    summary: Callable[[], Workbook | None],
    *,
    now: Callable[[], dt.datetime],
    warnings: list[str],
) -> Iterator[RunRecord]:
    """Yield ``record`` to fill; when the block ends, however it ends, append it to Log Proses.

    ``summary()`` gives the summary workbook (None: write nothing, as in a dry run). A failure
    inside the block is logged as ``Gagal`` with its reason and raised again; a log that cannot
    be written adds a sentence to ``warnings`` instead of hiding the run's own outcome.
    """
    try:
        yield record
    except BaseException as exc:
        record.hasil = RESULT_FAILED
        record.notes.append(_reason(exc))
        with contextlib.suppress(Exception):  # logging a failure never hides the failure
            _append(record, summary, now=now, warnings=warnings)
        raise
    _append(record, summary, now=now, warnings=warnings)


def _append(record, summary, *, now, warnings: list[str]) -> None:
    try:
        book = summary()
        if book is not None:
            append_run_log(book, record, finished=now())
    except WorkbookError as exc:
        warnings.append(f"Log Proses belum diperbarui: {exc}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "Dihentikan oleh pengguna."
    if isinstance(exc, CommandError | WorkbookError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
