"""The audit history of decisions and actions, as a page and as a CSV download."""

from __future__ import annotations

import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from moderation.review import history as review_history
from moderation.review import reasons, selectors
from moderation.review.views import PAGE_SIZE, moderator_required


@require_GET
@moderator_required
def history(request: HttpRequest) -> HttpResponseBase:
    events = selectors.audit_history(
        moderator=request.GET.get("moderator") or None,
        item_id=request.GET.get("item") or None,
        action=request.GET.get("action") or None,
    )
    if request.GET.get("format") == "csv":
        return _csv(events, request.build_absolute_uri("/"))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/history.html",
        {
            "page": page,
            "rows": review_history.history_rows(page),
            "params": request.GET,
            "query": query.urlencode(),
            "actions": list(reasons.AUDIT_ACTION_NAMES),
        },
    )


# Cells a spreadsheet would read as a formula (or whose tab or CR it would eat before one), per
# OWASP's CSV-injection guidance; a leading single quote makes the spreadsheet show them as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(events: Any, site: str) -> StreamingHttpResponse:
    """`site` ("https://host/") makes each item's read-only view a link that works outside."""
    writer = csv.writer(_Echo())
    header = ["time", "item_kind", "item_id", "actor", "action", "from", "to", "policy", "note"]
    header += ["decision", "reason", "reason_name", "item_url"]

    def rows() -> Any:
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=1000):
            cells = [
                event.created_at.isoformat(), event.item_kind, event.item_id,
                event.actor.get_username() if event.actor else event.actor_kind,
                event.action, event.from_status, event.to_status,
                event.policy_version or "", event.note, *review_history.csv_cells(event),
                site.rstrip("/") + path if (path := review_history.record_path(event)) else "",
            ]  # fmt: skip
            # Every cell, not only the free-text ones: any of them may come from a person.
            yield writer.writerow([_csv_cell(cell) for cell in cells])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="vakt-audit.csv"'
    return response
