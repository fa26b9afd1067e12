"""The Google Sheets edge (gspread 6.x): read every sheet in one request, apply an edit in one batch.

Quota is 60 requests per minute per user, so the work is batched: sheet metadata is fetched once
and cached, all sheets' values come from one `values:batchGet`, and a whole `WorkbookEdit` becomes
one `spreadsheets:batchUpdate` (fills, notes, the cells we write, our sheets' structure, headers and
links) plus, when it adds sheets, one `values:batchUpdate` with their values as RAW ranges (the
compact form: a 10k-row 订单归属 is ~0.6 MB that way, 3.4 MB as updateCells). Either is split only
when its body would pass ~2 MB, so a run costs the same requests at 100 rows as at 10k. Values are
written as typed `updateCells` data (`stringValue`) or RAW, so buyer text starting with = + - @
stays text; only our own HYPERLINK formulas are formulas. A 429 (quota) or 5xx is retried a few times with growing
waits, then reported as a clear error; every request has a timeout.

Values are read UNFORMATTED with dates as serial numbers (days since 1899-12-30, as in Excel), not
as the text a cell shows: a date's display follows the cell's format and the spreadsheet's locale
(`10/3/2026 9:30:00` in en_US, `2026/10/3` elsewhere), a serial number does not. Date columns
coerce serials exactly as they do an Excel serial.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ..errors import UserError
from ..i18n import register
from .edit import NewSheet, WorkbookEdit
from .excel_live import NOTE_HEADER, _runs, rgb
from .writers import NOTE_SEPARATOR, grouped_marks, quote_sheet

MAX_BODY_BYTES = 1_800_000  # Sheets refuses request bodies past ~2 MB
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
RETRY_WAITS = (2, 4, 8, 16, 32)  # seconds: five retries, about a minute in all, then give up
TIMEOUT = (10, 120)  # connect, read (seconds)
PIXELS_PER_WIDTH_UNIT = 7  # an Excel column-width unit is about 7 px

register({
    "gsheets.quota": ("Google 表格请求过于频繁（每分钟 60 次的配额已用完，已重试 {tries} 次）。请过一分钟再运行。",
                      "Google Sheets refused the request for quota (60 per minute), {tries} retries. Run again in a minute."),
    "gsheets.api_disabled": ("这个服务账号所在的 Google Cloud 项目（编号 {project}）没有启用 Google Sheets API。"
                             "请打开 https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={project} "
                             "点“启用”，等几分钟后再运行。",
                             "The Google Sheets API is not enabled in the service account's Google Cloud project ({project}). "
                             "Enable it at https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={project}, "
                             "wait a few minutes, then run again."),
    "gsheets.forbidden": ("无权访问这个 Google 表格。请在表格的“共享”中把服务账号 {account} 加为编辑者。",
                          "No access to this spreadsheet. Share it with the service account {account} as an editor."),
    "gsheets.not_found": ("找不到这个 Google 表格（{spreadsheet}）。请检查网址中 /d/ 后面的那一串。",
                          "Spreadsheet not found ({spreadsheet}). Check the key: the part after /d/ in its address."),
    "gsheets.api": ("Google 表格返回错误 {status}：{detail}", "Google Sheets answered {status}: {detail}"),
    "gsheets.auth": ("服务账号登录 Google 失败（{detail}）。请检查密钥文件是否有效、电脑时间是否准确、网络是否通畅。",
                     "The service account could not sign in to Google ({detail}). Check the key file, the computer's clock and the network."),
    "gsheets.network": ("连不上 Google 表格（{detail}）。请检查网络或代理后再试。",
                        "Cannot reach Google Sheets ({detail}). Check the network or proxy and try again."),
})


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with a timeout, a capped retry on quota/server errors, and clear errors.

    (gspread 6.2.1's BackOffHTTPClient retries forever and the default client has no timeout.)"""

    account = "（服务账号）"  # the service account's e-mail, for the "share it with…" message
    waits: tuple[float, ...] = RETRY_WAITS
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, auth, session=None):
        super().__init__(auth, session)
        self.timeout = TIMEOUT
        self.requests_made = 0

    def request(self, method, endpoint, *args, **kwargs):
        import requests
        from google.auth.exceptions import GoogleAuthError

        for attempt in range(len(self.waits) + 1):
            self.requests_made += 1
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES:
                    raise self._user_error(exc, endpoint) from exc
                if attempt == len(self.waits):
                    if status == 429:
                        raise UserError("gsheets.quota", tries=attempt) from exc
                    raise self._user_error(exc, endpoint) from exc
                self.sleep(_retry_after(exc.response) or self.waits[attempt])
            except requests.RequestException as exc:
                raise UserError("gsheets.network", detail=type(exc).__name__) from exc
            except GoogleAuthError as exc:  # the token refresh happens inside the request
                raise UserError("gsheets.auth", detail=str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__) from exc
        raise AssertionError("unreachable")

    def _user_error(self, exc: APIError, endpoint: str) -> UserError:
        status = exc.response.status_code
        if status == 403 and (project := disabled_api_project(exc)):
            return UserError("gsheets.api_disabled", project=project)
        if status == 403:
            return UserError("gsheets.forbidden", account=self.account)
        if status == 404:
            key = endpoint.split("/spreadsheets/")[-1].split("/")[0].split(":")[0]
            return UserError("gsheets.not_found", spreadsheet=key)
        detail = exc.error.get("message", "") if isinstance(exc.error, dict) else str(exc)
        return UserError("gsheets.api", status=status, detail=str(detail)[:200])


