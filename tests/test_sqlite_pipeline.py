"""The worker's path on SQLite, the development default (`bin/dev`): the pipeline's
single-statement writes are PostgreSQL's, and on SQLite the same rows must change another
way. The rest of the suite runs on PostgreSQL, so this runs a fresh process on a new SQLite
file with the development settings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import clean_env, run_manage

SCRIPT = """
import io, json
from unittest import mock
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw

call_command("migrate", verbosity=0)
from feedback import services as feedback
from feedback.models import Feedback
from moderation.images import services
from moderation.images.analyzers.base import AnalyzerError
from moderation.models import AuditEvent, ImageUpload, ReviewItem, ReviewQueueCount

owner = get_user_model().objects.create_user("sqlite-dev")


def upload(n):
    image = Image.new("RGB", (320, 240), (20, 60, 190))  # blue: nothing like skin
    ImageDraw.Draw(image).rectangle((n * 20, 10, n * 20 + 40, 50), fill=(240, 240, 250))
    body = io.BytesIO()
    image.save(body, "JPEG", quality=90)
    file = SimpleUploadedFile(f"p{n}.jpg", body.getvalue(), content_type="image/jpeg")
    with mock.patch.object(services, "image_queue_analysis"):
        return services.image_upload_create(owner=owner, upload=file).id


class Broken:
    name, model_version = "broken", "0"

    def analyze(self, source, *, min_confidence):
        raise AnalyzerError("the analyzer broke")


clean = upload(1)
services.image_analyze(image_id=clean)
with mock.patch.object(services, "get_image_analyzer", return_value=Broken()):
    broken = [upload(2), upload(3)]
    for image_id in broken:
        services.image_analyze(image_id=image_id)
with mock.patch.object(feedback, "feedback_queue_analysis"):
    message = feedback.feedback_create(text="Fast delivery, great jacket. Thanks!", author=None)
feedback.feedback_analyze(feedback_id=message.id)
print(json.dumps({
    "clean": ImageUpload.objects.get(id=clean).status,
    "clean_reasons": ImageUpload.objects.get(id=clean).reasons,
    "broken": [ImageUpload.objects.get(id=i).status for i in broken],
    "reviews": ReviewItem.objects.filter(item_id__in=broken).count(),
    "counter": list(ReviewQueueCount.objects.values_list("reason", "open")),
    "audit": AuditEvent.objects.filter(item_id__in=[clean, *broken]).count(),
    "leases": ImageUpload.objects.exclude(analysis_token=None).count(),
    "feedback": Feedback.objects.get(id=message.id).status,
}))
"""


def test_the_worker_decides_on_sqlite(tmp_path: Path) -> None:
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        SCRIPT,
        env=clean_env(VAKT_DATA_DIR=str(tmp_path), CACHE_URL="redis://127.0.0.1:6379/14"),
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["clean"] == "approved", found["clean_reasons"]
    # A failed analysis goes to review: its queue entry, and the counter bumped once per item
    # (the second through the upsert's conflict clause).
    assert found["broken"] == ["in_review", "in_review"]
    assert found["reviews"] == 2
    assert found["counter"] == [["error", 2]]
    assert found["audit"] == 3 and found["leases"] == 0
    assert found["feedback"] == "approved"
    assert (tmp_path / "db.sqlite3").exists()
