from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from editorial.api.urls import api
from editorial.feedback import views as feedback_views
from editorial.notify.preferences import notification_preferences_view
from editorial.ops.health import healthz
from editorial.public import views as public_views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Load balancers probe this (SECURE_REDIRECT_EXEMPT keeps it on plain HTTP).
    path("healthz", healthz, name="healthz"),
    # The REST API and its OpenAPI document (issue 18).
    path("api/v1/", api.urls),
    # Author web UI (issue 5): sign-in, the dashboard and the article editor.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("author/", include("editorial.authoring.urls")),
    # Email preferences (issue 7)
    path("account/notifications/", notification_preferences_view, name="notification_preferences"),
    # The public site (issue 8): what readers see.
    path("", public_views.article_index, name="public-index"),
    path("articles/<slug:slug>/", public_views.article_detail, name="public-article"),
    path(
        "articles/<slug:slug>/versions/<int:number>/",
        public_views.article_version,
        name="public-article-version",
    ),
    # Reader feedback (issue 21): the form posts to /articles/<slug>/feedback/ (contract).
    path("articles/<slug:slug>/feedback/", feedback_views.feedback_form, name="public-feedback"),
    path(
        "articles/<slug:slug>/feedback/sent/",
        feedback_views.feedback_sent,
        name="public-feedback-sent",
    ),
    path("editorial-policy/", public_views.editorial_policy, name="editorial-policy"),
]

# 403/404 in the admin's look under the admin and the author UI (issue 19)
handler403 = "editorial.admin.errors.permission_denied"
handler404 = "editorial.admin.errors.page_not_found"
