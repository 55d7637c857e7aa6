"""Admin of the versioned policy, with its editor and replay preview."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.items.admin import ReadOnlyAdmin
from moderation.policy import services
from moderation.policy.forms import (
    BandFormSet,
    PolicySettingsForm,
    SaveCheckForm,
    band_initial,
    proposal_fingerprint,
    proposed_snapshot,
)
from moderation.policy.models import Policy, PolicyBand
from moderation.policy.replay import replay_preview
from moderation.policy.selectors import policy_current


class PolicyBandInline(admin.TabularInline):
    model = PolicyBand
    fields = ["category", "kind", "review_at", "reject_at", "enabled"]
    readonly_fields = ["category", "kind", "review_at", "reject_at", "enabled"]
    extra = 0
    can_delete = False
    template = "admin/moderation/policy/tabular_scroll.html"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "created_at", "created_by", "comment", "changes", "edit_link"]
    readonly_fields = [
        "version", "created_at", "created_by", "comment", "default_review_at",
        "default_reject_at", "sentiment_review_below", "min_confidence", "review_sla_seconds",
        "claim_ttl_seconds", "appeal_sla_seconds", "hash_match_distance", "hash_match_action",
    ]  # fmt: skip
    inlines = [PolicyBandInline]
    change_list_template = "admin/moderation/policy/change_list.html"

    @admin.display(description=_("changes from the version before"))
    def changes(self, policy: Policy) -> str:
        previous = Policy.objects.filter(version__lt=policy.version).order_by("-version").first()
        return "; ".join(services.policy_diff(previous, policy)) or "—"

    @admin.display(description="")
    def edit_link(self, policy: Policy) -> str:
        url = reverse("admin:moderation_policy_propose_from", args=[policy.pk])
        latest = policy.version == _latest_version()
        label = gettext("Edit as a new version") if latest else gettext("Restore…")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.propose_view)
        return [
            path("propose/", view, name="moderation_policy_propose"),
            path("<int:pk>/propose/", view, name="moderation_policy_propose_from"),
            *super().get_urls(),
        ]

    def propose_view(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        """Edit a copy of a version (the newest by default); preview its impact; save it as
        the next version, with a comment, once this very proposal was previewed (or the admin
        ticked that they save it unseen). A save refused for want of a preview shows one."""
        if not request.user.has_perm("moderation.add_policy"):
            messages.error(
                request, gettext("Only admins with the right to add policies may change it.")
            )
            return redirect("admin:moderation_policy_changelist")
        base = get_object_or_404(Policy, pk=pk) if pk else Policy.objects.order_by("-version")[0]
        if request.method == "POST":
            settings_form = PolicySettingsForm(request.POST)
            bands = BandFormSet(request.POST, prefix="bands")
            check = SaveCheckForm(request.POST)
        else:
            settings_form = PolicySettingsForm(initial=PolicySettingsForm.initial_from(base))
            bands = BandFormSet(initial=band_initial(base), prefix="bands")
            check = SaveCheckForm()
        preview = None
        save_refused = False
        if request.method == "POST" and settings_form.is_valid() and bands.is_valid():
            fingerprint = proposal_fingerprint(settings_form, bands.bands())
            if "_save" in request.POST and settings_form.require_comment():
                if check.allows(fingerprint):
                    policy = services.policy_publish(
                        bands=bands.bands(),
                        created_by=request.user,  # type: ignore[arg-type]
                        **settings_form.cleaned_data,
                    )
                    message = gettext("Saved as version %(version)s.")
                    messages.success(request, message % {"version": policy.version})
                    return redirect("admin:moderation_policy_changelist")
                save_refused = True
            if "_save" not in request.POST or save_refused:
                preview = replay_preview(
                    current=policy_current(),
                    proposed=proposed_snapshot(settings_form, bands.bands()),
                    limit=settings.POLICY_REPLAY_ITEMS,
                )
                check = SaveCheckForm(initial={"previewed": fingerprint})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("New policy version (from version %(version)s)")
            % {"version": base.version},
            "base": base,
            "settings_form": settings_form,
            "bands": bands,
            "preview": preview,
            "check": check,
            "save_refused": save_refused,
            "replay_limit": settings.POLICY_REPLAY_ITEMS,
            "next_version": _latest_version() + 1,
        }
        return render(request, "admin/moderation/policy/propose.html", context)


def _latest_version() -> int:
    latest = Policy.objects.order_by("-version").values_list("version", flat=True).first()
    return latest or 0
