"""The API in the admin (editors): clients and their keys (a new key is shown once), webhook
subscriptions, and every delivery with its attempts, replayable."""

from __future__ import annotations

import ipaddress

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from editorial.api.keys import SCOPES, api_key_issue, api_key_revoke
from editorial.models import (
    ApiClient,
    ApiKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from editorial.webhooks import EVENTS, delivery_replay
from editorial.webhooks.delivery import target_problem
from editorial.webhooks.subscriptions import new_secret


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in SCOPES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ("name", "user", "scopes", "allowed_ips", "rate_limit_per_minute", "active")

    def clean_allowed_ips(self) -> str:
        value = self.cleaned_data["allowed_ips"]
        for line in value.splitlines():
            if line.strip():
                try:
                    ipaddress.ip_network(line.strip(), strict=False)
                except ValueError:
                    raise ValidationError(
                        f"“{line.strip()}” is not an address or network."
                    ) from None
        return value


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "user", "scopes", "active", "created_at")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    search_fields = ("name",)
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    @admin.action(description="Issue a new key (shown once)")
    def issue_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]):
        keys = [(client, api_key_issue(client=client, actor=request.user)) for client in queryset]
        # a page, not a message: a message would keep the key in a cookie or the session
        return TemplateResponse(
            request, "admin/editorial/apiclient/keys_issued.html", {"keys": keys, "opts": self.opts}
        )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "client", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("client",)
    list_filter = ("revoked_at",)
    readonly_fields = ("client", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued from the client (shown once)

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key, actor=request.user)
        messages.success(request, f"{queryset.count()} key(s) revoked.")


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=1000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in EVENTS], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("client", "url", "events", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = target_problem(url)
        if problem:
            raise ValidationError(problem)
        return url

    def save(self, commit: bool = True):
        if not self.instance.secret:
            self.instance.secret = new_secret()
        if self.instance.active:
            self.instance.consecutive_failures = 0
            self.instance.disabled_reason = ""
        return super().save(commit)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "client", "events", "active", "consecutive_failures", "disabled_reason")
    list_select_related = ("client",)
    list_filter = ("active",)
    readonly_fields = ("secret", "consecutive_failures", "disabled_reason")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "latency_ms", "error", "response_excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "next_attempt_at", "created_at")
    list_select_related = ("subscription__client",)
    list_filter = ("status", "event")
    search_fields = ("message_id",)
    readonly_fields = (
        "subscription", "message_id", "event", "payload", "status", "attempts",
        "next_attempt_at", "claimed_until", "created_at", "delivered_at",
    )  # fmt: skip
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay the selected deliveries now", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            delivery_replay(delivery=delivery, actor=request.user)
        messages.success(request, f"{queryset.count()} delivery(ies) queued again.")
