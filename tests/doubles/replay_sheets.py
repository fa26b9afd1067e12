"""Replays Google's real, recorded Sheets v4 answers (tests/fixtures/google_sheets/) on loopback.

Stands in for `sheets.googleapis.com` with the bytes Google actually sent (recorded by gspread's
test suite), where `fake_sheets_api` stands in with answers we wrote ourselves. `ReplaySheetsServer`
answers each request with the first route whose predicate accepts (method, path, query); a route's
answer is a fixture (its recorded status and body), served `times` times (None: always). A request
no route accepts gets a 599, so a test sees when shopbook asks for something not recorded.
`loopback_client(server)` from `fake_sheets_api` talks to it through shopbook's HTTP client.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from .fake_sheets_api import LoopbackServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "google_sheets"
Predicate = Callable[[str, str, dict], bool]


def fixture(name: str) -> dict:
    """A recorded answer: {"source", "request", "status", "body"}."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def as_batch_get(name: str) -> dict:
    """A recorded `values.get` ValueRange wrapped as `values:batchGet` sends it (see batch_get.json)."""
    recorded = fixture(name)
    return {**recorded, "body": {"spreadsheetId": "replayed", "valueRanges": [recorded["body"]]}}


class ReplaySheetsServer(LoopbackServer):
    def __init__(self):
        self.routes: list[list] = []  # [predicate, answer, times left]
        self.log: list[tuple[str, str, dict]] = []
        super().__init__()

    def answer(self, predicate: Predicate, recorded: dict, times: int | None = None) -> None:
        self.routes.append([predicate, recorded, times])

    def _pick(self, method: str, path: str, query: dict) -> dict | None:
        for route in self.routes:
            predicate, recorded, times = route
            if times != 0 and predicate(method, path, query):
                if times is not None:
                    route[2] = times - 1
                return recorded
        return None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _route(self, method: str) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                path = urllib.parse.unquote(url.path)
                server.log.append((method, path, query))
                recorded = server._pick(method, path, query)
                status, body = (recorded["status"], recorded["body"]) if recorded else (599, {"error": {"code": 599, "message": "not recorded"}})
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

        return Handler


def metadata_request(method: str, path: str, query: dict) -> bool:
    return method == "GET" and "/values" not in path and "fields" not in query


def batch_get_request(value_option: str, date_option: str) -> Predicate:
    def accepts(method: str, path: str, query: dict) -> bool:
        return (path.endswith("/values:batchGet") and query.get("valueRenderOption") == [value_option]
                and query.get("dateTimeRenderOption", ["SERIAL_NUMBER"]) == [date_option])
    return accepts


def notes_request(method: str, path: str, query: dict) -> bool:
    return method == "GET" and "note" in query.get("fields", [""])[0]
