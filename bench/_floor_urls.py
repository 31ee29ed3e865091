"""Bench-only URL conf: the project's URLs plus `/__bench__/floor/`, a stored 20 KB page.

The floor is what a request costs through the same settings and middleware when the page is
already a byte string: the target for a cached public page is a small multiple of it.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

_ROW = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n"
FLOOR_PAGE = (
    "<!doctype html><html lang=en><head><title>floor</title></head><body>\n"
    + _ROW * (20 * 1024 // len(_ROW))
    + "</body></html>\n"
).encode()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/floor/", floor), *project_urlpatterns]
