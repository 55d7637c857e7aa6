"""Group the open queue entries written before groups existed (moderation/review/grouping.py).
Entries queued since are grouped when they are queued; running this again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moderation.review.grouping import review_groups_fill


class Command(BaseCommand):
    help = "Give open review entries queued before grouping existed their group key."

    def handle(self, *args: Any, **options: Any) -> None:
        filled = review_groups_fill()
        self.stdout.write(f"{filled} open entries grouped")
