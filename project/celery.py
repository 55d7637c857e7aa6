from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("vakt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="vakt.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker and a worker, for health checks and tests."""
    return "pong"
