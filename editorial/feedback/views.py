"""The reader's feedback pages: the form (GET), the post (POST), the thank-you page. No
account, no JavaScript; CSRF-protected; throttled per address and globally (429)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article
from editorial.access.client_address import client_address
from editorial.feedback.forms import HONEYPOT, FeedbackForm
from editorial.feedback.services import FeedbackThrottled, feedback_submit
from editorial.models import FeedbackKind
from editorial.public.selectors import Visibility, article_row_for_public, article_visibility

FORM_TEMPLATE = "public/feedback_form.html"


def _article(slug: str) -> Article | None:
    article = article_row_for_public(slug)
    if article is None:
        return None
    visibility = article_visibility(
        status=article.status,
        has_snapshot=article.approved_snapshot is not None,
        was_submitted=article.submitted_at is not None,
    )
    return article if visibility in (Visibility.REVIEWED, Visibility.PENDING) else None


def _title(article: Article) -> str:
    return (article.approved_snapshot or {}).get("title") or article.title


def _page(request: HttpRequest, article: Article, form: FeedbackForm, **extra) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {"article": article, "title": _title(article), "form": form, **extra}
    return render(request, FORM_TEMPLATE, context, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_form(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form (?kind= preselects, ?v= is the version read); POST: store the note."""
    article = _article(slug)
    if article is None:
        return render(request, "public/not_found.html", status=404)
    if request.method != "POST":
        kind = request.GET.get("kind", "")
        initial = {"kind": kind if kind in FeedbackKind.values else "", "v": request.GET.get("v")}
        return _page(request, article, FeedbackForm(initial=initial))
    form = FeedbackForm(request.POST)
    if request.POST.get(HONEYPOT):
        # a bot: it is told all went well and nothing is stored
        return redirect("public-feedback-sent", slug=slug)
    if not form.is_valid():
        return _page(request, article, form, status=400)
    try:
        feedback_submit(
            article=article,
            kind=form.cleaned_data["kind"],
            message=form.cleaned_data["message"],
            email=form.cleaned_data["email"],
            seen_content_sha256=form.cleaned_data["v"],
            sender_address=client_address(request),
        )
    except FeedbackThrottled as exc:
        response = _page(request, article, form, throttled=str(exc), status=429)
        response["Retry-After"] = "3600"
        return response
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, messages in errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, article, form, status=400)
    return redirect("public-feedback-sent", slug=slug)


@require_safe
def feedback_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """Thank you: what happens next."""
    article = _article(slug)
    if article is None:
        return render(request, "public/not_found.html", status=404)
    context = {"article": article, "title": _title(article)}
    return render(request, "public/feedback_sent.html", context)
