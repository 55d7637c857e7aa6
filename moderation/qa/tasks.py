"""The QA sampler's beat job (its name is fixed: the beat schedule uses it)."""

from __future__ import annotations

from celery import shared_task

from moderation.qa.sampling import qa_sample_recent


@shared_task(name="moderation.tasks.qa_sample")
def qa_sample() -> int:
    return qa_sample_recent()
