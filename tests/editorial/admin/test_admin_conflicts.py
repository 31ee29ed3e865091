"""No silent overwrite in the admin: two editors save the same article from change forms
loaded at the same version; the second gets a conflict page showing the other change."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Section
from tests.factories import ArticleFactory, editor_user

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would post from the article's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "article_form":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def loaded_form(client, url: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(client.get(url).text)
    data = parser.data
    for key, value in list(data.items()):
        if key.endswith("-body") or key == "summary":
            data[key] = value.lstrip("\n")  # a textarea's leading newline is not content
    return data


def test_the_second_of_two_editors_gets_a_conflict_page_with_the_other_change(client):
    article = ArticleFactory()
    first, second = editor_user(username="ed-one"), editor_user(username="ed-two")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(first)
    form_one = loaded_form(client, url)
    client.force_login(second)
    form_two = loaded_form(client, url)
    assert form_one["loaded_version"] == form_two["loaded_version"]
    body_key = next(k for k in form_two if k.startswith("sections-0-body"))
    form_two[body_key] = "Drug X 20 mg daily improved survival [1]."
    saved = client.post(url, form_two)
    assert saved.status_code == 302, saved.text[:2000]
    client.force_login(first)
    form_one["summary"] = "My own summary."
    refused = client.post(url, form_one)
    assert refused.status_code == 409
    assert "not saved" in refused.text
    assert "ed-two" in refused.text
    assert "Drug X <del>10</del><ins>20</ins> mg daily" in refused.text
    assert "My own summary." in refused.text  # what they typed is shown, not lost
    article.refresh_from_db()
    assert article.summary == "A short answer."
    assert Section.objects.get(article=article).body.startswith("Drug X 20 mg")


def test_a_save_from_a_current_form_goes_through(client):
    article = ArticleFactory()
    client.force_login(editor_user())
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = loaded_form(client, url)
    form["summary"] = "Updated."
    assert client.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.summary == "Updated."
    again = loaded_form(client, url)
    again["summary"] = "Updated twice."
    assert client.post(url, again).status_code == 302
