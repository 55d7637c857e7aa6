"""Rekognition's moderation taxonomy (version 7): label → parent, for inheriting thresholds.

Rekognition names each label's parent in its answer, but not the grandparent; this table lets a
threshold set on a top-level category reach a third-level label.
"""

from __future__ import annotations

_TREE: dict[str, dict[str, list[str]]] = {
    "Explicit": {
        "Explicit Nudity": [
            "Exposed Male Genitalia",
            "Exposed Female Genitalia",
            "Exposed Buttocks or Anus",
            "Exposed Female Nipple",
        ],
        "Explicit Sexual Activity": [],
        "Sex Toys": [],
    },
    "Non-Explicit Nudity of Intimate parts and Kissing": {
        "Non-Explicit Nudity": [
            "Bare Back",
            "Exposed Male Nipple",
            "Partially Exposed Buttocks",
            "Partially Exposed Female Breast",
            "Implied Nudity",
        ],
        "Obstructed Intimate Parts": ["Obstructed Female Nipple", "Obstructed Male Genitalia"],
        "Kissing on the Lips": [],
    },
    "Swimwear or Underwear": {
        "Female Swimwear or Underwear": [],
        "Male Swimwear or Underwear": [],
    },
    "Violence": {
        "Weapons": [],
        "Graphic Violence": [
            "Weapon Violence",
            "Physical Violence",
            "Self-Harm",
            "Blood & Gore",
            "Explosions and Blasts",
        ],
    },
    "Visually Disturbing": {
        "Death and Emaciation": ["Emaciated Bodies", "Corpses"],
        "Crashes": ["Air Crash"],
    },
    "Drugs & Tobacco": {
        "Products": ["Pills"],
        "Drugs & Tobacco Paraphernalia & Use": ["Smoking"],
    },
    "Alcohol": {"Alcohol Use": ["Drinking"], "Alcoholic Beverages": []},
    "Rude Gestures": {"Middle Finger": []},
    "Gambling": {},
    "Hate Symbols": {"Nazi Party": [], "White Supremacy": [], "Extremist": []},
}

TOP_LEVEL: tuple[str, ...] = tuple(_TREE)

PARENTS: dict[str, str] = {}
for _top, _children in _TREE.items():
    for _child, _grandchildren in _children.items():
        PARENTS[_child] = _top
        for _grandchild in _grandchildren:
            PARENTS[_grandchild] = _child

# The text signals a feedback band can name: Comprehend's DetectToxicContent labels plus its
# overall TOXICITY; the local analyzers report the same names.
TEXT_SIGNALS: tuple[str, ...] = (
    "TOXICITY",
    "PROFANITY",
    "HATE_SPEECH",
    "INSULT",
    "VIOLENCE_OR_THREAT",
    "HARASSMENT_OR_ABUSE",
    "SEXUAL",
    "GRAPHIC",
)


# Text read off an image is judged as feedback text is; its signals are named with this prefix
# and have bands of their own ("text_in_image:VIOLENCE_OR_THREAT"), apart from feedback's.
IMAGE_TEXT_PREFIX = "text_in_image:"
IMAGE_TEXT_SIGNALS: tuple[str, ...] = tuple(IMAGE_TEXT_PREFIX + name for name in TEXT_SIGNALS)


def image_labels() -> list[tuple[str, str]]:
    """Every moderation label in taxonomy order, with its path:
    ("Weapons", "Violence › Weapons")."""
    labels: list[tuple[str, str]] = []
    for top, children in _TREE.items():
        labels.append((top, top))
        for child, grandchildren in children.items():
            labels.append((child, f"{top} › {child}"))
            labels.extend((leaf, f"{top} › {child} › {leaf}") for leaf in grandchildren)
    return labels


# category → the kind of band it makes ("image" or "text", CategoryKind's values).
CATEGORY_KINDS: dict[str, str] = {
    **{name: "image" for name, _path in image_labels()},
    **dict.fromkeys(TEXT_SIGNALS, "text"),
    **dict.fromkeys(IMAGE_TEXT_SIGNALS, "text"),
}
