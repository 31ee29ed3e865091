from django.conf import settings
from django.contrib import admin
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from editorial.health import healthz
from editorial.preferences import notification_preferences_view

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Load balancers probe this (SECURE_REDIRECT_EXEMPT keeps it on plain HTTP).
    path("healthz", healthz, name="healthz"),
    # Email preferences (issue 7)
    path("account/notifications/", notification_preferences_view, name="notification_preferences"),
    path("", RedirectView.as_view(url=reverse_lazy("admin:index"), permanent=False)),
]
