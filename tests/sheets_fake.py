"""An in-process fake of the Google Sheets v4 endpoints gspread uses, as a ``requests`` adapter.

Mount it with ``fake_session(fake)``: the fake answers ``https://sheets.googleapis.com/`` and a
second adapter refuses every other host (``ForbiddenHost``), so a test proves that nothing else
is contacted. Use it with the real client: ``gspread.Client(auth=None, session=session)``.

Sheets are grids of plain values. Supported: spreadsheet metadata, ``values`` get / update /
append / clear and their batch forms, and ``:batchUpdate`` with addSheet, deleteSheet,
updateSheetProperties (title, frozen rows), appendDimension, deleteDimension (rows: the cells
below and every range on the sheet move up), updateCells (from a
``start`` cell, or over a ``range`` whose other cells are cleared), repeatCell, copyPaste,
updateDimensionProperties, setDataValidation, addProtectedRange, addConditionalFormatRule,
updateConditionalFormatRule, setBasicFilter, addChart and updateChartSpec. The metadata shows
what these leave as Google's ``spreadsheets.get`` does: ``sheets[].conditionalFormats``,
``sheets[].basicFilter`` (its range made explicit up to the grid's edge, as Google answered
gspread's recorded ``test_basic_filters``), ``sheets[].charts`` (on the sheet of the chart's anchor
cell, with the ``chartId`` Google picks) and ``gridProperties.frozenRowCount``. A1 ranges with quoted
titles, whole columns (``A:C``), whole rows (``1:1``) and whole sheets; ``RAW`` and a minimal
``USER_ENTERED`` (``=...`` becomes a formula, numeric text a number); ``UNFORMATTED_VALUE``,
``FORMATTED_VALUE`` (``str()``-like) and ``FORMULA`` rendering.

Like Google, the grid never grows by itself except through ``values:append``: a write past a
tab's rows or columns is refused with a 400 in Google's words (``Range (Tab!A1001) exceeds grid
limits. Max rows: 1000, max columns: 26``; ``Requested writing within range [...], but tried
writing to row [N]`` when it starts inside the grid and runs past it), and a read or clear that
starts past the grid too. A batch (``values:batchUpdate`` or ``:batchUpdate``) applies all or
nothing. A spreadsheet never grows past Google's 10 million cells (every tab's grid counted):
the request that would is refused with Google's sentence. Every request is recorded in ``fake.calls``; failures can be injected with
``fail_next`` or at a given request number with ``fail_at``. Errors have Google's JSON shape so
gspread raises ``APIError``. The shapes are checked against Google's recordings in
``test_sheets_fake_contract.py``; the wording of grid errors inside ``:batchUpdate`` follows
what Google answers for ``repeatCell`` (``Invalid requests[2].repeatCell: Range (T!B4:B) exceeds
grid limits...``).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

HOST = "sheets.googleapis.com"
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
CELL_LIMIT = 10_000_000  # cells in a spreadsheet, every tab's grid counted
STATUS = {
    400: ("INVALID_ARGUMENT", "Bad Request"),
    403: ("PERMISSION_DENIED", "Forbidden"),
    404: ("NOT_FOUND", "Not Found"),
    429: ("RESOURCE_EXHAUSTED", "Too Many Requests"),
    500: ("INTERNAL", "Internal Server Error"),
    503: ("UNAVAILABLE", "Service Unavailable"),
}
MESSAGES = {
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
    "user' of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
ERROR_TYPES = {"#REF!": "REF", "#N/A": "N_A", "#VALUE!": "VALUE", "#DIV/0!": "DIVIDE_BY_ZERO"}
ERROR_TYPES |= {"#NAME?": "NAME", "#NUM!": "NUM", "#NULL!": "NULL_VALUE", "#ERROR!": "ERROR"}
_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z0-9_]+$")


class ForbiddenHost(RuntimeError):
    """A request went to a host other than the Sheets API: tests must never reach out."""


class FakeError(Exception):
    """A Google-shaped error raised inside a handler; becomes the HTTP response."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        reason: str | None = None,
        *,
        retry_after: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (only ``USER_ENTERED`` makes these)."""

    text: str

    def value(self) -> Any:
        # Just enough evaluation to tell a formula from text: HYPERLINK shows its label.
        match = re.fullmatch(r'=HYPERLINK\("[^"]*"\s*[,;]\s*"([^"]*)"\)', self.text, re.I)
        return match[1] if match else "#NAME?"


@dataclass(frozen=True)
class Call:
    """One request as the fake saw it."""

    method: str
    kind: str  # metadata, values:get, values:update, values:append, values:clear, values:batchGet,
    # values:batchUpdate, values:batchClear, batchUpdate (or "?" for an unknown path)
    spreadsheet_id: str
    params: dict[str, list[str]]
    body: Any

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = DEFAULT_ROWS
    columns: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # (row, col) 0-based
    validations: dict[tuple[int, int | None, int, int | None], dict] = field(default_factory=dict)
    protected: list[dict] = field(default_factory=list)
    formats: list[dict] = field(default_factory=list)  # format requests, kept for inspection
    conditional_formats: list[dict] = field(default_factory=list)  # ConditionalFormatRule
    basic_filter: dict | None = None  # BasicFilter
    charts: list[dict] = field(default_factory=list)  # EmbeddedChart anchored on this sheet

    def resize(self, *, rows: int | None = None, columns: int | None = None) -> None:
        """A new grid size (as a user deleting rows makes); cells outside it are gone, and so is
        the part of the filter's range past the new edge."""
        self.rows = self.rows if rows is None else rows
        self.columns = self.columns if columns is None else columns
        for key in [k for k in self.cells if k[0] >= self.rows or k[1] >= self.columns]:
            del self.cells[key]
        if self.basic_filter is not None:
            bounds = self.basic_filter["range"]
            bounds["endRowIndex"] = min(bounds["endRowIndex"], self.rows)
            bounds["endColumnIndex"] = min(bounds["endColumnIndex"], self.columns)

    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.columns}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    accessible: bool = True
    time_zone: str = "Asia/Jakarta"
    next_protected_id: int = 1000
    next_chart_id: int = 1_700_000_001  # Google picks chart ids at random; ours count up

    def sheet(self, title: str | None) -> Sheet:
        if title is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise FakeError(400, f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise FakeError(400, f"No grid with id: {sheet_id}")


@dataclass(frozen=True)
class Area:
    """A resolved A1 range: 0-based, end exclusive, clipped to the grid."""

    sheet: Sheet
    top: int
    left: int
    bottom: int
    right: int

    def a1(self) -> str:
        return f"{_quote_title(self.sheet.title)}!{_a1(self.top, self.left)}:{_a1(self.bottom - 1, self.right - 1)}"


class SheetsFake(BaseAdapter):
    """The Sheets API as a transport adapter; see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.calls: list[Call] = []
        self._failures: dict[int, FakeError] = {}  # request number -> the error it gets

    # -- set-up and inspection for tests -------------------------------------------------------

    def add_spreadsheet(
        self,
        spreadsheet_id: str,
        *,
        title: str = "Untitled spreadsheet",
        tabs: dict[str, list[list[Any]]] | None = None,
        accessible: bool = True,
        time_zone: str = "Asia/Jakarta",
    ) -> None:
        """A spreadsheet with ``tabs`` (title -> rows of values); by default one empty Sheet1."""
        tabs = tabs if tabs is not None else {"Sheet1": []}
        sheets = []
        for index, (name, rows) in enumerate(tabs.items()):
            sheet = Sheet(sheet_id=index * 1000, title=name)
            sheet.rows = max(sheet.rows, len(rows))
            sheet.columns = max(sheet.columns, max((len(r) for r in rows), default=0))
            _put(sheet, 0, 0, rows, "RAW")
            sheets.append(sheet)
        self.spreadsheets[spreadsheet_id] = Spreadsheet(
            spreadsheet_id, title, sheets, accessible, time_zone
        )

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        return self.spreadsheets[spreadsheet_id].sheet(title)

    def values(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """A tab's stored values as rows (formulas as ``Formula``), trailing blanks dropped."""
        sheet = self.sheet(spreadsheet_id, title)
        area = Area(sheet, 0, 0, sheet.rows, sheet.columns)
        return _read(area, lambda cell: cell)

    def fail_at(
        self,
        index: int,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        reason: str | None = None,
        message: str | None = None,
    ) -> None:
        """Requests number ``index`` to ``index + times - 1`` (counting from 0, as ``calls``)
        fail with ``status``, a ``Retry-After`` header, an ``ErrorInfo`` reason (e.g.
        ``SERVICE_DISABLED``) and a message of its own when given."""
        for number in range(index, index + times):
            self._failures[number] = FakeError(status, message, reason, retry_after=retry_after)

    def fail_next(self, status: int, **failure: Any) -> None:
        """The next requests fail (after those already set to fail); options as ``fail_at``."""
        self.fail_at(max([len(self.calls) - 1, *self._failures]) + 1, status, **failure)

    def kinds(self) -> list[str]:
        return [c.kind for c in self.calls]

    # -- transport -----------------------------------------------------------------------------

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        if url.hostname != HOST:
            raise ForbiddenHost(f"the fake only serves {HOST}, not {url.hostname}")
        body = json.loads(request.body) if request.body else None
        params = parse_qs(url.query, keep_blank_values=True)
        method = (request.method or "GET").upper()
        spreadsheet_id, kind, a1 = _route(method, url.path)
        failure = self._failures.pop(len(self.calls), None)
        self.calls.append(Call(method, kind, spreadsheet_id, params, body))
        headers: dict[str, str] = {}
        try:
            if failure is not None:
                if failure.retry_after is not None:
                    headers["Retry-After"] = failure.retry_after
                raise failure
            book = self.spreadsheets.get(spreadsheet_id)
            if book is None:
                raise FakeError(404)
            if not book.accessible:
                raise FakeError(403)
            handler = getattr(self, "_" + kind.replace(":", "_"), None)
            if handler is None:
                raise FakeError(404, f"The fake does not serve {method} {url.path}")
            status, payload = 200, handler(book, method, params, body, a1)
        except FakeError as err:
            status = err.code
            payload = {"error": _error_body(err)}
        return _response(request, status, payload, headers)

    def close(self) -> None:
        pass

    # -- endpoints -----------------------------------------------------------------------------

    def _metadata(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        sheets = []
        for index, sheet in enumerate(book.sheets):
            entry: dict[str, Any] = {"properties": sheet.properties(index)}
            if sheet.conditional_formats:
                entry["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
            if sheet.charts:
                entry["charts"] = copy.deepcopy(sheet.charts)
            if sheet.basic_filter is not None:
                entry["basicFilter"] = copy.deepcopy(sheet.basic_filter)
            if sheet.protected:
                entry["protectedRanges"] = copy.deepcopy(sheet.protected)
            sheets.append(entry)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {
                "title": book.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": book.time_zone,
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    def _values_get(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        return _value_range(_area(book, a1), params)

    def _values_update(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        option = _input_option(params.get("valueInputOption", [None])[0])
        write = _plan_write(book, a1, body.get("values", []), body.get("majorDimension"))
        return {"spreadsheetId": book.spreadsheet_id, **write.apply(option)}

    def _values_batchGet(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        return {
            "spreadsheetId": book.spreadsheet_id,
            "valueRanges": [_value_range(_area(book, r), params) for r in params.get("ranges", [])],
        }

    def _values_batchUpdate(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        option = _input_option(body.get("valueInputOption"))
        writes = [  # every range checked before any is written: all or nothing
            _plan_write(
                book, d["range"], d.get("values", []), d.get("majorDimension"), f"data[{i}]"
            )
            for i, d in enumerate(body.get("data", []))
        ]
        responses = [{"spreadsheetId": book.spreadsheet_id, **w.apply(option)} for w in writes]
        rows = {(r["updatedRange"].rsplit("!", 1)[0], n) for r in responses for n in _rows_of(r)}
        cols = {(r["updatedRange"].rsplit("!", 1)[0], n) for r in responses for n in _cols_of(r)}
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedRows": len(rows),
            "totalUpdatedColumns": len(cols),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
            "responses": responses,
        }

    def _values_append(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        option = _input_option(params.get("valueInputOption", [None])[0])
        area = _area(book, a1)
        sheet = area.sheet
        last = max((r for (r, c), v in sheet.cells.items() if v != ""), default=-1)
        values = body.get("values", [])
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if last >= 0:
            width = max(c for (_, c) in sheet.cells) + 1
            out["tableRange"] = Area(sheet, 0, area.left, last + 1, max(width, area.left + 1)).a1()
        # Appending is the one write that grows the grid: by the rows inserted, or to fit.
        before = (sheet.rows, sheet.columns)
        if params.get("insertDataOption", ["OVERWRITE"])[0] == "INSERT_ROWS":
            sheet.rows += len(values)
        sheet.rows = max(sheet.rows, last + 1 + len(values))
        sheet.columns = max(sheet.columns, area.left + max((len(r) for r in values), default=0))
        try:
            _within_cell_limit(book, {}, "")
        except FakeError:
            sheet.rows, sheet.columns = before
            raise
        start = f"{_quote_title(sheet.title)}!{_a1(last + 1, area.left)}"
        write = _plan_write(book, start, values, None)
        out["updates"] = {"spreadsheetId": book.spreadsheet_id, **write.apply(option)}
        return out

    def _values_clear(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        return {"spreadsheetId": book.spreadsheet_id, "clearedRange": _clear(_area(book, a1))}

    def _values_batchClear(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        return {
            "spreadsheetId": book.spreadsheet_id,
            "clearedRanges": [
                _clear(_area(book, r, f"range[{i}]")) for i, r in enumerate(body.get("ranges", []))
            ],
        }

    def _batchUpdate(self, book: Spreadsheet, method: str, params, body, a1) -> dict:
        # Requests build on each other (a grid grown, then written), so they are applied in
        # order to a copy that replaces the spreadsheet only when every one succeeded.
        work = copy.deepcopy(book)
        replies = [
            _within_cell_limit(
                work, _apply(work, request, i), f"requests[{i}].{next(iter(request))}"
            )
            for i, request in enumerate(body.get("requests", []))
        ]
        self.spreadsheets[book.spreadsheet_id] = work
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            updated = self._metadata(work, method, params, body, a1)
            if body.get("responseIncludeGridData"):
                for ranged in body.get("responseRanges", []):
                    area = _area(work, ranged)
                    entry = updated["sheets"][work.sheets.index(area.sheet)]
                    entry.setdefault("data", []).append(_grid_data(area))
            out["updatedSpreadsheet"] = updated
        return out


def fake_session(fake: SheetsFake) -> requests.Session:
    """A session whose only reachable host is the fake Sheets API."""
    session = requests.Session()
    refuse = RefusingAdapter()
    session.mount("https://", refuse)
    session.mount("http://", refuse)
    session.mount(f"https://{HOST}/", fake)
    return session


class RefusingAdapter(BaseAdapter):
    """Raises ``ForbiddenHost`` for every request: mounted for every host but the fake's."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raise ForbiddenHost(f"a test tried to reach {request.url}")

    def close(self) -> None:
        pass


# -- routing and responses -------------------------------------------------------------------


def _route(method: str, path: str) -> tuple[str, str, str | None]:
    """(spreadsheet id, call kind, A1 range or None) from a URL path, split before decoding."""
    match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(.*)", path)
    if not match:
        return "", "?", None
    spreadsheet_id, rest = match[1], match[2]
    if rest == "":
        return spreadsheet_id, "metadata", None
    if rest == ":batchUpdate":
        return spreadsheet_id, "batchUpdate", None
    if rest in {"/values:batchGet", "/values:batchUpdate", "/values:batchClear"}:
        return spreadsheet_id, rest[1:], None
    if rest.startswith("/values/"):
        encoded = rest[len("/values/") :]
        encoded, _, verb = encoded.partition(":")  # ':' inside the range is percent-encoded
        verb = verb or ("update" if method == "PUT" else "get")
        return spreadsheet_id, f"values:{verb}", unquote(encoded)
    return spreadsheet_id, "?", None


def _error_body(err: FakeError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": err.code,
        "message": err.message,
        "status": STATUS.get(err.code, ("UNKNOWN", ""))[0],
    }
    if err.reason:
        body["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": err.reason,
                "domain": "googleapis.com",
            }
        ]
    return body


def _response(
    request: requests.PreparedRequest, status: int, payload: Any, headers: dict[str, str]
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = STATUS.get(status, ("", "OK"))[1] if status != 200 else "OK"
    response._content = json.dumps(payload).encode("utf-8")
    response.headers = CaseInsensitiveDict(
        {"Content-Type": "application/json; charset=UTF-8", **headers}
    )
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    return response


# -- A1 notation -----------------------------------------------------------------------------


def _quote_title(title: str) -> str:
    return title if _PLAIN_TITLE.match(title) else "'" + title.replace("'", "''") + "'"


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _a1(row: int, col: int) -> str:
    return f"{_column_letters(col)}{row + 1}"


def _locate(book: Spreadsheet, a1: str | None) -> tuple[Sheet, str]:
    """The sheet an A1 range names, and its cell part ("" for the whole sheet)."""
    a1 = a1 or ""
    titles = {s.title for s in book.sheets}
    if a1.startswith("'"):
        end = 1
        while True:
            end = a1.index("'", end)
            if a1[end + 1 : end + 2] != "'":
                break
            end += 2
        title, rest = a1[1:end].replace("''", "'"), a1[end + 1 :]
        cells = rest[1:] if rest.startswith("!") else rest
    elif "!" in a1:
        title, _, cells = a1.rpartition("!")
    elif a1 in titles or not a1:
        title, cells = a1 or None, ""  # a bare title: the whole sheet
    else:
        title, cells = None, a1  # cells on the first sheet
    if title is not None and title not in titles:
        raise FakeError(400, f"Unable to parse range: {a1}")
    return book.sheet(title), cells


def _area(book: Spreadsheet, a1: str | None, where: str = "") -> Area:
    """The cells ``a1`` names, clipped to the grid; one that starts past the grid is refused."""
    sheet, cells = _locate(book, a1)
    if not cells:
        return Area(sheet, 0, 0, sheet.rows, sheet.columns)
    first, _, last = cells.partition(":")
    top, left = _corner(first, 0, 0)
    if top >= sheet.rows or left >= sheet.columns:
        raise _beyond_grid(sheet, cells, where)
    bottom, right = _corner(last or first, sheet.rows - 1, sheet.columns - 1)
    if not last and not re.search(r"\d", first):  # a bare column ("A")
        bottom = sheet.rows - 1
    if not last and re.fullmatch(r"\d+", first):  # a bare row ("3")
        left, right = 0, sheet.columns - 1
    return Area(
        sheet, top, left, min(bottom, sheet.rows - 1) + 1, min(right, sheet.columns - 1) + 1
    )


def _corner(cell: str, default_row: int, default_col: int) -> tuple[int, int]:
    match = _CELL.match(cell.strip())
    if not match or not (match[1] or match[2]):
        raise FakeError(400, f"Unable to parse range: {cell}")
    col = default_col
    if match[1]:
        col = 0
        for ch in match[1].upper():
            col = col * 26 + ord(ch) - 64
        col -= 1
    row = int(match[2]) - 1 if match[2] else default_row
    return row, col


# -- values ----------------------------------------------------------------------------------


def _input_option(option: str | None) -> str:
    if option not in {"RAW", "USER_ENTERED"}:
        raise FakeError(400, "'valueInputOption' is required but not specified")
    return option


def _parse_entered(value: Any) -> Any:
    """USER_ENTERED, minimally: formulas, numbers and booleans typed as text."""
    if not isinstance(value, str):
        return value
    if value.startswith("="):
        return Formula(value)
    if re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?", value.strip()):
        return float(value)
    if value.strip().upper() in {"TRUE", "FALSE"}:
        return value.strip().upper() == "TRUE"
    return value


def _put(sheet: Sheet, top: int, left: int, rows: list[list[Any]], option: str) -> int:
    """Store rows at (top, left), which the caller checked fit the grid; returns cells written."""
    written = 0
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue  # null means "leave this cell as it is"
            stored = _parse_entered(value) if option == "USER_ENTERED" else value
            if stored == "":
                sheet.cells.pop((top + r, left + c), None)
            else:
                sheet.cells[(top + r, left + c)] = stored
            written += 1
    return written


def _beyond_grid(sheet: Sheet, cells: str, where: str = "") -> FakeError:
    """Google's answer to a range that starts past the grid (``where``: ``data[0]`` ...)."""
    prefix = f"Invalid {where}: " if where else ""
    return FakeError(
        400,
        f"{prefix}Range ({_quote_title(sheet.title)}!{cells}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.columns}",
    )


@dataclass
class _Write:
    """A checked ``values`` write, applied only once every write of its batch is checked."""

    sheet: Sheet
    top: int
    left: int
    values: list[list[Any]]

    def apply(self, option: str) -> dict[str, Any]:
        sheet, top, left, values = self.sheet, self.top, self.left, self.values
        written = _put(sheet, top, left, values, option)
        height, width = len(values), max((len(r) for r in values), default=0)
        out: dict[str, Any] = {"updatedRange": f"{_quote_title(sheet.title)}!{_a1(top, left)}"}
        if height and width:
            out["updatedRange"] = Area(sheet, top, left, top + height, left + width).a1()
            out.update(updatedRows=height, updatedColumns=width, updatedCells=written)
        return out


def _plan_write(
    book: Spreadsheet, a1: str, values: list[list[Any]], major: str | None, where: str = ""
) -> _Write:
    """Check that ``values`` fit at ``a1`` (inside the grid and inside the range when it has an
    end), refusing as Google does; nothing is written yet."""
    if major == "COLUMNS":
        values = [list(col) for col in zip(*values, strict=False)]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if isinstance(value, (dict, list)):
                raise FakeError(400, f"Invalid values[{r}][{c}]: struct_value")
    sheet, cells = _locate(book, a1)
    first, _, last = cells.partition(":")
    top, left = _corner(first, 0, 0) if cells else (0, 0)
    if top >= sheet.rows or left >= sheet.columns:
        raise _beyond_grid(sheet, cells, where)
    bottom, right = sheet.rows - 1, sheet.columns - 1
    if last:
        end_row, end_col = _corner(last, bottom, right)
        bottom, right = min(bottom, end_row), min(right, end_col)
    prefix = f"Invalid {where}: " if where else ""
    last_row = top + len(values) - 1
    last_col = left + max((len(r) for r in values), default=0) - 1
    if last_row > bottom:
        raise FakeError(
            400,
            f"{prefix}Requested writing within range [{a1}], but tried writing to row "
            f"[{last_row + 1}]",
        )
    if last_col > right:
        raise FakeError(
            400,
            f"{prefix}Requested writing within range [{a1}], but tried writing to column "
            f"[{_column_letters(last_col)}]",
        )
    return _Write(sheet, top, left, values)


def _rows_of(response: dict[str, Any]) -> range:
    first, _, last = response["updatedRange"].rsplit("!", 1)[1].partition(":")
    return range(_corner(first, 0, 0)[0], _corner(last or first, 0, 0)[0] + 1)


def _cols_of(response: dict[str, Any]) -> range:
    first, _, last = response["updatedRange"].rsplit("!", 1)[1].partition(":")
    return range(_corner(first, 0, 0)[1], _corner(last or first, 0, 0)[1] + 1)


def _render(value: Any, option: str) -> Any:
    if isinstance(value, Formula):
        return value.text if option == "FORMULA" else _render(value.value(), option)
    if option in {"UNFORMATTED_VALUE", "FORMULA"}:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read(area: Area, render: Any) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for r in range(area.top, area.bottom):
        row = [area.sheet.cells.get((r, c), "") for c in range(area.left, area.right)]
        while row and row[-1] == "":
            row.pop()
        rows.append([render(v) if v != "" else "" for v in row])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _value_range(area: Area, params: dict[str, list[str]]) -> dict[str, Any]:
    option = params.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
    major = params.get("majorDimension", ["ROWS"])[0]
    rows = _read(area, lambda v: _render(v, option))
    if major == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        rows = [[r[c] if c < len(r) else "" for r in rows] for c in range(width)]
        rows = [_strip(col) for col in rows]
    out: dict[str, Any] = {"range": area.a1(), "majorDimension": major}
    if rows:
        out["values"] = rows
    return out


def _grid_data(area: Area) -> dict[str, Any]:
    """A GridData of ``area`` as ``spreadsheets.get`` with grid data answers: start row and
    column (left out when 0), a ``rowData`` per row whose ``values`` hold each cell's
    ``userEnteredValue`` and ``effectiveValue`` (an empty cell is ``{}``; trailing blanks left
    out)."""
    out: dict[str, Any] = {}
    if area.top:
        out["startRow"] = area.top
    if area.left:
        out["startColumn"] = area.left
    out["rowData"] = [
        {"values": [_cell_data(value) for value in row]} if row else {}
        for row in _read(area, lambda cell: cell)
    ]
    return out


def _cell_data(value: Any) -> dict[str, Any]:
    """A cell of grid data; error text (as tests store a formula's error) is an ``errorValue``."""
    if value == "":
        return {}
    formula = isinstance(value, Formula)
    effective = value.value() if formula else value
    entered = {"formulaValue": value.text} if formula else {_value_kind(value): value}
    if isinstance(effective, str) and effective in ERROR_TYPES:
        shown: dict[str, Any] = {"errorValue": {"type": ERROR_TYPES[effective]}}
    else:
        shown = {_value_kind(effective): effective}
    return {"userEnteredValue": entered, "effectiveValue": shown}


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolValue"
    return "numberValue" if isinstance(value, (int, float)) else "stringValue"


def _strip(cells: list[Any]) -> list[Any]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _clear(area: Area) -> str:
    for key in [
        k
        for k in area.sheet.cells
        if area.top <= k[0] < area.bottom and area.left <= k[1] < area.right
    ]:
        del area.sheet.cells[key]
    return area.a1()


# -- spreadsheet batchUpdate ------------------------------------------------------------------


def _grid(
    book: Spreadsheet, grid: dict[str, Any]
) -> tuple[Sheet, tuple[int, int | None, int, int | None]]:
    sheet = book.sheet_by_id(grid.get("sheetId", 0))
    return sheet, (
        grid.get("startRowIndex", 0),
        grid.get("endRowIndex"),
        grid.get("startColumnIndex", 0),
        grid.get("endColumnIndex"),
    )


def _grid_a1(top: int, bottom: int | None, left: int, right: int | None) -> str:
    """A GridRange (0-based, end exclusive, None = open) in A1 as Google names it: ``A1001:B``
    (open rows), ``AA1:2`` (open columns)."""
    end_col = _column_letters(right - 1) if right is not None else ""
    end_row = str(bottom) if bottom is not None else ""
    return f"{_a1(top, left)}:{end_col}{end_row}"


def _inside(
    sheet: Sheet, key: tuple[int, int | None, int, int | None], where: str
) -> tuple[int, int | None, int, int | None]:
    """A GridRange must start inside the grid (it may end past it), as Google checks."""
    top, bottom, left, right = key
    if top >= sheet.rows or left >= sheet.columns:
        raise _beyond_grid(sheet, _grid_a1(top, bottom, left, right), where)
    return key


def _apply(book: Spreadsheet, request: dict[str, Any], index: int) -> dict[str, Any]:
    """Apply request number ``index`` of a batchUpdate to ``book``; returns its reply."""
    ((kind, spec),) = request.items()
    where = f"requests[{index}].{kind}"
    if kind == "addSheet":
        props = spec.get("properties", {})
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(s.title.casefold() == title.casefold() for s in book.sheets):
            raise FakeError(
                400,
                f'Invalid {where}: A sheet with the name "{title}" already exists. Please enter '
                "another name.",
            )
        sheet_id = props.get("sheetId", max((s.sheet_id for s in book.sheets), default=0) + 1)
        if any(s.sheet_id == sheet_id for s in book.sheets):
            raise FakeError(400, f"Invalid {where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = Sheet(
            sheet_id,
            title,
            rows=grid.get("rowCount", DEFAULT_ROWS),
            columns=grid.get("columnCount", DEFAULT_COLUMNS),
            frozen_rows=grid.get("frozenRowCount", 0),
        )
        book.sheets.insert(props.get("index", len(book.sheets)), sheet)
        return {"addSheet": {"properties": sheet.properties(book.sheets.index(sheet))}}
    if kind == "deleteSheet":
        book.sheets.remove(book.sheet_by_id(spec["sheetId"]))
        return {}
    if kind == "updateSheetProperties":
        props = spec["properties"]
        sheet = book.sheet_by_id(props.get("sheetId", 0))
        fields = set(spec.get("fields", "").replace("/", ".").split(","))
        grid = props.get("gridProperties", {})
        if fields & {"title", "*"}:
            sheet.title = props["title"]
        if fields & {"gridProperties.frozenRowCount", "gridProperties", "*"}:
            sheet.frozen_rows = grid.get("frozenRowCount", 0)
        return {}
    if kind == "appendDimension":
        sheet = book.sheet_by_id(spec["sheetId"])
        if spec.get("length", 0) < 1:
            raise FakeError(400, f"Invalid {where}: length must be positive")
        if spec["dimension"] == "ROWS":
            sheet.rows += spec["length"]
        else:
            sheet.columns += spec["length"]
        return {}
    if kind == "deleteDimension":
        return _delete_rows(book, spec["range"], where)
    if kind == "updateCells":
        rows = [
            [_entered_value(cell.get("userEnteredValue")) for cell in row.get("values", [])]
            for row in spec.get("rows", [])
        ]
        height, width = len(rows), max((len(r) for r in rows), default=0)
        if "start" in spec:
            sheet = book.sheet_by_id(spec["start"].get("sheetId", 0))
            top, left = spec["start"].get("rowIndex", 0), spec["start"].get("columnIndex", 0)
            bottom, right = top + height, left + width
        else:
            sheet, key = _grid(book, spec["range"])
            top, end_row, left, end_col = _inside(sheet, key, where)
            if (end_row is not None and top + height > end_row) or (
                end_col is not None and left + width > end_col
            ):
                raise FakeError(400, f"Invalid {where}: the rows do not fit the range")
            bottom = sheet.rows if end_row is None else end_row
            right = sheet.columns if end_col is None else end_col
        # Written cells must lie inside the grid: Google never grows it for updateCells.
        if top + height > sheet.rows or left + width > sheet.columns or top >= sheet.rows:
            raise _beyond_grid(sheet, _grid_a1(top, top + height, left, left + width), where)
        fields = spec.get("fields", "")
        if not fields:
            raise FakeError(400, f"Invalid {where}: At least one field must be specified.")
        if "userEnteredValue" in fields.split(",") or fields == "*":
            if "range" in spec:  # cells of the range the rows do not cover are cleared
                _clear(Area(sheet, top, left, min(bottom, sheet.rows), min(right, sheet.columns)))
            _put(sheet, top, left, rows, "RAW")
        if "userEnteredFormat" in fields or fields == "*":
            sheet.formats.append(request)
        return {}
    if kind in {"repeatCell", "copyPaste"}:
        ranges = [spec["range"]] if kind == "repeatCell" else [spec["source"], spec["destination"]]
        for grid in ranges:
            _inside(*_grid(book, grid), where)
        if kind == "copyPaste" and spec.get("pasteType") != "PASTE_FORMAT":
            raise FakeError(400, f"Invalid {where}: the fake copies formats only")
        _grid(book, ranges[-1])[0].formats.append(request)
        return {}
    if kind == "updateDimensionProperties":
        grid = spec.get("range", {})
        book.sheet_by_id(grid.get("sheetId", 0)).formats.append(request)
        return {}
    if kind == "setDataValidation":
        sheet, key = _grid(book, spec["range"])
        if spec.get("rule") is None:
            sheet.validations.pop(key, None)
        else:
            sheet.validations[key] = spec["rule"]
        return {}
    if kind == "addProtectedRange":
        protected = copy.deepcopy(spec["protectedRange"])
        sheet, _ = _grid(book, protected["range"])
        protected["protectedRangeId"] = book.next_protected_id
        protected.setdefault("requestingUserCanEdit", True)
        book.next_protected_id += 1
        sheet.protected.append(protected)
        return {"addProtectedRange": {"protectedRange": protected}}
    if kind in LOOK_REQUESTS:
        return LOOK_REQUESTS[kind](book, spec, where)
    raise FakeError(400, f"Invalid requests[{index}]: the fake does not support {kind}")


def _delete_rows(book: Spreadsheet, bounds: dict[str, Any], where: str) -> dict[str, Any]:
    """``deleteDimension`` of rows as the Sheets API reference describes it: the rows
    ``startIndex`` to ``endIndex - 1`` go, the cells below move up, the grid shrinks, and every
    range on the sheet (frozen rows, filter, colour rules, protected ranges, chart sources)
    closes up. Its reply is ``{}`` (gspread's recorded ``test_delete_row``: ``"replies": [{}]``).
    A range past the grid is refused in Google's grid-limit words; deleting every row that is not
    frozen is refused with Google's sentence for it."""
    sheet = book.sheet_by_id(bounds.get("sheetId", 0))
    if bounds.get("dimension") != "ROWS":
        raise FakeError(400, f"Invalid {where}: the fake deletes rows only")
    first, end = bounds.get("startIndex", 0), bounds.get("endIndex", sheet.rows)
    if not 0 <= first < end:
        raise FakeError(400, f"Invalid {where}: startIndex must be less than endIndex")
    if end > sheet.rows:
        raise _beyond_grid(sheet, _grid_a1(first, end, 0, sheet.columns), where)

    def moved(index: int) -> int:
        return index if index <= first else max(first, index - (end - first))

    frozen = moved(sheet.frozen_rows)
    if sheet.rows - (end - first) <= frozen:
        raise FakeError(
            400, f"Invalid {where}: Sorry, it is not possible to delete all non-frozen rows."
        )
    sheet.cells = {
        (row if row < first else row - (end - first), col): value
        for (row, col), value in sheet.cells.items()
        if not first <= row < end
    }
    sheet.rows, sheet.frozen_rows = sheet.rows - (end - first), frozen
    ranges = [rule_range for rule in sheet.conditional_formats for rule_range in rule["ranges"]]
    ranges += [p["range"] for p in sheet.protected]
    ranges += [sheet.basic_filter["range"]] if sheet.basic_filter else []
    ranges += [
        grid
        for other in book.sheets
        for chart in other.charts
        for part in _chart_parts(chart["spec"])
        for grid in part["sourceRange"]["sources"]
        if grid.get("sheetId", 0) == sheet.sheet_id
    ]
    for grid in ranges:
        for edge in ("startRowIndex", "endRowIndex"):
            if edge in grid:
                grid[edge] = moved(grid[edge])
    return {}


def _within_cell_limit(book: Spreadsheet, reply: dict[str, Any], where: str) -> dict[str, Any]:
    """Google refuses to grow a spreadsheet past 10 million cells (all tabs together)."""
    if sum(sheet.rows * sheet.columns for sheet in book.sheets) > CELL_LIMIT:
        prefix = f"Invalid {where}: " if where else ""
        raise FakeError(
            400,
            f"{prefix}This action would increase the number of cells in the workbook above the "
            f"limit of {CELL_LIMIT} cells.",
        )
    return reply


def _entered_value(value: dict[str, Any] | None) -> Any:
    if not value:
        return ""
    ((kind, raw),) = value.items()
    return Formula(raw) if kind == "formulaValue" else raw


# -- the look of a sheet: conditional formats, filter, charts ----------------------------------


def _stored_range(grid: dict[str, Any]) -> dict[str, Any]:
    """A GridRange as Google stores and returns it: sheet id 0 left out (it is the default)."""
    return {k: v for k, v in grid.items() if not (k == "sheetId" and v == 0)}


def _with_styles(cell_format: dict[str, Any]) -> dict[str, Any]:
    """A conditional format as Google returns it: each colour also as a ``...Style``."""
    out = copy.deepcopy(cell_format)
    if "backgroundColor" in out:
        out["backgroundColorStyle"] = {"rgbColor": out["backgroundColor"]}
    text = out.get("textFormat", {})
    if "foregroundColor" in text:
        text["foregroundColorStyle"] = {"rgbColor": text["foregroundColor"]}
    return out


def _checked_rule(book: Spreadsheet, rule: dict[str, Any], where: str) -> tuple[Sheet, dict]:
    """A ConditionalFormatRule checked as Google does, and the sheet its ranges lie on."""
    ranges = rule.get("ranges") or []
    if not ranges:
        raise FakeError(400, f"Invalid {where}: ranges must not be empty")
    sheets = {book.sheet_by_id(r.get("sheetId", 0)).sheet_id for r in ranges}
    if len(sheets) != 1:
        raise FakeError(400, f"Invalid {where}: all ranges must be on the same sheet")
    for grid in ranges:
        _inside(*_grid(book, grid), where)
    boolean = rule.get("booleanRule")
    if boolean is None or "gradientRule" in rule:
        raise FakeError(400, f"Invalid {where}: the fake supports one booleanRule per rule")
    condition = boolean.get("condition", {})
    values = condition.get("values", [])
    if condition.get("type") not in {"TEXT_EQ", "CUSTOM_FORMULA"} or len(values) != 1:
        raise FakeError(400, f"Invalid {where}: the fake supports TEXT_EQ and CUSTOM_FORMULA")
    if condition["type"] == "CUSTOM_FORMULA" and not values[0]["userEnteredValue"].startswith("="):
        raise FakeError(400, f"Invalid {where}: a custom formula must start with '='")
    stored = {
        "ranges": [_stored_range(r) for r in ranges],
        "booleanRule": {
            "condition": copy.deepcopy(condition),
            "format": _with_styles(boolean.get("format", {})),
        },
    }
    return book.sheet_by_id(sheets.pop()), stored


def _add_conditional_format_rule(book: Spreadsheet, spec: dict[str, Any], where: str) -> dict:
    sheet, rule = _checked_rule(book, spec["rule"], where)
    index = spec.get("index", 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise FakeError(400, f"Invalid {where}: index {index} is out of range")
    sheet.conditional_formats.insert(index, rule)
    return {}


def _update_conditional_format_rule(book: Spreadsheet, spec: dict[str, Any], where: str) -> dict:
    sheet = book.sheet_by_id(spec.get("sheetId", 0))
    index = spec.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise FakeError(400, f"Invalid {where}: no conditional format at index {index}")
    _, rule = _checked_rule(book, spec["rule"], where)
    old = sheet.conditional_formats[index]
    sheet.conditional_formats[index] = rule
    return {
        "updateConditionalFormatRule": {
            "newRule": rule,
            "oldRule": old,
            "newIndex": index,
            "oldIndex": index,
        }
    }


def _set_basic_filter(book: Spreadsheet, spec: dict[str, Any], where: str) -> dict:
    """The filter's range is kept with explicit ends, clipped to the grid, as Google keeps it."""
    basic = copy.deepcopy(spec["filter"])
    sheet, key = _grid(book, basic["range"])
    top, bottom, left, right = _inside(sheet, key, where)
    bounds = {"sheetId": sheet.sheet_id}
    bounds.update(
        startRowIndex=top,
        endRowIndex=min(sheet.rows if bottom is None else bottom, sheet.rows),
        startColumnIndex=left,
        endColumnIndex=min(sheet.columns if right is None else right, sheet.columns),
    )
    basic["range"] = _stored_range(bounds)
    sheet.basic_filter = basic
    return {}


def _chart_sources(book: Spreadsheet, spec: dict[str, Any], where: str) -> None:
    """Every domain and series of a basic chart: one column wide, on a sheet that exists."""
    if spec.get("basicChart") is None:
        raise FakeError(400, f"Invalid {where}: the fake supports basicChart only")
    for part in _chart_parts(spec):
        for grid in part["sourceRange"]["sources"]:
            sheet, key = _grid(book, grid)
            _, _, left, right = _inside(sheet, key, where)
            if right is None or right - left != 1:
                raise FakeError(
                    400,
                    f"Invalid {where}: exactly one dimension of a chart's source range must "
                    "have a length of 1",
                )


def _chart_parts(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The domains and series of a basic chart (each has a ``sourceRange``)."""
    basic = spec.get("basicChart", {})
    return [d["domain"] for d in basic.get("domains", [])] + [
        s["series"] for s in basic.get("series", [])
    ]


def _add_chart(book: Spreadsheet, spec: dict[str, Any], where: str) -> dict:
    chart = copy.deepcopy(spec["chart"])
    _chart_sources(book, chart["spec"], where)
    anchor = chart["position"]["overlayPosition"]["anchorCell"]
    sheet = book.sheet_by_id(anchor.get("sheetId", 0))
    if anchor.get("rowIndex", 0) >= sheet.rows or anchor.get("columnIndex", 0) >= sheet.columns:
        raise FakeError(400, f"Invalid {where}: the anchor cell lies outside the grid")
    if "chartId" not in chart:
        chart = {"chartId": book.next_chart_id, **chart}
        book.next_chart_id += 1
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _update_chart_spec(book: Spreadsheet, spec: dict[str, Any], where: str) -> dict:
    _chart_sources(book, spec["spec"], where)
    for sheet in book.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == spec["chartId"]:
                chart["spec"] = copy.deepcopy(spec["spec"])
                return {}
    raise FakeError(400, f"Invalid {where}: No chart with id: {spec['chartId']}")


LOOK_REQUESTS = {
    "addConditionalFormatRule": _add_conditional_format_rule,
    "updateConditionalFormatRule": _update_conditional_format_rule,
    "setBasicFilter": _set_basic_filter,
    "addChart": _add_chart,
    "updateChartSpec": _update_chart_spec,
}
