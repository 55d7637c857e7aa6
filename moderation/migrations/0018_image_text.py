"""Text inside images: the text found (masked) and how it was read, and default bands for its
signals ("text_in_image:TOXICITY", …) in the current policy.

The bands are added to the current version rather than to a new one: no stored label has these
names yet, so no past decision (nor its replay) changes. A policy that already has a band of
that name keeps it.
"""

from typing import Any

from django.db import migrations, models

PREFIX = "text_in_image:"
# As for feedback (0004): threats and hate are held back early; mere swearing on a picture only
# ever goes to a person first.
BANDS = {
    "TOXICITY": (50, 90),
    "PROFANITY": (60, 95),
    "HATE_SPEECH": (40, 80),
    "INSULT": (50, 90),
    "VIOLENCE_OR_THREAT": (40, 80),
    "HARASSMENT_OR_ABUSE": (50, 90),
    "SEXUAL": (50, 90),
    "GRAPHIC": (60, 95),
}


def add_bands(apps: Any, schema_editor: Any) -> None:
    policy_model = apps.get_model("moderation", "Policy")
    band_model = apps.get_model("moderation", "PolicyBand")
    latest = policy_model.objects.order_by("-version").first()
    if latest is None:
        return
    have = set(band_model.objects.filter(policy=latest).values_list("category", flat=True))
    band_model.objects.bulk_create(
        band_model(
            policy=latest, category=PREFIX + name, kind="text", review_at=low, reject_at=high
        )
        for name, (low, high) in BANDS.items()
        if PREFIX + name not in have
    )


def remove_bands(apps: Any, schema_editor: Any) -> None:
    band_model = apps.get_model("moderation", "PolicyBand")
    band_model.objects.filter(category__startswith=PREFIX).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0017_hash_bank")]

    operations = [
        migrations.AddField(
            model_name="imageupload",
            name="found_text",
            field=models.TextField(blank=True, verbose_name="text found"),
        ),
        migrations.AddField(
            model_name="imageupload",
            name="text_analysis",
            field=models.JSONField(blank=True, default=dict, verbose_name="text analysis"),
        ),
        migrations.RunPython(add_bands, remove_bands),
    ]
