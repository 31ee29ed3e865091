"""A publisher's web server on 127.0.0.1, in a thread: the poller's tests talk to it over real
HTTP. Each path serves a `Page` the test can change between polls."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b"<h1>Guideline</h1> version 1"
    etag: str = ""
    last_modified: str = ""
    status: int = 200
    hang: bool = False  # never answer (until the server stops): the client times out
    requests: list[dict[str, str]] = field(default_factory=list)


class SourceServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = server.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                page.requests.append(dict(self.headers))
                if page.hang:
                    server.release.wait(10)
                    return
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(page.status)
                if page.etag:
                    self.send_header("ETag", page.etag)
                if page.last_modified:
                    self.send_header("Last-Modified", page.last_modified)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, format, *args) -> None:  # keep the test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def serve(self, path: str, **kwargs) -> Page:
        self.pages[path] = Page(**kwargs)
        return self.pages[path]

    def __enter__(self) -> SourceServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
