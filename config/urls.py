from django.conf import settings
from django.contrib import admin
from django.urls import path

from editorial import public_views
from editorial.health import healthz

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Load balancers probe this (SECURE_REDIRECT_EXEMPT keeps it on plain HTTP).
    path("healthz", healthz, name="healthz"),
    # The public site (issue 8): what readers see.
    path("", public_views.article_index, name="public-index"),
    path("articles/<slug:slug>/", public_views.article_detail, name="public-article"),
    path("editorial-policy/", public_views.editorial_policy, name="editorial-policy"),
]
