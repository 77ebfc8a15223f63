"""Build the workbook backend that config.yaml names, for a unit or for the summary."""

from __future__ import annotations

from collections.abc import Callable

from .config import Config, Unit
from .local import LocalWorkbook
from .presentation import CHART_TAB
from .schema import tab
from .workbook import Workbook


def open_workbook(
    config: Config,
    workbook: str,
    *,
    label: str,
    on_save: Callable | None = None,
    drawn_tabs: tuple[str, ...] = (),
    read_ahead: tuple[str, ...] = (),
) -> Workbook:
    """The workbook named ``workbook`` in config (a file name, or a Google spreadsheet key).

    ``read_ahead``: tabs a Google workbook reads whole with the header rows its set-up reads
    (``ensure_tabs``), so the read that follows costs no request of its own."""
    if config.backend == "google":
        from .google import open_google_workbook  # imported here: only this backend needs gspread

        return open_google_workbook(config, workbook, label=label, read_ahead=read_ahead)
    path = config.path(config.local.folder) / workbook
    return LocalWorkbook(path, label=label, on_save=on_save, drawn_tabs=drawn_tabs)


def open_unit(config: Config, unit: Unit) -> Workbook:
    return open_workbook(config, unit.workbook, label=unit.name)


def open_summary(config: Config, *, on_save: Callable | None = None) -> Workbook:
    return open_workbook(
        config,
        config.summary.workbook,
        label="Ringkasan",
        on_save=on_save,
        drawn_tabs=(CHART_TAB,),  # publish draws its charts afresh at every save
        # what publish reads (publish.HISTORY_TABS)
        read_ahead=(tab("riwayat").name, tab("riwayat_unit").name, tab("log_surat").name),
    )
