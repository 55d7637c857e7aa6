from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from moderation.items.retention import rejected_purge
from moderation.kinds import kinds_all


class Command(BaseCommand):
    help = (
        "Delete the stored files and feedback documents (and feedback text) of items rejected "
        "more than REJECTED_RETENTION_DAYS days ago; rows and audit trail stay. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"retention in days (default REJECTED_RETENTION_DAYS, now "
            f"{settings.REJECTED_RETENTION_DAYS})",
        )
        parser.add_argument("--batch-size", type=int, default=200, help="rows read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more")
            raise SystemExit(2)
        report = rejected_purge(older_than_days=days, batch_size=max(1, options["batch_size"]))
        counts = " and ".join(
            f"{report.by_kind[kind.name]} {kind.count_label}" for kind in kinds_all()
        )
        self.stdout.write(
            f"purged {counts}"
            + (f"; {report.failed} failed (see the log), retried next run" if report.failed else "")
        )
