"""A local stand-in for the registries (Crossref, E-utilities, ClinicalTrials.gov, DailyMed,
Open Library): http.server in a thread on 127.0.0.1 (port chosen by the OS), answering with
the recorded-shape fixtures in tests/fixtures/registries. Tests never reach the internet."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "registries"


def fixture(name: str) -> object:
    """A registry answer from tests/fixtures/registries (JSON)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Route:
    status: int = 200
    body: object = None  # dict/list -> JSON; str -> text
    hang: bool = False  # never answer (until the test ends): the client times out
    fail_first: int = 0  # answer `fail_status` this many times first
    fail_status: int = 503
    headers: dict[str, str] = field(default_factory=dict)  # sent with the failures (Retry-After)


class RegistryServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.release = threading.Event()
        handler = type("Handler", (_Handler,), {"registry": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        # a short poll interval: shutdown() waits for the next poll
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, path: str, body: object = None, **kwargs) -> None:
        self.routes[path] = Route(body=body, **kwargs)

    def add_fixture(self, path: str, name: str, **kwargs) -> None:
        self.add(path, fixture(name), **kwargs)

    def hits_for(self, path: str) -> int:
        return sum(1 for hit in self.hits if urlsplit(hit).path == path)


class _Handler(BaseHTTPRequestHandler):
    registry: RegistryServer

    def do_GET(self) -> None:
        self.registry.hits.append(self.path)
        self.registry.headers.append(dict(self.headers))
        route = self.registry.routes.get(urlsplit(self.path).path)
        if route is None:
            return self._send(404, "Resource not found.")
        if route.hang:
            self.registry.release.wait(10)  # released at teardown; the client gave up long ago
            return None
        if route.fail_first:
            route.fail_first -= 1
            return self._send(route.fail_status, "Too many requests or down", route.headers)
        return self._send(route.status, route.body)

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        is_json = isinstance(body, dict | list)
        data = (json.dumps(body) if is_json else str(body or "")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if is_json else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


def serve():
    """Generator for a fixture: a started RegistryServer, shut down afterwards."""
    server = RegistryServer()
    server.thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


def point_settings_at(settings, registry: RegistryServer):
    """Resolvers on, pointed at the local server; short timeout, one retry, no back-off."""
    settings.CITATION_RESOLVERS_ENABLED = True
    settings.CROSSREF_API_URL = f"{registry.url}/crossref"
    settings.NCBI_EUTILS_URL = f"{registry.url}/eutils"
    settings.CLINICALTRIALS_API_URL = f"{registry.url}/ctgov/api/v2"
    settings.DAILYMED_API_URL = f"{registry.url}/dailymed"
    settings.OPENLIBRARY_API_URL = f"{registry.url}/openlibrary"
    settings.CITATION_RESOLVER_TIMEOUT = 0.3
    settings.CITATION_RESOLVER_HOST_TIMEOUTS = {}
    settings.CITATION_RESOLVER_INTERVAL = 0.0
    settings.CITATION_RESOLVER_HOST_INTERVALS = {}
    settings.CITATION_RESOLVER_RETRIES = 1
    settings.CITATION_RESOLVER_BACKOFF = 0
    settings.CITATION_RESOLVER_CONTACT_EMAIL = "editors@example.org"
    return settings
