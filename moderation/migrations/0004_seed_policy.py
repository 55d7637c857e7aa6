from __future__ import annotations

from typing import Any

from django.db import migrations

# Version 1 of the policy: a band per Rekognition top-level category. Sexual content and hate
# symbols are strict; swimwear, alcohol and gambling are legal in most shops' photos and only
# ever go to a person, never straight to rejection.
IMAGE_BANDS = {
    # category: (review_at, reject_at)
    "Explicit": (50, 85),
    "Non-Explicit Nudity of Intimate parts and Kissing": (60, 95),
    "Swimwear or Underwear": (85, 100),
    "Violence": (50, 90),
    "Visually Disturbing": (50, 90),
    "Drugs & Tobacco": (70, 95),
    "Alcohol": (85, 100),
    "Rude Gestures": (70, 95),
    "Gambling": (85, 100),
    "Hate Symbols": (40, 80),
}
# Feedback: Comprehend's toxicity signals (the local analyzer reports the same names).
# Threats and hate speech are held back early; mere swearing in a review only goes to a person.
TEXT_BANDS = {
    "TOXICITY": (50, 90),
    "PROFANITY": (60, 95),
    "HATE_SPEECH": (40, 80),
    "INSULT": (50, 90),
    "VIOLENCE_OR_THREAT": (40, 80),
    "HARASSMENT_OR_ABUSE": (50, 90),
    "SEXUAL": (50, 90),
    "GRAPHIC": (60, 95),
}


def seed(apps: Any, schema_editor: Any) -> None:
    policy_model = apps.get_model("moderation", "Policy")
    band_model = apps.get_model("moderation", "PolicyBand")
    if policy_model.objects.exists():
        return
    policy = policy_model.objects.create(
        version=1,
        comment="Defaults",
        default_review_at=60,
        default_reject_at=95,
        # Sentiment scores are calibrated probabilities (see 0011): what is filed without a
        # person should be right nine times in ten. Installs seeded with 60 get v2 from 0011.
        sentiment_review_below=80,
    )
    band_model.objects.bulk_create(
        band_model(policy=policy, category=category, kind=kind, review_at=low, reject_at=high)
        for kind, bands in (("image", IMAGE_BANDS), ("text", TEXT_BANDS))
        for category, (low, high) in bands.items()
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_images_policy_review_audit")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
