"""Google Sheets workbooks through gspread: every operation is one batch request.

Only this module imports gspread. It talks to the HTTP client's low-level methods
(``values_batch_get``, ``values_batch_update``, ...) so that a read of all tabs is one request
and no hidden metadata reads happen; the spreadsheet's metadata (tab titles, sheet ids) is read
once per ``GoogleWorkbook`` and kept up to date from our own changes.

Values are written with ``valueInputOption=RAW`` so text a user typed (``=HYPERLINK(...)``,
``08123``) is stored as text, never as a formula or a number. Dates and datetimes are written as
sheet serial numbers (days since 1899-12-30, the time as a fraction): the cell then sorts, filters
and computes as a date, ``ensure_tabs`` gives the summary's date columns a date number format so
they display as dates, and reading them back gives serial numbers like every other Google date
(the contract in ``workbook.py``). ISO text would look right but read back as text and break
formulas leadership builds on the summary.

The summary's system tabs are rewritten in one ``spreadsheets.batchUpdate`` (``replace_tabs``),
which Google applies all or nothing: a failed write leaves every tab as it was, never a cleared tab.

A unit costs 2 requests a week (metadata, one ``values.batchGet`` with Realisasi by column), 3
when statuses are written: the write is a ``spreadsheets.batchUpdate`` whose answer carries
Realisasi as it stands after it (the concurrent-edit check). The metadata stays: the optional
record tabs may be absent or carry a Google Form's title, and a batchGet naming an absent tab fails
whole. Requests are paced under Google's per-user quota (``Pacer``, one per service account)
rather than answered 429 and retried.

Google's errors become ``WorkbookError`` subclasses with an Indonesian sentence; quota (429) and
server (5xx) errors are first retried with a capped, jittered exponential back-off whose limits
come from ``google.retry`` in config, since gspread's own ``BackOffHTTPClient`` sleeps 2^n seconds
with no jitter and calls itself not production ready.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import gspread
import requests
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError, GSpreadException
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import a1_to_rowcol, absolute_range_name, rowcol_to_a1

from . import schema
from .config import Config, GoogleBackend, GoogleRetry
from .presentation import (
    Chart,
    ColourRule,
    TabLook,
    summary_charts,
    summary_looks,
    summary_tab_titles,
    unit_looks,
)
from .workbook import (
    Columns,
    RangeUpdate,
    Rows,
    TabValues,
    WorkbookError,
    WorkbookNotFound,
    as_requested,
    columns_added,
    find_tab_title,
    missing_headers,
    tab_created,
    trim_rows,
)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
# The tab a status write reads back in its own answer: only the cells' effective values.
READ_BACK_FIELDS = {
    "fields": "updatedSpreadsheet(sheets(properties(sheetId),"
    "data(startRow,startColumn,rowData(values(effectiveValue)))))"
}
# The HTTP client's methods Google counts as read requests (the others are writes).
READ_METHODS = frozenset({"fetch_sheet_metadata", "values_batch_get", "values_get"})
# Formula errors as a values read renders them (ErrorValue.type in grid data).
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}
SERIAL_EPOCH = dt.datetime(1899, 12, 30)
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
NUMBER_FORMATS = {
    "integer": {"type": "NUMBER", "pattern": "0"},
    "decimal": {"type": "NUMBER", "pattern": "0.00"},
    "percent": {"type": "PERCENT", "pattern": "0.0%"},
    "date": {"type": "DATE", "pattern": "dd/mm/yyyy"},
    "datetime": {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"},
}
STAFF_HEADER_COLOUR = {"red": 0.867, "green": 0.922, "blue": 0.969}  # DDEBF7, as local.py
SYSTEM_HEADER_COLOUR = {"red": 0.851, "green": 0.851, "blue": 0.851}  # D9D9D9
SYSTEM_PROTECTION = "capaian: kolom sistem"
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26  # the grid Google gives a new tab


class GoogleCredentialsError(WorkbookError):
    """The service-account key is not configured, missing or not a service-account key."""


class GoogleAccessDenied(WorkbookError):
    """The service account may not open the spreadsheet (it was not shared with it)."""


class GoogleQuotaExceeded(WorkbookError):
    """Google kept answering 429 after every retry."""


class GoogleUnavailable(WorkbookError):
    """Google kept answering 5xx, or could not be reached at all."""


class Backoff:
    """When to try a failed Sheets call again, and how long to wait before.

    The n-th retry waits a random time between half and all of ``min(max_seconds, base_seconds *
    2**(n-1))`` ("equal jitter": waits still grow, but many runs hitting the per-minute quota
    together do not retry in lock-step), or the server's ``Retry-After`` when that is longer, never
    more than ``max_seconds``. ``sleep`` and ``rand`` are injectable so tests never wait.
    """

    def __init__(
        self,
        settings: GoogleRetry,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self.rand = rand

    def retries(self, err: APIError, attempt: int) -> bool:
        """Whether try number ``attempt`` (1-based), which failed with ``err``, gets another."""
        return err.code in RETRYABLE and attempt < self.settings.attempts

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        cap = self.settings.max_seconds
        ceiling = min(cap, self.settings.base_seconds * 2 ** (attempt - 1))
        wait = ceiling / 2 + self.rand() * ceiling / 2
        retry_after = response.headers.get("Retry-After", "") if response is not None else ""
        if retry_after.strip().isdigit():
            wait = max(wait, float(retry_after))
        return min(wait, cap)


class TokenBucket:
    """At most ``burst`` requests at once, refilled at ``per_minute`` a minute: in any minute no
    more than ``per_minute + burst`` go out."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.stamp: float | None = None

    def take(self, now: float) -> float:
        """Take a token at time ``now``; returns the seconds to wait before sending."""
        tokens = self.tokens
        if self.stamp is not None:
            tokens = min(self.capacity, tokens + (now - self.stamp) * self.rate)
        wait = max(0.0, (1 - tokens) / self.rate)
        self.tokens = tokens + wait * self.rate - 1
        self.stamp = now + wait
        return wait


class Pacer:
    """Keeps a run's requests under Google's per-user quota (reads and writes counted apart, as
    Google counts them) by waiting before a request instead of collecting 429 answers. One pacer
    serves every workbook opened with the same service account. ``clock`` and ``sleep`` are
    injectable so tests never wait; ``waited`` adds up the seconds spent waiting."""

    def __init__(
        self,
        settings: GoogleBackend,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.buckets = {
            "read": TokenBucket(settings.reads_per_minute, settings.burst),
            "write": TokenBucket(settings.writes_per_minute, settings.burst),
        }
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0

    def wait(self, kind: str) -> None:
        """Wait until request of ``kind`` (``read`` or ``write``) may go out."""
        seconds = self.buckets[kind].take(self.clock())
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)


