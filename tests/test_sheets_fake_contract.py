"""The Sheets fake answers like Google: recorded requests replayed, responses compared.

The recordings are gspread's own vcrpy cassettes (MIT), read from ``shared/`` beside the clone and
never copied into the project. Each recording starts by creating a spreadsheet through the Drive
API; the fake is given that spreadsheet (its id and name, one empty ``Sheet1`` in the recording
account's time zone) and then every Sheets request is replayed in order. Responses must match in
status, JSON keys and value types, and in value wherever the fake holds the same data. Only ids
that Google picks at random (``sheetId`` of an added sheet) are compared by type, and they are
mapped so later requests in the recording address the fake's sheet. Metadata may omit the
formatting defaults Google adds (``defaultFormat``, ``spreadsheetTheme``), but nothing the fake
returns may be missing from Google's answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from gspread.exceptions import APIError

from tests.sheets_fake import HOST, SheetsFake, fake_session

CASSETTES = Path(__file__).resolve().parents[2] / "shared/fixtures/gspread_cassettes"
# Each test skips (and fails under CI=true, see conftest) where the recordings are absent.
pytestmark = pytest.mark.skipif(
    not CASSETTES.is_dir(),
    reason=f"the recorded Google responses are not at {CASSETTES} (shared/ lies beside the clone)",
)

RECORDINGS = [
    "ClientTest.test_access_non_existing_spreadsheet.json",
    "SpreadsheetTest.test_values_batch_get.json",
    "WorksheetTest.test_append_row.json",
    "WorksheetTest.test_batch_get.json",
    "WorksheetTest.test_batch_update.json",
]
RANDOM_IDS = {"sheetId"}
RECORDING_TIME_ZONE = "Etc/GMT"


@pytest.mark.parametrize("name", RECORDINGS)
def test_fake_answers_like_the_recorded_google_responses(name: str) -> None:
    interactions = json.loads((CASSETTES / name).read_text(encoding="utf-8"))["interactions"]
    fake = SheetsFake()
    session = fake_session(fake)
    sheet_ids: dict[int, int] = {}  # Google's random sheetId -> the fake's
    compared = 0
    for interaction in interactions:
        request, recorded = interaction["request"], interaction["response"]
        if HOST not in request["uri"]:
            created = _drive_created_spreadsheet(request, recorded)
            if created:
                fake.add_spreadsheet(
                    created["id"], title=created["name"], time_zone=RECORDING_TIME_ZONE
                )
            continue
        body = _replace_ids(json.loads(request["body"]), sheet_ids) if request["body"] else None
        answer = session.request(request["method"], request["uri"], json=body)
        real = json.loads(recorded["body"]["string"])

        assert answer.status_code == recorded["status"]["code"], request["uri"]
        _assert_matches(answer.json(), real, where=request["uri"], subset=_is_metadata(request))
        if not answer.ok:
            assert str(APIError(answer)) == str(APIError(_as_response(recorded)))
        _learn_ids(answer.json(), real, sheet_ids)
        compared += 1
    assert compared >= 6, "the recording should exercise the Sheets API"


def test_metadata_has_what_gspread_and_the_backend_read() -> None:
    fake = SheetsFake()
    fake.add_spreadsheet("k", title="Kinerja", tabs={"Pegawai": [["NIP"]]})
    meta = fake_session(fake).get(f"https://{HOST}/v4/spreadsheets/k?includeGridData=false").json()
    assert meta["spreadsheetId"] == "k"
    assert meta["properties"]["title"] == "Kinerja"
    assert set(meta["sheets"][0]["properties"]) >= {"sheetId", "title", "index", "gridProperties"}


def test_writes_stay_inside_the_grid_google_made_and_fail_in_its_error_shape() -> None:
    """The recording's addSheet asks for a 10 x 10 grid and Google's reply says so. Writes past
    that grid are refused in the shape of Google's recorded errors, with Google's wording (not
    in these recordings: ``Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max
    columns: 26`` is what gspread users report from Google), and a refused batch changes
    nothing."""
    interactions = json.loads(
        (CASSETTES / "SpreadsheetTest.test_values_batch_get.json").read_text(encoding="utf-8")
    )["interactions"]
    created = next(
        _drive_created_spreadsheet(i["request"], i["response"])
        for i in interactions
        if HOST not in i["request"]["uri"]
    )
    add_sheet = next(i for i in interactions if i["request"]["uri"].endswith(":batchUpdate"))
    fake = SheetsFake()
    fake.add_spreadsheet(created["id"], title=created["name"], time_zone=RECORDING_TIME_ZONE)
    session = fake_session(fake)
    book = f"https://{HOST}/v4/spreadsheets/{created['id']}"
    reply = session.post(add_sheet["request"]["uri"], json=json.loads(add_sheet["request"]["body"]))
    recorded = json.loads(add_sheet["response"]["body"]["string"])
    _assert_matches(reply.json(), recorded, where="addSheet", subset=False)
    sheet_id = reply.json()["replies"][0]["addSheet"]["properties"]["sheetId"]
    title = "'🌵 test_values_batch_get 1'"

    ok = session.put(
        f"{book}/values/{title}!J10", params={"valueInputOption": "RAW"}, json={"values": [["z"]]}
    )
    assert ok.status_code == 200
    past = session.put(
        f"{book}/values/{title}!A11", params={"valueInputOption": "RAW"}, json={"values": [["x"]]}
    )
    assert past.status_code == 400
    assert past.json()["error"] == {
        "code": 400,
        "message": f"Range ({title}!A11) exceeds grid limits. Max rows: 10, max columns: 10",
        "status": "INVALID_ARGUMENT",
    }
    assert past.json().keys() == _recorded_error().keys()
    assert past.json()["error"].keys() == _recorded_error()["error"].keys()

    running_over = session.post(
        f"{book}/values:batchUpdate",
        json={
            "valueInputOption": "RAW",
            "data": [
                {"range": f"{title}!A1", "values": [["a"]]},
                {"range": f"{title}!A9", "values": [["b"], ["c"], ["d"]]},
            ],
        },
    )
    assert running_over.status_code == 400
    assert running_over.json()["error"]["message"] == (
        f"Invalid data[1]: Requested writing within range [{title}!A9], but tried writing to "
        "row [11]"
    )
    cells = session.post(
        f"{book}:batchUpdate",
        json={
            "requests": [
                {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": 1}},
                {
                    "updateCells": {
                        "range": {"sheetId": sheet_id},
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "e"}}]}] * 12,
                        "fields": "userEnteredValue",
                    }
                },
            ]
        },
    )
    assert cells.status_code == 400
    assert cells.json()["error"]["message"] == (
        f"Invalid requests[1].updateCells: Range ({title}!A1:A12) exceeds grid limits. "
        "Max rows: 11, max columns: 10"
    )
    # neither refused batch wrote anything, nor grew the grid
    values = fake.values(created["id"], "🌵 test_values_batch_get 1")
    assert values == [[]] * 9 + [["", "", "", "", "", "", "", "", "", "z"]]
    assert fake.sheet(created["id"], "🌵 test_values_batch_get 1").rows == 10


def test_the_look_shows_in_the_metadata_as_google_shows_it() -> None:
    """No shared recording sets a filter, a colour rule or a chart, so the shapes come from
    gspread's other recordings of Google (``test_basic_filters``: a filter over the whole sheet
    comes back with its ends made explicit and sheet id 0 left out; ``test_freeze``: the frozen
    rows sit in ``gridProperties``, set with gspread's ``gridProperties/frozenRowCount``) and from
    the Sheets API reference (``conditionalFormats``, ``charts`` with the ``chartId`` Google
    picks, on the sheet of the anchor cell)."""
    fake = SheetsFake()
    fake.add_spreadsheet("k", tabs={"Sheet1": [], "Data": [["Minggu", "Nilai"], ["W1", 1]]})
    fake.sheet("k", "Sheet1").resize(rows=20, columns=20)
    session = fake_session(fake)
    book = f"https://{HOST}/v4/spreadsheets/k"
    rule = {
        "ranges": [
            {"sheetId": 1000, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}
        ],
        "booleanRule": {
            "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Kurang"}]},
            "format": {"backgroundColor": {"red": 1.0}},
        },
    }
    column = {"sheetId": 1000, "startRowIndex": 0, "endRowIndex": 1000}
    chart = {
        "spec": {
            "title": "Nilai",
            "basicChart": {
                "chartType": "LINE",
                "domains": [
                    {
                        "domain": {
                            "sourceRange": {
                                "sources": [{**column, "startColumnIndex": 0, "endColumnIndex": 1}]
                            }
                        }
                    }
                ],
                "series": [
                    {
                        "series": {
                            "sourceRange": {
                                "sources": [{**column, "startColumnIndex": 1, "endColumnIndex": 2}]
                            }
                        }
                    }
                ],
                "headerCount": 1,
            },
        },
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 1}}},
    }
    frozen = {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}}
    reply = session.post(
        f"{book}:batchUpdate",
        json={
            "requests": [
                {"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}},
                {
                    "updateSheetProperties": {
                        "properties": frozen,
                        "fields": "gridProperties/frozenRowCount",
                    }
                },
                {"addConditionalFormatRule": {"rule": rule, "index": 0}},
                {"addChart": {"chart": chart}},
            ]
        },
    ).json()

    added = reply["replies"][3]["addChart"]["chart"]
    assert reply["replies"][:3] == [{}, {}, {}]
    assert isinstance(added["chartId"], int) and added["spec"] == chart["spec"]
    sheets = session.get(book, params={"includeGridData": "false"}).json()["sheets"]
    assert sheets[0]["basicFilter"] == {
        "range": {
            "startRowIndex": 0,
            "endRowIndex": 20,
            "startColumnIndex": 0,
            "endColumnIndex": 20,
        }
    }
    assert sheets[0]["properties"]["gridProperties"] == {
        "rowCount": 20,
        "columnCount": 20,
        "frozenRowCount": 1,
    }
    assert sheets[0]["charts"] == [added]
    (held,) = sheets[1]["conditionalFormats"]
    assert (
        held["ranges"] == rule["ranges"]
        and held["booleanRule"]["condition"] == (rule["booleanRule"]["condition"])
    )
    assert held["booleanRule"]["format"]["backgroundColorStyle"] == {"rgbColor": {"red": 1.0}}
    assert "charts" not in sheets[1] and "basicFilter" not in sheets[1]


def test_rows_are_deleted_as_google_deletes_them() -> None:
    """No shared recording deletes rows; gspread's recorded ``test_delete_row`` (upstream
    ``tests/cassettes/WorksheetTest.test_delete_row.json``) sends ``deleteDimension`` over
    ``startIndex`` 1 to ``endIndex`` 2 and Google answers ``{"spreadsheetId": ..., "replies":
    [{}]}``, then reads the third row's values in row 2. The Sheets API reference says the rest:
    the grid shrinks and ranges close up; deleting every non-frozen row is refused (Google's
    sentence as users report it)."""
    fake = SheetsFake()
    rows = [[f"test_delete_row {10 * r + c}" for c in range(1, 11)] for r in range(4)]
    fake.add_spreadsheet("k", tabs={"Sheet1": rows})
    session = fake_session(fake)
    book = f"https://{HOST}/v4/spreadsheets/k"
    whole = {"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}}
    frozen = {"properties": {"gridProperties": {"frozenRowCount": 1}}, "fields": "gridProperties"}
    session.post(
        f"{book}:batchUpdate", json={"requests": [whole, {"updateSheetProperties": frozen}]}
    )
    second = {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    reply = session.post(
        f"{book}:batchUpdate", json={"requests": [{"deleteDimension": {"range": second}}]}
    )
    assert reply.json() == {"spreadsheetId": "k", "replies": [{}]}
    assert fake.values("k", "Sheet1") == [rows[0], rows[2], rows[3]]
    sheet = fake.sheet("k", "Sheet1")
    assert (sheet.rows, sheet.frozen_rows) == (999, 1)
    assert sheet.basic_filter["range"]["endRowIndex"] == 999
    every = {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 999}
    refused = session.post(
        f"{book}:batchUpdate", json={"requests": [{"deleteDimension": {"range": every}}]}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "Invalid requests[0].deleteDimension: Sorry, it is not possible to delete all non-frozen "
        "rows."
    )
    past = {**every, "endIndex": 1001}
    refused = session.post(
        f"{book}:batchUpdate", json={"requests": [{"deleteDimension": {"range": past}}]}
    )
    assert refused.json()["error"]["message"].startswith(
        "Invalid requests[0].deleteDimension: Range (Sheet1!A2:Z1001) exceeds grid limits."
    )
    assert fake.values("k", "Sheet1") == [rows[0], rows[2], rows[3]]


# -- helpers ---------------------------------------------------------------------------------


def _recorded_error() -> dict:
    """Google's recorded answer for a spreadsheet that does not exist."""
    interactions = json.loads(
        (CASSETTES / "ClientTest.test_access_non_existing_spreadsheet.json").read_text(
            encoding="utf-8"
        )
    )["interactions"]
    failed = next(i for i in interactions if i["response"]["status"]["code"] == 404)
    return json.loads(failed["response"]["body"]["string"])


