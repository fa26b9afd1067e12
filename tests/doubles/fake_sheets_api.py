"""A test double for the Google Sheets v4 REST API: a small HTTP server on 127.0.0.1.

Stands in for the endpoints gspread 6.x calls for shopbook:
- `GET  /v4/spreadsheets/{id}` — metadata (properties, sheets' properties); with `ranges` and a
  `fields` mask that asks for `data`, the notes in those ranges (`rowData.values.note`);
- `GET  /v4/spreadsheets/{id}/values:batchGet` — values of whole sheets (`ranges='Title'`), trailing
  empty rows/cells trimmed, rendered as Google renders them (the real answers are recorded in
  tests/fixtures/google_sheets/): `valueRenderOption` FORMATTED_VALUE (the default: every value as
  the text the cell shows, by its number format), UNFORMATTED_VALUE (numbers as JSON numbers) or
  FORMULA (a formula's text); `dateTimeRenderOption` SERIAL_NUMBER (the default: a date as days since
  1899-12-30) or FORMATTED_STRING (as the cell's date pattern shows it, e.g. `M/d/yyyy H:mm:ss`
  gives `10/3/2026 9:30:00`). Each cell's number format is kept per cell (`sheet.formats`); a date
  written without one gets the spreadsheet locale's default (`yyyy-MM-dd HH:mm:ss` style);
- `POST /v4/spreadsheets/{id}:batchUpdate` — repeatCell (background colour), updateCells
  (userEnteredValue string/number/bool/formula, note, bold, background; refused past the grid
  size, as Sheets does), appendDimension, addSheet, deleteSheet, updateDimensionProperties;
  applied atomically (all or nothing, 400 on a bad request);
- `POST /v4/spreadsheets/{id}/values:batchUpdate` — `valueInputOption` RAW only (USER_ENTERED would
  parse text as Google does, which the fake does not: refused, so shopbook never relies on it):
  each range's rows written from its top-left cell, JSON null leaving a cell as it is, "" clearing
  it, text stored as text (never a formula), refused past the grid size; atomic too.

It records every request (`server.log`) and can answer the next N requests with an error status
(`server.fail_next(429, times=3)`) to exercise quota handling.

`loopback_client(server)` gives a `gspread.Client` whose HTTP client is a subclass of shopbook's
`SheetsHTTPClient`, rewriting `https://sheets.googleapis.com` to this server (gspread has no
base-URL setting) and never sleeping between retries.

Not emulated: authentication, the Drive API, A1 ranges other than whole sheets and rectangular
boxes, number-format patterns beyond dates/times and plain numbers, formula evaluation (a HYPERLINK
formula reads as its label; any other reads as the result a test set in `sheet.results`, else
empty — Google gives the computed value), conditional formats, protected ranges, the real quota
clock, payload size limits.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOGLE = "https://sheets.googleapis.com"
_HYPERLINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*"\s*,\s*"(?P<label>(?:[^"]|"")*)"\)$', re.I)
_BOX = re.compile(r"^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _letters(index: int) -> str:
    out, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def split_range(text: str) -> tuple[str, tuple[int, int, int, int] | None]:
    """"'My sheet'!B2:C5" -> ("My sheet", (1, 1, 4, 2)) as 0-based inclusive row/col; whole sheet -> None box."""
    if "!" in text:
        title, box = text.rsplit("!", 1)
    else:
        title, box = text, ""
    if title.startswith("'") and title.endswith("'"):
        title = title[1:-1].replace("''", "'")
    if not box:
        return title, None
    hit = _BOX.match(box)
    r1, c1 = int(hit.group(2)) - 1, _col(hit.group(1))
    r2, c2 = (int(hit.group(4)) - 1, _col(hit.group(3))) if hit.group(3) else (r1, c1)
    return title, (r1, c1, r2, c2)


class FakeSheet:
    def __init__(self, sheet_id: int, title: str, rows: int = 1000, columns: int = 26):
        self.sheet_id, self.title, self.rows, self.columns = sheet_id, title, rows, columns
        self.sheet_type = "GRID"  # "OBJECT" for a chart sheet: no cells
        self.frozen_rows = 0
        self.values: dict[tuple[int, int], object] = {}  # 0-based (row, col) -> str/float/bool/date
        self.formulas: dict[tuple[int, int], str] = {}
        self.results: dict[tuple[int, int], object] = {}  # what Google computed for a formula cell
        self.formats: dict[tuple[int, int], tuple[str, str]] = {}  # numberFormat (type, pattern)
        self.notes: dict[tuple[int, int], str] = {}
        self.colours: dict[tuple[int, int], tuple[float, float, float]] = {}
        self.bold: set[tuple[int, int]] = set()
        self.pixel_widths: dict[int, int] = {}

    def fill_rows(self, rows: list[list[object]], top: int = 0, left: int = 0) -> None:
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    self.values[(top + r, left + c)] = value
        self.rows = max(self.rows, top + len(rows))
        self.columns = max([self.columns, *(left + len(row) for row in rows)])

    def read(self, r: int, c: int) -> object:
        if (r, c) in self.formulas:
            hit = _HYPERLINK.match(self.formulas[(r, c)])
            return hit.group("label").replace('""', '"') if hit else self.results.get((r, c), "")
        return self.values.get((r, c), "")

    def set_format(self, a1: str, kind: str, pattern: str) -> None:
        """Give cells a number format, e.g. ("DATE_TIME", "M/d/yyyy H:mm:ss") as an en_US sheet shows dates."""
        _, (r1, c1, r2, c2) = split_range("x!" + a1)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.formats[(r, c)] = (kind, pattern)

    def number_format(self, r: int, c: int) -> tuple[str, str] | None:
        if (r, c) in self.formats:
            return self.formats[(r, c)]
        value = self.read(r, c)
        if isinstance(value, dt.datetime):
            return DEFAULT_FORMATS["DATE_TIME"]
        if isinstance(value, dt.date):
            return DEFAULT_FORMATS["DATE"]
        if isinstance(value, dt.time):
            return DEFAULT_FORMATS["TIME"]
        return None

    def colour_at(self, a1: str) -> tuple[int, int, int] | None:
        _, (r, c, _, _) = split_range("x!" + a1)
        found = self.colours.get((r, c))
        return tuple(round(x * 255) for x in found) if found else None

    def at(self, a1: str) -> object:
        _, (r, c, _, _) = split_range("x!" + a1)
        return self.read(r, c)

    def grid_values(self, value_option: str = "FORMATTED_VALUE", date_option: str = "SERIAL_NUMBER") -> list[list[object]]:
        keys = list(self.values) + list(self.formulas)
        if not keys:
            return []
        widths: dict[int, int] = {}  # row -> its last used column + 1, in one pass (a 10k-row sheet stays fast)
        for r, c in keys:
            widths[r] = max(widths.get(r, 0), c + 1)
        return [[self.render(r, c, value_option, date_option) for c in range(widths.get(r, 0))]
                for r in range(max(widths) + 1)]

    def render(self, r: int, c: int, value_option: str, date_option: str) -> object:
        """One cell as values:batchGet sends it for these render options."""
        if value_option not in VALUE_OPTIONS or date_option not in DATE_OPTIONS:
            raise BadRequest(f"Invalid render option {value_option!r}/{date_option!r}")
        if value_option == "FORMULA" and (r, c) in self.formulas:
            return self.formulas[(r, c)]
        value, fmt = self.read(r, c), self.number_format(r, c)
        if isinstance(value, (dt.date, dt.time)):
            if value_option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
                return format_date(value, fmt[1])
            return _json_number(serial(value))
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if value_option == "FORMATTED_VALUE" else value
        if isinstance(value, (int, float)):
            return _shown_number(value) if value_option == "FORMATTED_VALUE" else _json_number(value)
        return value


VALUE_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
DEFAULT_FORMATS = {"DATE_TIME": ("DATE_TIME", "yyyy-MM-dd H:mm:ss"), "DATE": ("DATE", "yyyy-MM-dd"),
                   "TIME": ("TIME", "H:mm:ss")}
_SERIAL_EPOCH = dt.datetime(1899, 12, 30)
_DATE_TOKENS = re.compile(r"yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|am/pm|AM/PM")


def serial(value: dt.date | dt.time) -> float:
    """Google's (and Excel's) serial number: days since 1899-12-30, the time as the fraction."""
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    return (moment - _SERIAL_EPOCH).total_seconds() / 86400


def format_date(value: dt.date | dt.time, pattern: str) -> str:
    """A date/time shown by a Sheets date pattern (`M/d/yyyy H:mm:ss`, `yyyy年M月d日`)."""
    if isinstance(value, dt.time):
        value = dt.datetime.combine(_SERIAL_EPOCH.date(), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    hour12 = value.hour % 12 or 12
    parts = {"yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}", "MM": f"{value.month:02d}",
             "M": str(value.month), "dd": f"{value.day:02d}", "d": str(value.day), "HH": f"{value.hour:02d}",
             "H": str(value.hour), "hh": f"{hour12:02d}", "h": str(hour12), "mm": f"{value.minute:02d}",
             "m": str(value.minute), "ss": f"{value.second:02d}", "s": str(value.second),
             "am/pm": "am" if value.hour < 12 else "pm", "AM/PM": "AM" if value.hour < 12 else "PM"}
    return _DATE_TOKENS.sub(lambda hit: parts[hit.group(0)], pattern)


def _json_number(value: float) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON has no float/int distinction the API keeps: 5.0 is sent as 5
    return value


def _shown_number(value: float) -> str:
    return str(_json_number(float(value)))


class FakeSpreadsheet:
    def __init__(self, key: str = "fake-key", title: str = "店铺订单"):
        self.key, self.title = key, title
        self.sheets: list[FakeSheet] = []

    def add_sheet(self, title: str, rows: list[list[object]] | None = None, columns: int = 26) -> FakeSheet:
        sheet = FakeSheet(max((s.sheet_id for s in self.sheets), default=0) + 101, title, columns=columns)
        self.sheets.append(sheet)
        if rows:
            sheet.fill_rows(rows)
        return sheet

    def sheet(self, title: str) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def by_id(self, sheet_id: int) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise BadRequest(f"No grid with id: {sheet_id}")

    def metadata(self) -> dict:
        return {"spreadsheetId": self.key, "properties": {"title": self.title, "locale": "zh_CN", "timeZone": "Asia/Shanghai"},
                "sheets": [{"properties": {"sheetId": s.sheet_id, "title": s.title, "index": i, "sheetType": s.sheet_type,
                                           "gridProperties": {"rowCount": s.rows, "columnCount": s.columns,
                                                              "frozenRowCount": s.frozen_rows}}}
                           for i, s in enumerate(self.sheets)],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit"}


class BadRequest(Exception):
    pass


def _cell_value(extended: dict) -> tuple[object, str | None]:
    if "stringValue" in extended:
        return extended["stringValue"], None
    if "numberValue" in extended:
        return float(extended["numberValue"]), None
    if "boolValue" in extended:
        return bool(extended["boolValue"]), None
    if "formulaValue" in extended:
        return None, extended["formulaValue"]
    return None, None


def _apply(book: FakeSpreadsheet, request: dict) -> None:
    (kind, body), = request.items()
    if kind == "repeatCell":
        box = body["range"]
        sheet = book.by_id(box["sheetId"])
        colour = body["cell"]["userEnteredFormat"]["backgroundColor"]
        if body["fields"] != "userEnteredFormat.backgroundColor":
            raise BadRequest(f"unsupported fields {body['fields']}")
        for r in range(box["startRowIndex"], box["endRowIndex"]):
            for c in range(box["startColumnIndex"], box["endColumnIndex"]):
                sheet.colours[(r, c)] = (colour.get("red", 0), colour.get("green", 0), colour.get("blue", 0))
    elif kind == "updateCells":
        sheet = book.by_id(body["start"]["sheetId"])
        fields = body["fields"]
        top, left = body["start"].get("rowIndex", 0), body["start"].get("columnIndex", 0)
        for r, row in enumerate(body["rows"]):
            for c, cell in enumerate(row.get("values", [])):
                key = (top + r, left + c)
                if key[0] >= sheet.rows or key[1] >= sheet.columns:
                    raise BadRequest(f"Range ({key}) exceeds grid limits of {sheet.title}")
                if "userEnteredValue" in fields:
                    value, formula = _cell_value(cell.get("userEnteredValue", {}))
                    sheet.values.pop(key, None)
                    sheet.formulas.pop(key, None)
                    if formula is not None:
                        sheet.formulas[key] = formula
                    elif value is not None:
                        sheet.values[key] = value
                if "note" in fields.split(","):
                    if cell.get("note"):
                        sheet.notes[key] = cell["note"]
                    else:
                        sheet.notes.pop(key, None)
                fmt = cell.get("userEnteredFormat", {})
                if "backgroundColor" in fields and "backgroundColor" in fmt:
                    colour = fmt["backgroundColor"]
                    sheet.colours[key] = (colour.get("red", 0), colour.get("green", 0), colour.get("blue", 0))
                if "textFormat.bold" in fields and fmt.get("textFormat", {}).get("bold"):
                    sheet.bold.add(key)
    elif kind == "addSheet":
        props = body["properties"]
        if any(s.title == props["title"] for s in book.sheets):
            raise BadRequest(f"A sheet with the name \"{props['title']}\" already exists.")
        sheet_id = props.get("sheetId", max((s.sheet_id for s in book.sheets), default=0) + 1)
        if any(s.sheet_id == sheet_id for s in book.sheets):
            raise BadRequest(f"sheetId {sheet_id} in use")
        grid = props.get("gridProperties", {})
        sheet = FakeSheet(sheet_id, props["title"], grid.get("rowCount", 1000), grid.get("columnCount", 26))
        sheet.frozen_rows = grid.get("frozenRowCount", 0)
        book.sheets.append(sheet)
    elif kind == "deleteSheet":
        sheet = book.by_id(body["sheetId"])
        if len(book.sheets) == 1:
            raise BadRequest("You can't remove all the sheets in a document.")
        book.sheets.remove(sheet)
    elif kind == "appendDimension":
        sheet = book.by_id(body["sheetId"])
        if body["dimension"] == "ROWS":
            sheet.rows += body["length"]
        else:
            sheet.columns += body["length"]
    elif kind == "updateDimensionProperties":
        box = body["range"]
        sheet = book.by_id(box["sheetId"])
        for c in range(box["startIndex"], box["endIndex"]):
            sheet.pixel_widths[c] = body["properties"]["pixelSize"]
    else:
        raise BadRequest(f"unsupported request {kind}")


class LoopbackServer:
    """An HTTP server on 127.0.0.1 with a free port, run in a thread inside `with`; `base` is its URL."""

    def __init__(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class FakeSheetsServer(LoopbackServer):
    """The server: `with FakeSheetsServer() as server: server.book.add_sheet(...)`."""

    def __init__(self, book: FakeSpreadsheet | None = None):
        self.book = book or FakeSpreadsheet()
        self.log: list[tuple[str, str]] = []  # (method, path) of every request, failures included
        self._failures: list[int] = []
        self._lock = threading.Lock()
        super().__init__()

    def fail_next(self, status: int, times: int = 1) -> None:
        self._failures += [status] * times

    def count(self, suffix: str, method: str | None = None) -> int:
        return sum(1 for m, p in self.log if p.endswith(suffix) and (method is None or m == method))

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                path = urllib.parse.unquote(url.path)
                with server._lock:
                    server.log.append((method, path))
                    if server._failures:
                        status = server._failures.pop(0)
                        return self._send(status, {"error": {"code": status, "status": "RESOURCE_EXHAUSTED" if status == 429 else "ERROR",
                                                             "message": "Quota exceeded for quota metric 'Write requests'" if status == 429 else "fake failure"}})
                    match = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", path)
                    if not match or match.group(1) != server.book.key:
                        return self._send(404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found."}})
                    rest = match.group(2)
                    try:
                        if method == "GET" and rest == "":
                            return self._send(200, self._metadata(query))
                        if method == "GET" and rest == "/values:batchGet":
                            return self._send(200, self._batch_get(query))
                        if method == "POST" and rest == ":batchUpdate":
                            length = int(self.headers.get("Content-Length", 0))
                            return self._send(200, self._batch_update(json.loads(self.rfile.read(length))))
                        if method == "POST" and rest == "/values:batchUpdate":
                            length = int(self.headers.get("Content-Length", 0))
                            return self._send(200, self._values_batch_update(json.loads(self.rfile.read(length))))
                    except (BadRequest, KeyError) as exc:
                        return self._send(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": str(exc)}})
                    return self._send(404, {"error": {"code": 404, "message": f"no fake for {method} {path}"}})

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def _metadata(self, query: dict) -> dict:
                out = server.book.metadata()
                fields = query.get("fields", [""])[0]
                if "ranges" in query and "data" in fields:
                    wanted: dict[str, list] = {}
                    for text in query["ranges"]:
                        title, box = split_range(text)
                        wanted.setdefault(title, []).append(box)
                    for entry in out["sheets"]:
                        sheet = server.book.sheet(entry["properties"]["title"])
                        blocks = []
                        for box in wanted.get(sheet.title, []):
                            r1, c1, r2, c2 = box
                            rows = [{"values": [self._cell_data(sheet, r, c, fields) for c in range(c1, c2 + 1)]}
                                    for r in range(r1, r2 + 1)]
                            blocks.append({"startRow": r1, "startColumn": c1, "rowData": rows})
                        if blocks:
                            entry["data"] = blocks
                    out["sheets"] = [s for s in out["sheets"] if "data" in s]
                return out

            @staticmethod
            def _cell_data(sheet: FakeSheet, r: int, c: int, fields: str) -> dict:
                cell: dict = {}
                if "note" in fields and (r, c) in sheet.notes:
                    cell["note"] = sheet.notes[(r, c)]
                fmt = sheet.number_format(r, c)
                if "effectiveFormat" in fields and fmt:
                    cell["effectiveFormat"] = {"numberFormat": {"type": fmt[0], "pattern": fmt[1]}}
                return cell

            def _batch_get(self, query: dict) -> dict:
                ranges = []
                for text in query.get("ranges", []):
                    title, box = split_range(text)
                    sheet = server.book.sheet(title)
                    if sheet.sheet_type != "GRID":
                        raise BadRequest(f"Unable to parse range: {text}")
                    if box is not None:
                        raise BadRequest("the fake reads whole sheets only")
                    values = sheet.grid_values(query.get("valueRenderOption", ["FORMATTED_VALUE"])[0],
                                               query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0])
                    block = {"range": f"'{title}'!A1:{_letters(sheet.columns - 1)}{sheet.rows}", "majorDimension": "ROWS"}
                    if values:
                        block["values"] = values
                    ranges.append(block)
                return {"spreadsheetId": server.book.key, "valueRanges": ranges}

            def _batch_update(self, body: dict) -> dict:
                trial = copy.deepcopy(server.book)
                for request in body.get("requests", []):
                    _apply(trial, request)
                server.book.sheets = trial.sheets
                return {"spreadsheetId": server.book.key, "replies": [{} for _ in body.get("requests", [])]}

            def _values_batch_update(self, body: dict) -> dict:
                if body.get("valueInputOption") != "RAW":
                    raise BadRequest(f"the fake writes RAW values only, not {body.get('valueInputOption')}")
                trial = copy.deepcopy(server.book)
                cells = 0
                for block in body.get("data", []):
                    title, box = split_range(block["range"])
                    sheet = trial.sheet(title)
                    top, left = (box[0], box[1]) if box else (0, 0)
                    for r, row in enumerate(block.get("values", [])):
                        for c, value in enumerate(row):
                            key = (top + r, left + c)
                            if key[0] >= sheet.rows or key[1] >= sheet.columns:
                                raise BadRequest(f"Range ({block['range']}) exceeds grid limits of {sheet.title}")
                            if value is None:
                                continue
                            sheet.values.pop(key, None)
                            sheet.formulas.pop(key, None)
                            if value != "":
                                sheet.values[key] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
                            cells += 1
                server.book.sheets = trial.sheets
                return {"spreadsheetId": server.book.key, "totalUpdatedCells": cells,
                        "responses": [{"updatedRange": b["range"]} for b in body.get("data", [])]}

        return Handler


def loopback_client(server: FakeSheetsServer, account: str = "shopbook@test.iam.gserviceaccount.com"):
    """A gspread Client talking to `server` through shopbook's own HTTP client class (no sleeping)."""
    import gspread
    import requests

    from automation.sheets.gsheets import SheetsHTTPClient

    class LoopbackHTTPClient(SheetsHTTPClient):
        sleeps: list[float] = []

        def __init__(self, auth, session=None):
            super().__init__(auth, session)
            self.account = account
            self.sleep = self.sleeps.append

        def request(self, method, endpoint, *args, **kwargs):
            return super().request(method, endpoint.replace(GOOGLE, server.base), *args, **kwargs)

    LoopbackHTTPClient.sleeps = []
    return gspread.Client(auth=None, session=requests.Session(), http_client=LoopbackHTTPClient)
