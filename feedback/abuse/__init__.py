"""Offline abuse detection for Norwegian (bokmål and nynorsk), Swedish and Danish text.

`nordic_toxicity(text, language)` gives the toxicity signals the text analyzer reports, in
Amazon Comprehend's names; `assess` also says what each signal rests on. The confidence scale
is documented in `feedback.abuse.nordic`.
"""

from __future__ import annotations

from feedback.abuse.nordic import Assessment, Finding, assess, nordic_toxicity

__all__ = ["Assessment", "Finding", "assess", "nordic_toxicity"]
