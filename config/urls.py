from django.contrib import admin
from django.urls import path

from editorial import public_views

urlpatterns = [
    path("admin/", admin.site.urls),
    # The public site (issue 8): what readers see.
    path("", public_views.article_index, name="public-index"),
    path("articles/<slug:slug>/", public_views.article_detail, name="public-article"),
    path("editorial-policy/", public_views.editorial_policy, name="editorial-policy"),
]