def disabled_api_project(exc: APIError) -> str | None:
    """The project number of a 403 "API not enabled" (SERVICE_DISABLED / accessNotConfigured), else None.

    Google names it in `details[].metadata.consumer` ("projects/123") and in the message text."""
    error = exc.error if isinstance(exc.error, dict) else {}
    details = error.get("details") or []
    reasons = {d.get("reason") for d in details if isinstance(d, dict)}
    reasons |= {e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)}
    message = str(error.get("message", ""))
    if not (reasons & {"SERVICE_DISABLED", "accessNotConfigured"} or "has not been used in project" in message):
        return None
    for detail in details:
        metadata = detail.get("metadata") if isinstance(detail, dict) else None
        consumer = str((metadata or {}).get("consumer", ""))
        if consumer.startswith("projects/"):
            return consumer.removeprefix("projects/")
    hit = re.search(r"project[= ](\d+)", message)
    return hit.group(1) if hit else "?"


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return min(float(value), 60.0) if value.replace(".", "", 1).isdigit() else None


@dataclass(frozen=True)
class SheetInfo:
    title: str
    sheet_id: int
    rows: int
    columns: int


class GSheetSource:
    """A `SheetSource` over a gspread `Spreadsheet`: metadata once, all sheets' values in one request."""

    def __init__(self, spreadsheet):
        self.spreadsheet = spreadsheet
        self.name = spreadsheet.title
        metadata = spreadsheet.fetch_sheet_metadata()
        self.sheets = {s.title: s for s in _sheet_infos(metadata)}
        self._grids: dict[str, list[list[object]]] | None = None

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def grid(self, sheet: str) -> list[list[object]]:
        if self._grids is None:
            self._grids = self._read_all()
        return self._grids[sheet]

    def used_width(self, sheet: str) -> int:
        grid = self.grid(sheet)
        return max((len(row) for row in grid), default=0) or self.sheets[sheet].columns

    def _read_all(self) -> dict[str, list[list[object]]]:
        titles = list(self.sheets)
        answer = self.spreadsheet.values_batch_get(
            [quote_sheet(t) for t in titles],
            params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS"})
        ranges = answer.get("valueRanges", [])
        return {title: [[_calamine_value(v) for v in row] for row in block.get("values", [])]
                for title, block in zip(titles, ranges)}


def _sheet_infos(metadata: dict) -> list[SheetInfo]:
    out = []
    for sheet in metadata.get("sheets", []):
        props = sheet["properties"]
        if props.get("sheetType", "GRID") != "GRID":  # a chart sheet has no cells to read
            continue
        grid = props.get("gridProperties", {})
        out.append(SheetInfo(props["title"], props["sheetId"], grid.get("rowCount", 0), grid.get("columnCount", 0)))
    return out


def _calamine_value(value: object) -> object:
    """Numbers arrive as JSON ints or floats; calamine gives floats for every number cell."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def apply_edit_gsheets(spreadsheet, edit: WorkbookEdit, source: GSheetSource | None = None) -> int:
    """Apply `edit`: one batchUpdate, then one RAW values:batchUpdate for the sheets it adds (more of
    either only past ~2 MB); returns the number of write calls."""
    if edit.is_empty():
        return 0
    source = source or GSheetSource(spreadsheet)
    requests, values = _requests(spreadsheet, edit, source)
    calls = 0
    for chunk in split_requests(requests):
        spreadsheet.batch_update({"requests": chunk})
        calls += 1
    for data in split_values(values):  # after the batchUpdate: it adds the sheets these ranges are on
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": data})
        calls += 1
    return calls


def split_requests(requests: list[dict], limit: int | None = None) -> Iterator[list[dict]]:
    """Consecutive groups of requests whose JSON body stays under `limit` bytes (order kept)."""
    limit = limit or MAX_BODY_BYTES
    chunk: list[dict] = []
    size = 20
    for request in requests:
        length = len(json.dumps(request, ensure_ascii=False).encode()) + 1
        if chunk and size + length > limit:
            yield chunk
            chunk, size = [], 20
        chunk.append(request)
        size += length
    if chunk:
        yield chunk


@dataclass
class ValueBlock:
    """Rows of RAW values for one sheet, from `top` (1-based) and column A; None cells are left as they are."""

    sheet: str
    top: int
    rows: list[list[object]]


def split_values(blocks: list[ValueBlock], limit: int | None = None) -> Iterator[list[dict]]:
    """values:batchUpdate `data` lists (A1 ranges with their rows) whose JSON body stays under `limit`
    bytes; a block is cut between rows when it alone would not fit."""
    from ..tables import column_letter

    limit = limit or MAX_BODY_BYTES
    data: list[dict] = []
    size = 60

    def cut(block: ValueBlock, start: int, end: int) -> dict:
        width = max((len(r) for r in block.rows[start:end]), default=1) or 1
        first, last = block.top + start, block.top + end - 1
        return {"range": f"{quote_sheet(block.sheet)}!A{first}:{column_letter(width - 1)}{last}",
                "values": block.rows[start:end]}
    for block in blocks:
        start = 0
        for i, row in enumerate(block.rows):
            length = len(json.dumps(row, ensure_ascii=False).encode()) + 2
            if size + length > limit and (data or i > start):
                if i > start:
                    data.append(cut(block, start, i))
                yield data
                data, size, start = [], 60, i
            size += length
        if block.rows:
            data.append(cut(block, start, len(block.rows)))
            size += 80
    if data:
        yield data


def raw_value(value: object) -> object:
    """A Python value for a RAW values write: JSON numbers, booleans and text (dates as extended_value
    gives them); None is JSON null, which leaves the cell as it is."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return extended_value(value)["stringValue"]


def _requests(spreadsheet, edit: WorkbookEdit, source: GSheetSource) -> tuple[list[dict], list[ValueBlock]]:
    ids = {title: info.sheet_id for title, info in source.sheets.items()}

    def sheet_id(name: str) -> int:
        if name not in ids:
            raise UserError("err.no_sheet", path=source.name, sheet=name, sheets="、".join(ids))
        return ids[name]

    out: list[dict] = _grow_requests(edit, source, sheet_id)
    out += _write_requests(edit, sheet_id)
    written = {w.sheet: w.column + 1 for w in sorted(edit.writes, key=lambda w: w.column)}
    for fill in edit.row_fills:  # the whole used row, a column written just now included
        width = max(source.used_width(fill.sheet), written.get(fill.sheet, 0))
        out.append(_repeat_colour(sheet_id(fill.sheet), fill.row - 1, fill.row, 0, width, fill.fill))
    out += _mark_requests(spreadsheet, edit, sheet_id, source)
    next_id = max(ids.values(), default=0) + 1
    values = []
    for new in edit.new_sheets:
        requests, block = _new_sheet_requests(new, ids.get(new.name), next_id, ids)
        out += requests
        values.append(block)
        next_id += 1
    return out, values


def _grow_requests(edit: WorkbookEdit, source: GSheetSource, sheet_id) -> list[dict]:
    """Sheets refuses writes past a sheet's grid size: add the columns/rows a new column (规范备注) needs."""
    needed: dict[str, list[int]] = {}
    for cell in [*edit.writes, *edit.marks]:
        size = needed.setdefault(cell.sheet, [0, 0])
        size[:] = [max(size[0], cell.row), max(size[1], cell.column + 1)]
    out = []
    for name, (rows, columns) in needed.items():
        info = source.sheets.get(name)
        if info is None:
            continue
        for dimension, have, want in (("ROWS", info.rows, rows), ("COLUMNS", info.columns, columns)):
            if want > have:
                out.append({"appendDimension": {"sheetId": sheet_id(name), "dimension": dimension, "length": want - have}})
    return out


def _write_requests(edit: WorkbookEdit, sheet_id) -> list[dict]:
    by_column: dict[tuple[str, int], dict[int, object]] = {}
    for write in edit.writes:
        by_column.setdefault((write.sheet, write.column), {})[write.row] = write.value
    out = []
    for (name, column), values in by_column.items():
        for first, last in _runs(sorted(values)):
            out.append({"updateCells": {
                "start": {"sheetId": sheet_id(name), "rowIndex": first - 1, "columnIndex": column},
                "rows": [{"values": [{"userEnteredValue": extended_value(values[r])}]} for r in range(first, last + 1)],
                "fields": "userEnteredValue"}})
    return out


def _mark_requests(spreadsheet, edit: WorkbookEdit, sheet_id, source: GSheetSource) -> list[dict]:
    out = []
    grouped = grouped_marks(edit.marks)
    fills: dict[tuple[str, str, int], list[int]] = {}
    notes: dict[tuple[str, int, int], str] = {}
    for (name, row, column), marks in grouped.items():
        colour = next((m.fill for m in marks if m.fill), None)
        if colour:
            fills.setdefault((name, colour, column), []).append(row)
        texts = [m.note for m in marks if m.note]
        if texts:
            notes[(name, row, column)] = "\n".join(dict.fromkeys(texts))
    for (name, colour, column), rows in fills.items():
        for first, last in _runs(sorted(set(rows))):
            out.append(_repeat_colour(sheet_id(name), first - 1, last, column, column + 1, colour))
    existing = existing_notes(spreadsheet, source, list(notes)) if notes else {}
    for (name, row, column), text in notes.items():
        out.append({"updateCells": {
            "start": {"sheetId": sheet_id(name), "rowIndex": row - 1, "columnIndex": column},
            "rows": [{"values": [{"note": _merged_note(existing.get((name, row, column)), text)}]}],
            "fields": "note"}})
    return out


def _merged_note(current: str | None, text: str) -> str:
    """As in Excel: the user's own note stays above ours; a previous run's text is replaced."""
    if not current or current.startswith(NOTE_HEADER):
        return NOTE_HEADER + text
    return current.split(NOTE_SEPARATOR)[0] + NOTE_SEPARATOR + text


def existing_notes(spreadsheet, source: GSheetSource, cells: list[tuple[str, int, int]]) -> dict:
    """The notes already on the cells we are about to annotate: one GET over each sheet's bounding box."""
    from ..tables import column_letter

    boxes: dict[str, list[int]] = {}
    for name, row, column in cells:
        box = boxes.setdefault(name, [row, column, row, column])
        box[:] = [min(box[0], row), min(box[1], column), max(box[2], row), max(box[3], column)]
    ranges = [f"{quote_sheet(n)}!{column_letter(b[1])}{b[0]}:{column_letter(b[3])}{b[2]}" for n, b in boxes.items()]
    answer = spreadsheet.fetch_sheet_metadata(params={
        "ranges": ranges, "includeGridData": "true",
        "fields": "sheets(properties(title),data(startRow,startColumn,rowData(values(note))))"})
    return notes_in(answer, list(boxes))


def notes_in(answer: dict, titles: list[str]) -> dict[tuple[str, int, int], str]:
    """(sheet, 1-based row, 0-based column) -> note, from a `spreadsheets.get` answer with grid data.

    Google leaves out what is empty or zero: a cell without a note is `{}`, a row without notes is
    `{}`, `startRow`/`startColumn` 0 are absent (tests/fixtures/google_sheets/notes_*.json)."""
    found = {}
    for index, sheet in enumerate(answer.get("sheets", [])):
        title = sheet.get("properties", {}).get("title") or titles[index]
        for block in sheet.get("data", []):
            top, left = block.get("startRow", 0), block.get("startColumn", 0)
            for r, row in enumerate(block.get("rowData", [])):
                for c, cell in enumerate(row.get("values", [])):
                    if cell.get("note"):
                        found[(title, top + r + 1, left + c)] = cell["note"]
    return found


def _repeat_colour(sheet_id: int, row0: int, row1: int, col0: int, col1: int, colour: str) -> dict:
    red, green, blue = rgb(colour)
    return {"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": row0, "endRowIndex": row1,
                  "startColumnIndex": col0, "endColumnIndex": col1},
        "cell": {"userEnteredFormat": {"backgroundColor": {"red": red / 255, "green": green / 255, "blue": blue / 255}}},
        "fields": "userEnteredFormat.backgroundColor"}}


