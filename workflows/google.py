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
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import gspread
import requests
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError, GSpreadException
from gspread.http_client import HTTPClient
from gspread.utils import absolute_range_name, rowcol_to_a1

from . import schema
from .config import Config, GoogleRetry
from .workbook import (
    RangeUpdate,
    Rows,
    WorkbookError,
    WorkbookNotFound,
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
    ) -> None:
        self.http: HTTPClient = client.http_client
        self.key = key
        self.label = label
        self.account = account
        self.backoff = backoff or Backoff(GoogleRetry())
        self.api_calls = 0
        self.requests_sent = 0
        self._sheets: dict[str, dict[str, Any]] | None = None  # title -> sheet properties
        self._protected: dict[int, set[str]] = {}  # sheetId -> protected-range descriptions

    # -- reading -------------------------------------------------------------------------------

    def read_tabs(self, tabs: Sequence[str]) -> dict[str, Rows | None]:
        titles = {wanted: find_tab_title(list(self._metadata()), wanted) for wanted in tabs}
        present = list(dict.fromkeys(t for t in titles.values() if t is not None))
        values = self._batch_get([absolute_range_name(t) for t in present])
        by_title = dict(zip(present, values, strict=True))
        return {wanted: by_title.get(title) for wanted, title in titles.items()}

    # -- writing -------------------------------------------------------------------------------

    def write_ranges(self, updates: Sequence[RangeUpdate]) -> None:
        data = [
            _value_range(self._title(u.tab), u.row, u.col, u.values) for u in updates if u.values
        ]
        if data:
            self._call(
                self.http.values_batch_update,
                self.key,
                body={"valueInputOption": "RAW", "data": data},
            )

    def append_rows(self, tab: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        title = self._title(tab)
        self._call(
            self.http.values_append,
            self.key,
            absolute_range_name(title, "A1"),
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
            body={"values": [[to_json_value(v) for v in row] for row in rows]},
        )
        self._metadata()[title]["gridProperties"]["rowCount"] += len(rows)  # INSERT_ROWS grew it

    def replace_tabs(self, contents: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Every tab rewritten in one ``batchUpdate``, which Google applies all or nothing.

        Per tab: rows are added to the grid when the new content is longer (with the format of
        the grid's last row, so date columns stay dates), then one ``updateCells`` over the whole
        tab writes the values and empties every other cell. Only values change: header formats,
        number formats and the frozen row stay. A failure (quota, server, a grid someone shrank
        meanwhile) leaves every tab as it was.
        """
        if not contents:
            return
        sheets = self._metadata()
        titles = {tab: self._title(tab) for tab in contents}
        requests_: list[dict[str, Any]] = []
        for tab, rows in contents.items():
            props = sheets[titles[tab]]
            requests_ += _grow_requests(props, rows)
            requests_.append(
                {
                    "updateCells": {
                        "range": {"sheetId": props["sheetId"]},
                        "rows": [{"values": [_cell_data(v) for v in row]} for row in rows],
                        "fields": "userEnteredValue",
                    }
                }
            )
        reply = self._call(self.http.batch_update, self.key, {"requests": requests_})
        self._remember(requests_, reply)

    def ensure_tabs(self, tabs: Sequence[schema.Tab]) -> list[str]:
        """Missing tabs, header cells, dropdowns, frozen header and protected system columns.

        Everything is one ``batchUpdate`` request, which Google applies atomically: a failure
        leaves the spreadsheet as it was. Existing header rows are read in one batch first.
        """
        sheets = self._metadata()
        existing = {tab.name: find_tab_title(list(sheets), tab.name) for tab in tabs}
        present = [title for title in existing.values() if title is not None]
        header_rows = self._batch_get([absolute_range_name(t, "1:1") for t in present])
        headers = {t: rows[0] if rows else [] for t, rows in zip(present, header_rows, strict=True)}
        requests_: list[dict[str, Any]] = []
        changes: list[str] = []
        new_ids = iter(_free_sheet_ids({p["sheetId"] for p in sheets.values()}))
        for tab in tabs:
            title = existing[tab.name]
            if title is None:
                sheet_id = next(new_ids)
                requests_.append(
                    {"addSheet": {"properties": {"sheetId": sheet_id, "title": tab.name}}}
                )
                requests_ += self._set_up(sheet_id, tab, header=[], new_names=tab.headers)
                changes.append(tab_created(self.label, tab.name))
                continue
            missing = missing_headers(tab, headers[title])
            if missing:
                sheet_id = sheets[title]["sheetId"]
                requests_ += _grow_requests(sheets[title], [[*headers[title], *missing]])
                requests_ += self._set_up(sheet_id, tab, header=headers[title], new_names=missing)
                changes.append(columns_added(self.label, title, missing))
        if requests_:
            reply = self._call(self.http.batch_update, self.key, {"requests": requests_})
            self._remember(requests_, reply)
        return changes

    # -- internals -----------------------------------------------------------------------------

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One API call, tried again on 429/5xx as ``backoff`` says; its gspread/requests errors
        turned into an Indonesian WorkbookError."""
        self.api_calls += 1
        attempt = 1
        while True:
            self.requests_sent += 1
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
        return self._sheets

    def _title(self, tab: str) -> str:
        title = find_tab_title(list(self._metadata()), tab)
        if title is None:
            raise WorkbookError(
                f"Spreadsheet {self.label} tidak memiliki tab '{tab}'. Jalankan 'python run.py init'."
            )
        return title

    def _batch_get(self, ranges: list[str]) -> list[Rows]:
        """The values of ``ranges`` in one request, trimmed, empty cells as None."""
        if not ranges:
            return []
        reply = self._call(self.http.values_batch_get, self.key, ranges, dict(READ_PARAMS))
        return [
            trim_rows([[None if v == "" else v for v in row] for row in vr.get("values", [])])
            for vr in reply.get("valueRanges", [])
        ]

    def _set_up(
        self, sheet_id: int, tab: schema.Tab, *, header: Sequence[Any], new_names: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Requests that write ``new_names`` after ``header`` and set the tab up like local.py."""
        first = len(header)
        names = [*header, *new_names]
        columns = [tab.match_header(name) if name else None for name in names]
        out: list[dict[str, Any]] = [
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
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

    def _remember(self, sent: list[dict[str, Any]], reply: Mapping[str, Any]) -> None:
        """Update the cached metadata from our own batchUpdate, so no re-read is needed."""
        assert self._sheets is not None
        for request, answer in zip(sent, reply.get("replies", []), strict=False):
            if "addSheet" in request:
                props = answer["addSheet"]["properties"]
                self._sheets[props["title"]] = props
            elif "appendDimension" in request:
                spec = request["appendDimension"]
                props = next(p for p in self._sheets.values() if p["sheetId"] == spec["sheetId"])
                count = "rowCount" if spec["dimension"] == "ROWS" else "columnCount"
                props["gridProperties"][count] += spec["length"]
            elif "addProtectedRange" in request:
                protected = request["addProtectedRange"]["protectedRange"]
                sheet_id = protected["range"]["sheetId"]
                self._protected.setdefault(sheet_id, set()).add(protected["description"])


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


def _value_range(title: str, row: int, col: int, values: Sequence[Sequence[Any]]) -> dict[str, Any]:
    width = _width(values) or 1
    end = rowcol_to_a1(row + len(values) - 1, col + width - 1)
    return {
        "range": absolute_range_name(title, f"{rowcol_to_a1(row, col)}:{end}"),
        "majorDimension": "ROWS",
        "values": [[to_json_value(v) for v in r] for r in values],
    }


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


def open_google_workbook(config: Config, key: str, *, label: str) -> GoogleWorkbook:
    """The spreadsheet ``key``, opened with the service account named in config.

    No request is made here; the first read or write contacts Google.
    """
    client, account = _client_for(*_credentials_source(config))
    backoff = Backoff(config.google.retry)
    return GoogleWorkbook(client, key, label=label, account=account, backoff=backoff)


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
