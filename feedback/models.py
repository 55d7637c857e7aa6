from __future__ import annotations

# Feedback models arrive with the feedback pipeline.
