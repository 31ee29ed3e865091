from django.conf import settings
from django.contrib import admin
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from editorial.health import healthz

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Load balancers probe this (SECURE_REDIRECT_EXEMPT keeps it on plain HTTP).
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(url=reverse_lazy("admin:index"), permanent=False)),
]
