"""Routes of the author UI, mounted at /author/ by config.urls."""

from django.urls import path

from editorial.authoring.views import author, editor

app_name = "author"

urlpatterns = [
    path("", author.dashboard, name="dashboard"),
    path("articles/new/", author.article_new, name="article_new"),
    path("articles/<int:pk>/", editor.article_editor, name="article_editor"),
    path("articles/<int:pk>/check/", editor.article_check, name="article_check"),
    path("articles/<int:pk>/revise/", editor.article_revise, name="article_revise"),
    path("articles/<int:pk>/history/", author.article_history, name="article_history"),
    path("sources/search/", editor.source_search, name="source_search"),
    path("sources/issuers/", editor.issuer_suggestions, name="issuer_suggestions"),
]
