from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.services import feedback_analyze_backlog
from moderation.items.errors import TransientAnalyzerError


class Command(BaseCommand):
    help = (
        "Analyse pending feedback in bulk with the analyzer's batch calls (e.g. Comprehend's "
        "BatchDetectSentiment, 25 texts a call) and report the calls made per message."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="most messages to take")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        try:
            report = feedback_analyze_backlog(limit=limit)
        except TransientAnalyzerError as exc:
            raise CommandError(
                f"the analyzer is throttling or unreachable, try later: {exc}"
            ) from exc
        self.stdout.write(
            f"{report.messages} messages analysed with {report.api_calls} API calls "
            f"({report.calls_per_message:.2f} per message)"
        )
