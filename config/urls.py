from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from editorial.preferences import notification_preferences_view

urlpatterns = [
    path("admin/", admin.site.urls),
    # Email preferences (issue 7)
    path("account/notifications/", notification_preferences_view, name="notification_preferences"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
