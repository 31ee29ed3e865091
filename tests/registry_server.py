"""A local stand-in for Crossref, E-utilities and DailyMed: http.server in a thread on
127.0.0.1 (port chosen by the OS). Tests never reach the internet."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    status: int = 200
    body: object = None  # dict/list -> JSON; str -> text
    hang: bool = False  # never answer (until the test ends): the client times out
    fail_first: int = 0  # answer 503 this many times first


class RegistryServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
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

    def hits_for(self, path: str) -> int:
        return sum(1 for hit in self.hits if urlsplit(hit).path == path)


class _Handler(BaseHTTPRequestHandler):
    registry: RegistryServer

    def do_GET(self) -> None:
        self.registry.hits.append(self.path)
        route = self.registry.routes.get(urlsplit(self.path).path)
        if route is None:
            return self._send(404, "Resource not found.")
        if route.hang:
            self.registry.release.wait(10)  # released at teardown; the client gave up long ago
            return None
        if route.fail_first:
            route.fail_first -= 1
            return self._send(503, "Service unavailable")
        return self._send(route.status, route.body)

    def _send(self, status: int, body: object) -> None:
        is_json = isinstance(body, dict | list)
        data = (json.dumps(body) if is_json else str(body or "")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if is_json else "text/plain")
        self.send_header("Content-Length", str(len(data)))
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
    settings.DAILYMED_API_URL = f"{registry.url}/dailymed"
    settings.CITATION_RESOLVER_TIMEOUT = 0.3
    settings.CITATION_RESOLVER_RETRIES = 1
    settings.CITATION_RESOLVER_BACKOFF = 0
    settings.CITATION_RESOLVER_CONTACT_EMAIL = "editors@example.org"
    return settings


# Response shapes as the registries send them (trimmed to the fields we read).
def crossref_work(doi: str, title: str, year: int = 2015, **extra) -> dict:
    return {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": {
            "DOI": doi,
            "type": "journal-article",
            "title": [title],
            "container-title": ["New England Journal of Medicine"],
            "publisher": "Massachusetts Medical Society",
            "issued": {"date-parts": [[year, 7, 16]]},
            **extra,
        },
    }


def esummary(pmid: str, title: str, pubdate: str = "2015 Jul 16", pubtype=None) -> dict:
    return {
        "header": {"type": "esummary", "version": "0.3"},
        "result": {
            "uids": [pmid],
            pmid: {
                "uid": pmid,
                "pubdate": pubdate,
                "source": "N Engl J Med",
                "fulljournalname": "The New England journal of medicine",
                "title": title,
                "pubtype": pubtype or ["Journal Article", "Randomized Controlled Trial"],
                "articleids": [
                    {"idtype": "pubmed", "idtypen": 1, "value": pmid},
                    {"idtype": "doi", "idtypen": 3, "value": "10.1056/NEJMoa1505270"},
                    {"idtype": "pmc", "idtypen": 8, "value": "PMC4615340"},
                ],
            },
        },
    }


def dailymed_history(setid: str, title: str) -> dict:
    return {
        "metadata": {"total_elements": "2", "elements_per_page": "100", "total_pages": "1"},
        "data": {
            "spl": {"setid": setid, "title": title},
            "history": [
                {"spl_version": 12, "published_date": "Mar 23, 2023"},
                {"spl_version": 11, "published_date": "Oct 12, 2021"},
            ],
        },
    }