def extended_value(value: object) -> dict:
    """A Python value as Sheets' typed ExtendedValue: text is always stringValue, never a formula."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float, Decimal)):
        return {"numberValue": float(value)}
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return {"stringValue": value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()}
    return {"stringValue": str(value)}


def _new_sheet_requests(new: NewSheet, old_id: int | None, new_id: int, ids: dict[str, int]) -> tuple[list[dict], ValueBlock]:
    """Replaced whole: delete the old one, add it fresh with a bold header, row fills, links (HYPERLINK
    formulas, a column run at a time) and widths; its values go as RAW rows (returned)."""
    width = max([len(new.header), *(len(r) for r in new.rows)]) or 1
    out: list[dict] = [{"deleteSheet": {"sheetId": old_id}}] if old_id is not None else []
    out.append({"addSheet": {"properties": {
        "sheetId": new_id, "title": new.name,
        "gridProperties": {"rowCount": len(new.rows) + 1, "columnCount": width, "frozenRowCount": 1}}}})
    header = [{"userEnteredValue": extended_value(v), "userEnteredFormat": {"textFormat": {"bold": True}}} for v in new.header]
    out.append({"updateCells": {"start": {"sheetId": new_id, "rowIndex": 0, "columnIndex": 0}, "rows": [{"values": header}],
                                "fields": "userEnteredValue,userEnteredFormat(backgroundColor,textFormat.bold)"}})
    out += _fill_requests(new, new_id)
    links_by_column: dict[int, list[int]] = {}
    for r, c in new.links:
        links_by_column.setdefault(c, []).append(r)
    for c, rows in sorted(links_by_column.items()):
        for first, last in _runs(sorted(rows)):
            cells = [{"values": [{"userEnteredValue": {"formulaValue": _hyperlink(
                ids.get(new.links[(r, c)][0]), *new.links[(r, c)], _cell(new.rows[r], c))}}]} for r in range(first, last + 1)]
            out.append({"updateCells": {"start": {"sheetId": new_id, "rowIndex": first + 1, "columnIndex": c},
                                        "rows": cells, "fields": "userEnteredValue"}})
    for c, w in new.column_widths().items():
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": new_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": int(w * PIXELS_PER_WIDTH_UNIT)}, "fields": "pixelSize"}})
    links = new.links
    rows = [[None if (r, c) in links else raw_value(v) for c, v in enumerate(row)] for r, row in enumerate(new.rows)]
    return out, ValueBlock(new.name, 2, rows)


def _cell(row: list[object], column: int) -> object:
    return row[column] if column < len(row) else None


def _fill_requests(new: NewSheet, sheet_id: int) -> list[dict]:
    """Each run of consecutive rows with the same fill (and length) as one repeatCell."""
    out = []
    keyed = sorted((r, new.fills[r], len(new.rows[r])) for r in new.fills if r < len(new.rows))
    start = 0
    for i in range(1, len(keyed) + 1):
        if i == len(keyed) or keyed[i][1:] != keyed[start][1:] or keyed[i][0] != keyed[i - 1][0] + 1:
            first, colour, length = keyed[start]
            if length:
                out.append(_repeat_colour(sheet_id, first + 1, keyed[i - 1][0] + 2, 0, length, colour))
            start = i
    return out


def _hyperlink(gid: int | None, sheet: str, ref: str, label: object) -> str:
    """Sheets links to a cell with #gid=<sheetId>&range=B12."""
    text = "" if label is None else str(label).replace('"', '""')
    target = f"#gid={gid}&range={ref}" if gid is not None else f"#{quote_sheet(sheet)}!{ref}"
    return f'=HYPERLINK("{target}","{text}")'


__all__ = ["GSheetSource", "SheetsHTTPClient", "apply_edit_gsheets", "notes_in", "split_requests", "split_values",
           "extended_value", "raw_value"]