class GoogleWorkbook:
    """One Google spreadsheet, read and written in batches.

    ``api_calls`` counts the Sheets API calls made through this workbook (a retried call counts
    once) and ``requests_sent`` the HTTP requests behind them, retries included (what Google's
    quota sees). ``account`` is the service account's e-mail, named in the "share the sheet"
    message; ``backoff`` retries 429 and 5xx answers.
    """

    refuses_concurrent_saves = False

    def __init__(
        self,
        client: gspread.Client,
        key: str,
        *,
        label: str,
        account: str | None = None,
        backoff: Backoff | None = None,
        read_ahead: Sequence[str] = (),
        pacer: Pacer | None = None,
    ) -> None:
        self.http: HTTPClient = client.http_client
        self.pacer = pacer
        self.key = key
        self.label = label
        self.account = account
        self.backoff = backoff or Backoff(GoogleRetry())
        self.api_calls = 0
        self.requests_sent = 0
        self._sheets: dict[str, dict[str, Any]] | None = None  # title -> sheet properties
        self._protected: dict[int, set[str]] = {}  # sheetId -> protected-range descriptions
        # sheetId -> the look Google holds: conditionalFormats, basicFilter, charts (metadata)
        self._looks: dict[int, dict[str, Any]] = {}
        # Tabs read whole with ensure_tabs' header rows, kept until a read asks for them
        self.read_ahead = tuple(read_ahead)
        self._ahead: dict[str, Rows] = {}  # title -> rows read ahead
        self._held: dict[str, Rows] = {}  # title -> rows as read (ahead), until rewritten

    # -- reading -------------------------------------------------------------------------------

    def read_tabs(
        self, tabs: Sequence[str], *, by_column: Collection[str] = ()
    ) -> dict[str, TabValues | None]:
        """One ``values.batchGet`` (none when every tab was read ahead); with ``by_column``, the
        whole request is column by column (``majorDimension`` is per request) and the other tabs
        are turned back into rows."""
        titles = {wanted: find_tab_title(list(self._metadata()), wanted) for wanted in tabs}
        present = list(dict.fromkeys(t for t in titles.values() if t is not None))
        if present and not by_column and all(t in self._ahead for t in present):
            ahead = {title: self._ahead.pop(title) for title in present}
            self._held.update(ahead)
            return {wanted: ahead[title] if title else None for wanted, title in titles.items()}
        columnar = any(titles.get(wanted) for wanted in by_column)
        ranges = [absolute_range_name(t) for t in present]
        values = self._batch_get(ranges, by_column=columnar)
        tables = {
            title: _columns(lines) if columnar else lines
            for title, lines in zip(present, values, strict=True)
        }
        return {
            wanted: _in_form(tables.get(title), columnar=wanted in by_column)
            for wanted, title in titles.items()
        }

    # -- writing -------------------------------------------------------------------------------

    def write_ranges(
        self, updates: Sequence[RangeUpdate], *, read_back: str | None = None
    ) -> Columns | None:
        """The ranges written in one request. With ``read_back`` (a tab), the write is one
        ``spreadsheets.batchUpdate`` whose answer holds that tab as it stands right after the
        write (``includeSpreadsheetInResponse``), returned as ``Columns``: the check for a
        concurrent edit costs no request of its own."""
        if read_back is not None:
            return self._write_and_read(updates, read_back)
        data = [
            _value_range(self._title(u.tab), u.row, u.col, u.values) for u in updates if u.values
        ]
        if data:
            self._call(
                self.http.values_batch_update,
                self.key,
                body={"valueInputOption": "RAW", "data": data},
            )
        return None

    def _write_and_read(self, updates: Sequence[RangeUpdate], tab: str) -> Columns | None:
        sheets = self._metadata()
        requests_ = [
            {
                "updateCells": {
                    "start": {
                        "sheetId": sheets[self._title(u.tab)]["sheetId"],
                        "rowIndex": u.row - 1,
                        "columnIndex": u.col - 1,
                    },
                    "rows": [{"values": [_cell_data(v) for v in row]} for row in u.values],
                    "fields": "userEnteredValue",
                }
            }
            for u in updates
            if u.values
        ]
        title = self._title(tab)
        body = {
            "requests": requests_,
            "includeSpreadsheetInResponse": True,
            "responseRanges": [absolute_range_name(title)],
            "responseIncludeGridData": True,
        }
        url = SPREADSHEET_BATCH_UPDATE_URL % self.key
        reply = self._call(self.http.request, "post", url, json=body, params=READ_BACK_FIELDS)
        return _grid_columns(reply.json(), sheets[title]["sheetId"])

    def append_rows(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        title = self._title(tab)
        self._ahead.pop(title, None)
        self._held.pop(title, None)  # the rows as read are no longer what the tab holds
        self._call(
            self.http.values_append,
            self.key,
            absolute_range_name(title, "A1"),
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
            body={"values": [[to_json_value(v) for v in row] for row in rows]},
        )
        self._metadata()[title]["gridProperties"]["rowCount"] += len(rows)  # INSERT_ROWS grew it

    def replace_tabs(
        self,
        contents: Mapping[str, Sequence[Sequence[Any]]],
        *,
        trimmed: Mapping[str, int] | None = None,
    ) -> None:
        """Every tab rewritten in one ``batchUpdate``, which Google applies all or nothing.

        Per tab: a missing tab is added (where ``summary_tab_titles`` places it), the rows
        ``trimmed`` off its top are deleted (``deleteDimension`` below the header: the grid
        shrinks, so the cells Riwayat's old weeks held no longer count against the spreadsheet's
        limit), rows are added to the grid when the new content is longer (with the format of the
        grid's last row, so date columns stay dates), then one ``updateCells`` over the whole tab
        writes the values and empties every other cell; a tab this workbook read whole (Riwayat,
        read ahead) is written only from its first changed row down (compared after the
        deletion), so a week's upsert sends that week's rows however long the history. Only
        values change: header formats, number formats and the frozen row stay. After the values,
        what a tab lacks of its look (``presentation``: frozen rows, filter, colour rules) and the
        summary's charts ride in the same request, and only what it lacks. A failure (quota,
        server, a grid someone shrank meanwhile) leaves every tab as it was, values and look
        alike.
        """
        if not contents:
            return
        sheets = self._metadata()
        order = sorted(sheets, key=lambda title: sheets[title]["index"])
        new_ids = iter(_free_sheet_ids({p["sheetId"] for p in sheets.values()}))
        written: dict[str, tuple[dict[str, Any], Sequence[Sequence[Any]]]] = {}
        requests_: list[dict[str, Any]] = []
        for tab, rows in contents.items():
            title = find_tab_title(list(sheets), tab)
            self._ahead.pop(title or tab, None)
            if title is None:
                props = _new_sheet(next(new_ids), tab, _place(order, tab), rows=rows)
                requests_ += [{"addSheet": {"properties": props}}, *_header_look(props, rows)]
                start: int | None = 0
            else:
                props = sheets[title]
                held = self._held.pop(title, None)
                trim = self._trim_requests(props, (trimmed or {}).get(tab, 0))
                if trim and held is not None:
                    held = [*held[:1], *held[1 + _deleted(trim[0]) :]]
                requests_ += [*trim, *_grow_requests(props, rows)]
                start = _first_change(held, rows)
            written[tab] = (props, rows)
            if start is not None:
                requests_.append(_values_request(props["sheetId"], rows, start))
        for tab, (props, rows) in written.items():
            requests_ += self._look_requests(tab, props, _header(rows), rows=len(rows))
        requests_ += self._chart_requests(written)
        try:
            reply = self._call(self.http.batch_update, self.key, {"requests": requests_})
        except WorkbookError:
            if any("deleteDimension" in r for r in requests_):
                self._sheets = None  # the cache shrank with the deletion: read it afresh
            raise
        self._remember(requests_, reply)

    def _trim_requests(self, props: dict[str, Any], count: int) -> list[dict[str, Any]]:
        """A ``deleteDimension`` of ``count`` rows below the header (never every row below it:
        Google refuses to delete all non-frozen rows), with the cached grid and filter shrunk
        as Google shrinks them; none for no rows."""
        grid = props["gridProperties"]
        count = min(count, grid["rowCount"] - 2)
        if count <= 0:
            return []
        grid["rowCount"] -= count
        held = self._looks.get(props["sheetId"], {}).get("basicFilter")
        if held is not None:
            bounds = held["range"]
            for edge in ("startRowIndex", "endRowIndex"):
                if edge in bounds:
                    bounds[edge] = _rows_after_deletion(bounds[edge], first=1, count=count)
        spec = {"sheetId": props["sheetId"], "dimension": "ROWS", "startIndex": 1}
        return [{"deleteDimension": {"range": {**spec, "endIndex": 1 + count}}}]

    def ensure_tabs(self, tabs: Sequence[schema.Tab]) -> list[str]:
        """Missing tabs, header cells, dropdowns, frozen header and protected system columns,
        and what a tab lacks of its look (``presentation``: colour rules, filter, frozen rows).
        A complete summary tab's look is left to the next publish, which completes it in the
        write it makes anyway (``replace_tabs``) rather than in a write of its own.

        Everything is one ``batchUpdate`` request, which Google applies atomically: a failure
        leaves the spreadsheet as it was. Existing header rows are read in one batch first
        (with the ``read_ahead`` tabs whole).
        """
        sheets = self._metadata()
        existing = {tab.name: find_tab_title(list(sheets), tab.name) for tab in tabs}
        headers = self._header_rows([title for title in existing.values() if title is not None])
        requests_: list[dict[str, Any]] = []
        changes: list[str] = []
        new_ids = iter(_free_sheet_ids({p["sheetId"] for p in sheets.values()}))
        for tab in tabs:
            title = existing[tab.name]
            if title is None:
                props = _new_sheet(next(new_ids), tab.name, None, rows=[tab.headers])
                if tab.workbook == "summary":  # no empty columns counted against the cell limit
                    props["gridProperties"]["columnCount"] = len(tab.headers)
                requests_.append({"addSheet": {"properties": props}})
                requests_ += self._set_up(props["sheetId"], tab, header=[], new_names=tab.headers)
                requests_ += self._look_requests(tab.name, props, tab.headers, fresh=True)
                changes.append(tab_created(self.label, tab.name))
                if any(find_tab_title([tab.name], name) for name in self.read_ahead):
                    self._ahead[tab.name] = [list(tab.headers)]  # as a read would find it
                continue
            missing = missing_headers(tab, headers[title])
            if missing:
                self._ahead.pop(title, None)  # its header is about to change: read it again
                sheet_id = sheets[title]["sheetId"]
                requests_ += _grow_requests(sheets[title], [[*headers[title], *missing]])
                requests_ += self._set_up(sheet_id, tab, header=headers[title], new_names=missing)
                changes.append(columns_added(self.label, title, missing))
            if missing or tab.workbook != "summary":
                header = [*headers[title], *missing]
                look = self._look_requests(tab.name, sheets[title], header, fresh=bool(missing))
                requests_ += look
                if look and not missing:
                    changes.append(look_completed(self.label, title, look))
        if requests_:
            reply = self._call(self.http.batch_update, self.key, {"requests": requests_})
            self._remember(requests_, reply)
        return changes

    # -- internals -----------------------------------------------------------------------------

    def _header_rows(self, present: list[str]) -> dict[str, list[Any]]:
        """The header row of each tab in ``present`` in one read; the ``read_ahead`` tabs are
        read whole in the same request and kept for the read that follows (the summary's
        Riwayat: its publish then costs no read of its own)."""
        whole = {t for t in present if any(find_tab_title([t], n) for n in self.read_ahead)}
        ranges = [
            absolute_range_name(t) if t in whole else absolute_range_name(t, "1:1") for t in present
        ]
        rows = dict(zip(present, self._batch_get(ranges), strict=True))
        self._ahead = {t: rows[t] for t in whole}
        return {t: r[0] if r else [] for t, r in rows.items()}

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One API call, tried again on 429/5xx as ``backoff`` says; its gspread/requests errors
        turned into an Indonesian WorkbookError."""
        self.api_calls += 1
        attempt = 1
        kind = "read" if getattr(method, "__name__", "") in READ_METHODS else "write"
        while True:
            self.requests_sent += 1
            if self.pacer is not None:
                self.pacer.wait(kind)
            try:
                return method(*args, **kwargs)
            except APIError as err:
                if not self.backoff.retries(err, attempt):
                    raise self._explain(err, attempt) from None
                self.backoff.sleep(self.backoff.delay(attempt, err.response))
                attempt += 1
            except requests.RequestException as exc:
                raise GoogleUnavailable(
                    f"Google Sheets tidak dapat dihubungi untuk {self.label} ({exc}). "
                    "Periksa koneksi internet server lalu jalankan ulang."
                ) from None
            except GSpreadException as exc:
                raise WorkbookError(
                    f"Spreadsheet {self.label} tidak dapat diproses: {exc}."
                ) from None

    def _explain(self, err: APIError, attempts: int) -> WorkbookError:
        where = f"spreadsheet {self.label} (kunci {self.key})"
        if err.code == 403 and _reason(err) == "SERVICE_DISABLED":
            return GoogleAccessDenied(
                "Google Sheets API belum diaktifkan di proyek Google Cloud milik akun layanan. "
                "Aktifkan 'Google Sheets API' di Google Cloud Console, lalu jalankan ulang."
            )
        if err.code == 403:
            who = self.account or "akun layanan capaian"
            return GoogleAccessDenied(
                f"Akun layanan tidak memiliki akses ke {where}. Bagikan spreadsheet itu kepada {who} "
                "sebagai Editor, lalu jalankan ulang."
            )
        if err.code == 404:
            return WorkbookNotFound(
                f"Spreadsheet {self.label} dengan kunci '{self.key}' tidak ditemukan. Periksa kunci di "
                "config.yaml (bagian alamat spreadsheet setelah /d/)."
            )
        if err.code == 429:
            return GoogleQuotaExceeded(
                f"Kuota Google Sheets terlampaui saat mengakses {where}, juga setelah {attempts} kali "
                "percobaan. Tunggu beberapa menit lalu jalankan ulang."
            )
        if err.code in RETRYABLE:
            return GoogleUnavailable(
                f"Layanan Google Sheets sedang bermasalah (kode {err.code}) saat mengakses {where}, "
                f"juga setelah {attempts} kali percobaan. Coba lagi beberapa saat lagi."
            )
        return WorkbookError(
            f"Google Sheets menolak permintaan untuk {where} (kode {err.code}: "
            f"{err.error.get('message', '')})."
        )

    def _metadata(self) -> dict[str, dict[str, Any]]:
        """Tab title -> sheet properties, read once (ours are the only changes we expect)."""
        if self._sheets is None:
            meta = self._call(self.http.fetch_sheet_metadata, self.key)
            self._sheets = {}
            for sheet in meta.get("sheets", []):
                props = sheet["properties"]
                self._sheets[props["title"]] = props
                self._protected[props["sheetId"]] = {
                    p.get("description", "") for p in sheet.get("protectedRanges", [])
                }
                self._looks[props["sheetId"]] = {
                    "conditionalFormats": sheet.get("conditionalFormats", []),
                    "basicFilter": sheet.get("basicFilter"),
                    "charts": sheet.get("charts", []),
                }
        return self._sheets

    def _title(self, tab: str) -> str:
        title = find_tab_title(list(self._metadata()), tab)
        if title is None:
            raise WorkbookError(
                f"Spreadsheet {self.label} tidak memiliki tab '{tab}'. Jalankan 'python run.py init'."
            )
        return title

    def _batch_get(self, ranges: list[str], *, by_column: bool = False) -> list[Rows]:
        """The values of ``ranges`` in one request, empty cells as None: rows (trimmed), or with
        ``by_column`` each range's columns as Google sends them (trailing blanks left out)."""
        if not ranges:
            return []
        params = {**READ_PARAMS, "majorDimension": "COLUMNS" if by_column else "ROWS"}
        reply = self._call(self.http.values_batch_get, self.key, ranges, params)
        lists = [
            [[None if v == "" else v for v in line] for line in vr.get("values", [])]
            for vr in reply.get("valueRanges", [])
        ]
        return lists if by_column else [trim_rows(rows) for rows in lists]

    def _set_up(
        self, sheet_id: int, tab: schema.Tab, *, header: Sequence[Any], new_names: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Requests that write ``new_names`` after ``header`` and set the tab up like local.py."""
        first = len(header)
        names = [*header, *new_names]
        columns = [tab.match_header(name) if name else None for name in names]
        # A tab with a look of its own gets its frozen rows from it (_look_requests).
        out = [] if _look_of(tab.name) else [_frozen_request(sheet_id, 1)]
        out += [
            {
                "updateCells": {
                    "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": first},
                    "rows": [
                        {
                            "values": [
                                _header_cell(n, columns[first + i]) for i, n in enumerate(new_names)
                            ]
                        }
                    ],
                    "fields": "userEnteredValue,userEnteredFormat",
                }
            },
        ]
        for index, column in enumerate(columns):
            if column is not None:
                out += self._column_requests(sheet_id, tab, index, column)
        return out

    def _column_requests(
        self, sheet_id: int, tab: schema.Tab, index: int, column: schema.Column
    ) -> list[dict[str, Any]]:
        """Width, number format, dropdown and protection of one column, as local.py sets them."""
        out: list[dict[str, Any]] = []
        whole = {"sheetId": sheet_id, "startColumnIndex": index, "endColumnIndex": index + 1}
        below_header = {**whole, "startRowIndex": 1}
        if column.width:
            out.append(_width_request(sheet_id, index, column.width))
        if tab.workbook == "summary" and column.format in NUMBER_FORMATS:
            number_format = {"numberFormat": NUMBER_FORMATS[column.format]}
            out.append(
                {
                    "repeatCell": {
                        "range": below_header,
                        "cell": {"userEnteredFormat": number_format},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            )
        if tab.workbook != "unit":
            return out
        if column.choices and not column.is_system:
            out.append(_dropdown_request(below_header, column))
        description = f"{SYSTEM_PROTECTION} {column.name}"
        if column.is_system and description not in self._protected.get(sheet_id, set()):
            protected = {"range": whole, "description": description, "warningOnly": True}
            out.append({"addProtectedRange": {"protectedRange": protected}})
        return out

    def _look_requests(
        self,
        tab: str,
        props: Mapping[str, Any],
        header: Sequence[Any],
        *,
        rows: int = 1,
        fresh: bool = False,
    ) -> list[dict[str, Any]]:
        """What tab ``tab`` (its sheet properties ``props``, its header row, ``rows`` rows of
        content) lacks of its look, as Google's metadata shows it: frozen rows, a filter over the
        whole grid, each colour rule (by its range's columns and its condition). Cell formats do
        not show in the metadata: the wrapped columns' format is sent with the rest of the look,
        or when the tab or some of its columns are ``fresh`` (set up in this batch)."""
        found = _look_of(tab)
        if found is None:
            return []
        look, schema_tab = found
        sheet_id = props["sheetId"]
        grid = props["gridProperties"]
        held = self._looks.get(sheet_id, {})
        out: list[dict[str, Any]] = []
        if grid.get("frozenRowCount", 0) != look.frozen_rows:
            out.append(_frozen_request(sheet_id, look.frozen_rows))
        width = len(header)
        grid_rows = max(grid["rowCount"], rows)
        if look.autofilter and width and not _covers(held.get("basicFilter"), rows, width):
            bounds = _bounds(sheet_id, 0, grid_rows, 0, width)
            out.append({"setBasicFilter": {"filter": {"range": bounds}}})
        columns = {key: _column_index(header, key, schema_tab) for key in _keys(look)}
        out += _rule_requests(sheet_id, look, columns, width, held, rows)
        if out or fresh:
            wrapped = [columns[key] for key in look.wrapped_columns]
            out += [_wrap_request(sheet_id, col) for col in wrapped if col is not None]
        return out

    def _chart_requests(
        self, written: Mapping[str, tuple[Mapping[str, Any], Sequence[Sequence[Any]]]]
    ) -> list[dict[str, Any]]:
        """The summary's charts whose source tab is being written: added where the anchor tab
        has no chart of that title, its spec updated where its columns or rows fall short."""
        out: list[dict[str, Any]] = []
        for chart in summary_charts():
            if chart.source_tab not in written or chart.anchor_tab not in written:
                continue
            source, rows = written[chart.source_tab]
            anchor = written[chart.anchor_tab][0]
            spec = _chart_spec(chart, source, _header(rows), rows=len(rows))
            if spec is None:
                continue
            held = self._looks.get(anchor["sheetId"], {}).get("charts", [])
            same = next((c for c in held if c["spec"].get("title") == chart.title), None)
            if same is None:
                position = _chart_position(anchor["sheetId"], chart.anchor_cell)
                out.append({"addChart": {"chart": {"spec": spec, "position": position}}})
            elif not _chart_covers(same["spec"], spec, len(rows)):
                out.append({"updateChartSpec": {"chartId": same["chartId"], "spec": spec}})
        return out

    def _remember(self, sent: list[dict[str, Any]], reply: Mapping[str, Any]) -> None:
        """Update the cached metadata from our own batchUpdate, so no re-read is needed."""
        assert self._sheets is not None
        for request, answer in zip(sent, reply.get("replies", []), strict=False):
            if "addSheet" in request:
                self._remember_added_sheet(answer["addSheet"]["properties"])
            elif "appendDimension" in request:
                spec = request["appendDimension"]
                props = self._props_by_id(spec["sheetId"])
                count = "rowCount" if spec["dimension"] == "ROWS" else "columnCount"
                props["gridProperties"][count] += spec["length"]
            elif "addProtectedRange" in request:
                protected = request["addProtectedRange"]["protectedRange"]
                sheet_id = protected["range"]["sheetId"]
                self._protected.setdefault(sheet_id, set()).add(protected["description"])
            else:
                self._remember_look(request, answer)

    def _remember_added_sheet(self, props: dict[str, Any]) -> None:
        assert self._sheets is not None
        for other in self._sheets.values():
            if other["index"] >= props["index"]:
                other["index"] += 1
        self._sheets[props["title"]] = props
        self._looks[props["sheetId"]] = {
            "conditionalFormats": [],
            "basicFilter": None,
            "charts": [],
        }

    def _remember_look(self, request: dict[str, Any], answer: Mapping[str, Any]) -> None:
        """Keep the cached look as our own request left it (see ``_remember``)."""
        ((kind, spec),) = request.items()
        if kind == "updateSheetProperties" and "frozenRowCount" in spec["fields"]:
            props = spec["properties"]
            grid = self._props_by_id(props["sheetId"])["gridProperties"]
            grid["frozenRowCount"] = props["gridProperties"]["frozenRowCount"]
        elif kind == "setBasicFilter":
            self._looks[spec["filter"]["range"]["sheetId"]]["basicFilter"] = spec["filter"]
        elif kind == "addConditionalFormatRule":
            sheet_id = spec["rule"]["ranges"][0]["sheetId"]
            self._looks[sheet_id]["conditionalFormats"].insert(spec["index"], spec["rule"])
        elif kind == "updateConditionalFormatRule":
            self._looks[spec["sheetId"]]["conditionalFormats"][spec["index"]] = spec["rule"]
        elif kind == "addChart":
            chart = answer["addChart"]["chart"]
            anchor = chart["position"]["overlayPosition"]["anchorCell"]
            self._looks[anchor.get("sheetId", 0)]["charts"].append(chart)
        elif kind == "updateChartSpec":
            for look in self._looks.values():
                for chart in look["charts"]:
                    if chart["chartId"] == spec["chartId"]:
                        chart["spec"] = spec["spec"]

    def _props_by_id(self, sheet_id: int) -> dict[str, Any]:
        assert self._sheets is not None
        return next(p for p in self._sheets.values() if p["sheetId"] == sheet_id)


# -- the look of a tab (presentation.py) as Sheets requests ----------------------------------------
# Google Sheets has no page set-up in its API (orientation, fit to width, print titles, page
# headers are chosen in the print dialog), so a TabLook's print fields are not applied here.


@cache
def _all_looks() -> dict[str, tuple[TabLook, schema.Tab | None]]:
    """Tab title -> its declared look and schema tab (None for the summary's views). The week in
    a summary look only names the page header, which Google cannot set."""
    schema_tabs = {t.name: t for t in schema.load_schemas().values()}
    looks = (*summary_looks(""), *unit_looks())
    return {look.tab: (look, schema_tabs.get(look.tab)) for look in looks}


def _look_of(tab: str) -> tuple[TabLook, schema.Tab | None] | None:
    titles = list(_all_looks())
    title = find_tab_title(titles, tab)
    return _all_looks()[title] if title is not None else None


def look_completed(label: str, title: str, sent: Sequence[Mapping[str, Any]]) -> str:
    """The change sentence ``ensure_tabs`` reports for a look completed on an existing tab."""
    kinds = {kind for request in sent for kind in request}
    parts = [
        words
        for kind, words in (
            ("updateSheetProperties", "baris judul yang tetap terlihat"),
            ("setBasicFilter", "filter"),
            ("addConditionalFormatRule", "warna bersyarat"),
            ("updateConditionalFormatRule", "warna bersyarat"),
        )
        if kind in kinds
    ]
    return f"{label}: tab '{title}' diberi {', '.join(dict.fromkeys(parts))}."


def _keys(look: TabLook) -> set[str]:
    return {rule.column for rule in look.colour_rules} | set(look.wrapped_columns)


def _column_index(header: Sequence[Any], key: str, schema_tab: schema.Tab | None) -> int | None:
    """The 0-based column whose header names the schema key ``key`` (or is that text)."""
    for index, name in enumerate(header):
        column = schema_tab.match_header(name) if schema_tab and name else None
        if (column is not None and column.key == key) or name == key:
            return index
    return None


def _bounds(sheet_id: int, top: int, bottom: int | None, left: int, right: int) -> dict[str, Any]:
    """A GridRange; ``bottom`` None leaves it open downwards (it reaches rows added later)."""
    grid: dict[str, Any] = {"sheetId": sheet_id, "startRowIndex": top}
    if bottom is not None:
        grid["endRowIndex"] = bottom
    grid.update(startColumnIndex=left, endColumnIndex=right)
    return grid


def _span(grid: Mapping[str, Any]) -> tuple[int, int, int, int | None]:
    """(sheet, first row, first column, end column) of a GridRange as Google returns it (a
    sheet id or start of 0 left out)."""
    return (
        grid.get("sheetId", 0),
        grid.get("startRowIndex", 0),
        grid.get("startColumnIndex", 0),
        grid.get("endColumnIndex"),
    )


def _reaches(grid: Mapping[str, Any], rows: int) -> bool:
    """Whether a GridRange reaches down to row ``rows`` (open ranges reach every row)."""
    return grid.get("endRowIndex") is None or grid["endRowIndex"] >= rows


def _covers(basic_filter: Mapping[str, Any] | None, rows: int, width: int) -> bool:
    """Whether a tab's filter spans its table: from A1, ``width`` columns, ``rows`` rows."""
    if basic_filter is None:
        return False
    grid = basic_filter["range"]
    _, top, left, right = _span(grid)
    return top == 0 and left == 0 and (right is None or right >= width) and _reaches(grid, rows)


def _rgb(colour: str) -> dict[str, float]:
    """A Sheets Color from "RRGGBB"."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 3), "green": round(green, 3), "blue": round(blue, 3)}


def _conditional_rule(sheet_id: int, rule: ColourRule, column: int, width: int) -> dict[str, Any]:
    """A ConditionalFormatRule from row 2 down, open-ended so it follows the table as it grows:
    the cell whose text equals ``rule.equals``, or the whole row when ``rule.whole_row``."""
    if rule.whole_row:
        letter = rowcol_to_a1(1, column + 1)[:-1]
        text = rule.equals.replace('"', '""')
        value, kind, cells = f'=${letter}2="{text}"', "CUSTOM_FORMULA", (0, width)
    else:
        value, kind, cells = rule.equals, "TEXT_EQ", (column, column + 1)
    cell_format: dict[str, Any] = {"backgroundColor": _rgb(rule.fill)}
    if rule.font:
        cell_format["textFormat"] = {"foregroundColor": _rgb(rule.font)}
    return {
        "ranges": [_bounds(sheet_id, 1, None, *cells)],
        "booleanRule": {
            "condition": {"type": kind, "values": [{"userEnteredValue": value}]},
            "format": cell_format,
        },
    }


def _rule_key(rule: Mapping[str, Any]) -> tuple:
    """What makes two colour rules the same: their ranges' columns and their condition."""
    condition = rule.get("booleanRule", {}).get("condition", {})
    values = tuple(v.get("userEnteredValue") for v in condition.get("values", []))
    return tuple(_span(r) for r in rule.get("ranges", [])), condition.get("type"), values


def _rule_requests(
    sheet_id: int,
    look: TabLook,
    columns: Mapping[str, int | None],
    width: int,
    held: Mapping[str, Any],
    rows: int,
) -> list[dict[str, Any]]:
    """The look's colour rules the sheet lacks (added after the rules it has), and those it has
    over too few rows (replaced where they stand)."""
    have = list(held.get("conditionalFormats", []))
    index_of = {_rule_key(rule): i for i, rule in enumerate(have)}
    out: list[dict[str, Any]] = []
    for rule in look.colour_rules:
        column = columns.get(rule.column)
        if column is None:
            continue
        wanted = _conditional_rule(sheet_id, rule, column, width)
        index = index_of.get(_rule_key(wanted))
        if index is None:
            out.append({"addConditionalFormatRule": {"rule": wanted, "index": len(have)}})
            have.append(wanted)
        elif not all(_reaches(r, rows) for r in have[index]["ranges"]):
            update = {"sheetId": sheet_id, "index": index, "rule": wanted}
            out.append({"updateConditionalFormatRule": update})
    return out


def _frozen_request(sheet_id: int, rows: int) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": rows}},
            "fields": "gridProperties.frozenRowCount",
        }
    }


def _wrap_request(sheet_id: int, column: int) -> dict[str, Any]:
    """Long text in ``column`` wraps inside its cells, below the header."""
    return {
        "repeatCell": {
            "range": _bounds(sheet_id, 1, None, column, column + 1),
            "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
            "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment",
        }
    }


def _header(rows: Sequence[Sequence[Any]]) -> list[Any]:
    return list(rows[0]) if rows else []


def _header_look(props: Mapping[str, Any], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """A new view tab's header row bold and wrapped inside its row, when its look says so (cell
    formats are not in the metadata: this is sent once, with the tab)."""
    found = _look_of(props["title"])
    if found is None or not found[0].wrap_header or not rows:
        return []
    header = {"textFormat": {"bold": True}, "wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    return [
        {
            "repeatCell": {
                "range": _bounds(props["sheetId"], 0, 1, 0, _width(rows)),
                "cell": {"userEnteredFormat": header},
                "fields": "userEnteredFormat(textFormat.bold,wrapStrategy,verticalAlignment)",
            }
        }
    ]


def _new_sheet(
    sheet_id: int, title: str, index: int | None, *, rows: Sequence[Sequence[Any]]
) -> dict[str, Any]:
    """The properties of a tab to add, with the grid Google would give it (1000 x 26) or a
    taller or wider one for ``rows`` (Tren has a column per unit)."""
    props: dict[str, Any] = {"sheetId": sheet_id, "title": title}
    if index is not None:
        props["index"] = index
    props["gridProperties"] = {
        "rowCount": max(DEFAULT_ROWS, len(rows)),
        "columnCount": max(DEFAULT_COLUMNS, _width(rows)),
    }
    return props


def _place(order: list[str], title: str) -> int:
    """Where a new summary tab goes: after the last present tab that precedes it in
    ``summary_tab_titles`` (first when none does, last when it is not a summary tab);
    ``order`` (present titles, in order) gets it too."""
    wanted = summary_tab_titles()
    canonical = find_tab_title(wanted, title)
    if canonical is None:
        order.append(title)
        return len(order) - 1
    before = wanted[: wanted.index(canonical)]
    index = max((i + 1 for i, t in enumerate(order) if find_tab_title(before, t)), default=0)
    order.insert(index, title)
    return index


def _chart_spec(
    chart: Chart, source: Mapping[str, Any], header: Sequence[Any], *, rows: int
) -> dict[str, Any] | None:
    """A basic chart over whole columns of ``source`` (header row 1) down to the grid's last row,
    so the rows a later week adds are drawn; None when there is no series to draw."""
    columns = chart.series_columns
    if chart.all_columns_from is not None:
        columns = tuple(range(chart.all_columns_from, len(header)))
    if not columns:
        return None
    bottom = max(source["gridProperties"]["rowCount"], rows)

    def column(index: int) -> dict[str, Any]:
        return {
            "sourceRange": {"sources": [_bounds(source["sheetId"], 0, bottom, index, index + 1)]}
        }

    series = []
    for i, index in enumerate(columns):
        entry: dict[str, Any] = {"series": column(index), "targetAxis": "LEFT_AXIS"}
        if i < len(chart.series_colours):
            entry["colorStyle"] = {"rgbColor": _rgb(chart.series_colours[i])}
        series.append(entry)
    basic: dict[str, Any] = {
        "chartType": "LINE" if chart.kind == "line" else "COLUMN",
        "legendPosition": "RIGHT_LEGEND",
        "axis": [{"position": "BOTTOM_AXIS"}, {"position": "LEFT_AXIS", "title": chart.y_title}],
        "domains": [{"domain": column(chart.category_column)}],
        "series": series,
        "headerCount": 1,
    }
    if chart.stacked:
        basic["stackedType"] = "STACKED"
    return {"title": chart.title, "basicChart": basic}


def _chart_position(sheet_id: int, cell: str) -> dict[str, Any]:
    row, col = a1_to_rowcol(cell)
    anchor = {"sheetId": sheet_id, "rowIndex": row - 1, "columnIndex": col - 1}
    return {"overlayPosition": {"anchorCell": anchor, "widthPixels": 720, "heightPixels": 420}}


def _chart_sources(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    basic = spec.get("basicChart", {})
    parts = [d["domain"] for d in basic.get("domains", [])]
    parts += [s["series"] for s in basic.get("series", [])]
    return [grid for part in parts for grid in part["sourceRange"]["sources"]]


def _chart_covers(held: Mapping[str, Any], wanted: Mapping[str, Any], rows: int) -> bool:
    """Whether a chart Google holds draws the columns ``wanted`` draws, down to row ``rows``."""
    have = _chart_sources(held)
    return [_span(g) for g in have] == [_span(g) for g in _chart_sources(wanted)] and all(
        _reaches(g, rows) for g in have
    )


def _reason(err: APIError) -> str | None:
    """The machine-readable reason Google puts in ``error.details`` (ErrorInfo), if any."""
    details = err.error.get("details") or []
    return next((d.get("reason") for d in details if isinstance(d, dict) and d.get("reason")), None)


def _header_cell(name: str, column: schema.Column | None) -> dict[str, Any]:
    system = column is None or column.is_system
    return {
        "userEnteredValue": {"stringValue": name},
        "userEnteredFormat": {
            "textFormat": {"bold": True},
            "backgroundColor": SYSTEM_HEADER_COLOUR if system else STAFF_HEADER_COLOUR,
            "wrapStrategy": "WRAP",
            "verticalAlignment": "TOP",
        },
    }


def _width_request(sheet_id: int, index: int, width: int) -> dict[str, Any]:
    # Schema widths are in Excel character units; about 7 pixels each plus padding.
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": index,
                "endIndex": index + 1,
            },
            "properties": {"pixelSize": width * 7 + 5},
            "fields": "pixelSize",
        }
    }


def _dropdown_request(grid_range: dict[str, Any], column: schema.Column) -> dict[str, Any]:
    # Not strict: a wrong value is reported in our findings rather than blocking the typist.
    return {
        "setDataValidation": {
            "range": grid_range,
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": choice} for choice in column.choices],
                },
                "inputMessage": column.description[:255],
                "strict": False,
                "showCustomUi": True,
            },
        }
    }