def _drive_created_spreadsheet(request: dict, recorded: dict) -> dict | None:
    """The Drive API's answer to "create a spreadsheet", which sets up the recording's state."""
    if request["method"] != "POST" or not request["uri"].startswith(
        "https://www.googleapis.com/drive/v3/files"
    ):
        return None
    return json.loads(recorded["body"]["string"])


def _is_metadata(request: dict) -> bool:
    return request["method"] == "GET" and "/values" not in request["uri"].split("?")[0]


def _assert_matches(fake: Any, real: Any, *, where: str, subset: bool, key: str = "") -> None:
    if isinstance(real, dict):
        assert isinstance(fake, dict), f"{where}: {key} should be an object"
        if subset:
            assert fake.keys() <= real.keys(), (
                f"{where}: {key} has keys Google never sends: {fake.keys() - real.keys()}"
            )
        else:
            assert fake.keys() == real.keys(), (
                f"{where}: {key} keys {sorted(fake)} != {sorted(real)}"
            )
        for k in fake:
            _assert_matches(fake[k], real[k], where=where, subset=subset, key=k)
    elif isinstance(real, list):
        assert isinstance(fake, list) and len(fake) == len(real), f"{where}: {key} {fake} != {real}"
        for f, r in zip(fake, real, strict=True):
            _assert_matches(f, r, where=where, subset=subset, key=key)
    elif key in RANDOM_IDS:
        assert type(fake) is type(real), f"{where}: {key} type"
    else:
        assert (type(fake), fake) == (type(real), real), f"{where}: {key} {fake!r} != {real!r}"


def _learn_ids(fake: Any, real: Any, ids: dict[int, int]) -> None:
    if isinstance(real, dict) and isinstance(fake, dict):
        for k in real.keys() & fake.keys():
            if k in RANDOM_IDS:
                ids[real[k]] = fake[k]
            else:
                _learn_ids(fake[k], real[k], ids)
    elif isinstance(real, list) and isinstance(fake, list):
        for f, r in zip(fake, real, strict=False):
            _learn_ids(f, r, ids)


def _replace_ids(body: Any, ids: dict[int, int]) -> Any:
    if isinstance(body, dict):
        return {
            k: ids.get(v, v) if k in RANDOM_IDS else _replace_ids(v, ids) for k, v in body.items()
        }
    if isinstance(body, list):
        return [_replace_ids(v, ids) for v in body]
    return body


def _as_response(recorded: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = recorded["status"]["code"]
    response._content = recorded["body"]["string"].encode("utf-8")
    return response