def _free_sheet_ids(used: set[int]) -> Iterator[int]:
    """Sheet ids for new tabs, chosen by us so one batchUpdate can also set the tabs up."""
    candidate = 1
    while True:
        if candidate not in used:
            yield candidate
        candidate += 1


def _grow_requests(props: Mapping[str, Any], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Requests that make a tab's grid (``props``, its sheet properties) big enough for ``rows``
    from A1; none when it already is. Google refuses a write past the grid, it never grows it.

    New rows take the format of the grid's last row (below the header), so number and date
    formats set up by ``ensure_tabs`` reach them too.
    """
    sheet_id = props["sheetId"]
    grid = props["gridProperties"]
    out: list[dict[str, Any]] = []
    for dimension, have, need in (
        ("COLUMNS", grid["columnCount"], _width(rows)),
        ("ROWS", grid["rowCount"], len(rows)),
    ):
        if need > have:
            out.append(
                {
                    "appendDimension": {
                        "sheetId": sheet_id,
                        "dimension": dimension,
                        "length": need - have,
                    }
                }
            )
    if len(rows) > grid["rowCount"] >= 2:
        last = grid["rowCount"]
        out.append(
            {
                "copyPaste": {
                    "source": {"sheetId": sheet_id, "startRowIndex": last - 1, "endRowIndex": last},
                    "destination": {
                        "sheetId": sheet_id,
                        "startRowIndex": last,
                        "endRowIndex": len(rows),
                    },
                    "pasteType": "PASTE_FORMAT",
                }
            }
        )
    return out


def _width(rows: Sequence[Sequence[Any]]) -> int:
    return max((len(r) for r in rows), default=0)


def _cell_data(value: Any) -> dict[str, Any]:
    """A cell for ``updateCells``, typed as a RAW write stores it: text stays text (``=...``
    included), numbers and dates (as serials) are numbers; an empty cell clears the value."""
    raw = to_json_value(value)
    if isinstance(raw, str) and raw == "":
        return {}
    if isinstance(raw, bool):
        kind = "boolValue"
    elif isinstance(raw, (int, float)):
        kind = "numberValue"
    else:
        kind = "stringValue"
    return {"userEnteredValue": {kind: raw}}


def _rows_after_deletion(index: int, *, first: int, count: int) -> int:
    """Where a grid edge at row ``index`` lies after rows ``first`` to ``first + count - 1`` are
    deleted: edges above stay, edges inside close up to ``first``, edges below move up."""
    return index if index <= first else max(first, index - count)


def _deleted(request: Mapping[str, Any]) -> int:
    """How many rows a ``deleteDimension`` request deletes."""
    bounds = request["deleteDimension"]["range"]
    return bounds["endIndex"] - bounds["startIndex"]


def _first_change(held: Rows | None, rows: Sequence[Sequence[Any]]) -> int | None:
    """The first row (0-based) where ``rows`` differ from the ``held`` rows a read returned
    (0 when nothing was read; None when they are the same)."""
    if held is None:
        return 0
    new = trim_rows([[None if (x := to_json_value(v)) == "" else x for v in row] for row in rows])
    for index in range(max(len(new), len(held))):
        if (new[index] if index < len(new) else None) != (
            held[index] if index < len(held) else None
        ):
            return index
    return None


def _values_request(sheet_id: int, rows: Sequence[Sequence[Any]], start: int) -> dict[str, Any]:
    """``updateCells`` writing ``rows`` from row ``start`` down and emptying every cell below
    and beside them (the rows above stay as they are)."""
    grid = {"sheetId": sheet_id, **({"startRowIndex": start} if start else {})}
    return {
        "updateCells": {
            "range": grid,
            "rows": [{"values": [_cell_data(v) for v in row]} for row in rows[start:]],
            "fields": "userEnteredValue",
        }
    }


def _value_range(title: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> dict[str, Any]:
    width = _width(values) or 1
    end = rowcol_to_a1(row + len(values) - 1, col + width - 1)
    return {
        "range": absolute_range_name(title, f"{rowcol_to_a1(row, col)}:{end}"),
        "majorDimension": "ROWS",
        "values": [[to_json_value(v) for v in r] for r in values],
    }


def _columns(lines: Rows) -> Columns:
    """A tab read with ``majorDimension=COLUMNS`` (each column's header cell first)."""
    header = (trim_rows([[line[0] if line else None for line in lines]]) or [[]])[0]
    columns = trim_rows([line[1:] for line in lines])
    return Columns(header, columns, max(map(len, columns), default=0))


def _in_form(table: TabValues | None, *, columnar: bool) -> TabValues | None:
    """A tab as read, in the form asked for (rows, or ``Columns``)."""
    if isinstance(table, Columns):
        return table if columnar else table.to_rows()
    return as_requested(table, columnar=columnar)


def _grid_columns(reply: Mapping[str, Any], sheet_id: int) -> Columns | None:
    """The tab ``sheet_id`` in a batchUpdate's ``updatedSpreadsheet`` (grid data, effective
    values as ``UNFORMATTED_VALUE`` reads them), as ``Columns``; None when it is gone."""
    for sheet in reply.get("updatedSpreadsheet", {}).get("sheets", []):
        if sheet.get("properties", {}).get("sheetId") != sheet_id:
            continue
        grid = (sheet.get("data") or [{}])[0]
        rows = [
            [_effective(cell) for cell in row.get("values", [])] for row in grid.get("rowData", [])
        ]
        return Columns.from_rows(trim_rows(rows))
    return None


def _effective(cell: Mapping[str, Any]) -> Any:
    """A cell's effective value as a values read renders it (errors as ``#REF!`` ...)."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    ((kind, raw),) = value.items()
    if kind == "errorValue":
        return ERROR_TEXT.get(raw.get("type"), "#ERROR!")
    return None if raw == "" else raw


def to_json_value(value: Any) -> Any:
    """A cell value for a RAW write: numpy/pandas unwrapped, dates as serials, empty as ""."""
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:  # pandas NA / NaT
        return ""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else ""
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - SERIAL_EPOCH) / dt.timedelta(days=1)
    if isinstance(value, dt.date):
        return (value - SERIAL_EPOCH.date()).days
    return str(value)


# -- opening ---------------------------------------------------------------------------------


def open_google_workbook(
    config: Config, key: str, *, label: str, read_ahead: Sequence[str] = ()
) -> GoogleWorkbook:
    """The spreadsheet ``key``, opened with the service account named in config.

    No request is made here; the first read or write contacts Google.
    """
    source = _credentials_source(config)
    client, account = _client_for(*source)
    return GoogleWorkbook(
        client,
        key,
        label=label,
        account=account,
        backoff=Backoff(config.google.retry),
        read_ahead=read_ahead,
        pacer=_pacer_for(source[0], config.google),
    )


@cache
def _pacer_for(path: str, settings: GoogleBackend) -> Pacer:
    """One pacer per service account (Google's quota is per user) for the whole process."""
    return Pacer(settings)


def _credentials_source(config: Config) -> tuple[str, str]:
    """The key file's path, and where it was named (for the error messages)."""
    if config.google.credentials is not None:
        return str(config.path(config.google.credentials)), "google.credentials di config.yaml"
    variable = config.google.credentials_env
    value = os.environ.get(variable, "").strip()
    if not value:
        raise GoogleCredentialsError(
            "Kredensial Google belum diatur: isi 'google.credentials' di config.yaml atau variabel "
            f"lingkungan {variable} dengan path berkas JSON kunci akun layanan."
        )
    return value, f"variabel lingkungan {variable}"


@cache
def _client_for(path: str, source: str) -> tuple[gspread.Client, str]:
    """One client (one token, one connection pool) per key file for the whole run."""
    try:
        credentials = Credentials.from_service_account_file(path, scopes=list(SCOPES))
    except FileNotFoundError:
        raise GoogleCredentialsError(
            f"Berkas kredensial Google {path} (dari {source}) tidak ditemukan."
        ) from None
    except OSError as exc:
        raise GoogleCredentialsError(
            f"Berkas kredensial Google {path} (dari {source}) tidak dapat dibaca: {exc.strerror}."
        ) from None
    except (ValueError, KeyError):
        raise GoogleCredentialsError(
            f"Berkas kredensial Google {path} (dari {source}) bukan kunci akun layanan yang sah. "
            "Unduh ulang kunci JSON akun layanan dari Google Cloud Console."
        ) from None
    client = gspread.Client(auth=credentials)
    return client, credentials.service_account_email
