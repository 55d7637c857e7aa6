"""Fit the sentiment calibrations shipped in feedback/sentiment/models/.

`python -m bench.fit_sentiment` (scikit-learn is already installed: alt-profanity-check needs
it). Reproducible: fixed splits, deterministic solvers.

- english.npz: VADER's reading plus TF-IDF of words and word pairs, multinomial logistic
  regression, fit on the even-numbered lines of each of VADER's four human-rated sets (Amazon
  reviews, tweets, movie snippets, NYT editorials). The odd-numbered lines are never fit on:
  benchmark scenario 7 reports on them.
- nordic.json: the same regression on the features of asent's reading only, fit on the dev
  split of the project's Nordic set (bench/data/nordic_feedback.dev.jsonl) and on a training
  set written for the purpose (feedback/sentiment/training/nordic_train.jsonl, 360 messages).
  The held-out split is never read here.

The regularisation strength is chosen by 5-fold cross-validation on the training part alone.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from bench import text_data
from feedback.sentiment.calibration import CLASSES, features, save

T = TypeVar("T")
GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
TRAINING = text_data.ROOT / "feedback" / "sentiment" / "training" / "nordic_train.jsonl"
MIN_DF = 3  # words seen in fewer training texts carry noise, not evidence


def vader_split(items: Sequence[T]) -> tuple[list[T], list[T]]:
    """(fit on, held out): even and odd positions in file order."""
    return list(items[0::2]), list(items[1::2])


def _choose_c(x: object, y: np.ndarray) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = {
        c: cross_val_score(
            LogisticRegression(C=c, max_iter=5000), x, y, cv=folds, scoring="neg_log_loss"
        ).mean()
        for c in GRID
    }
    for c, score in scores.items():
        print(f"  C={c:<5} cross-validated log loss {-score:.4f}", file=sys.stderr)
    return max(scores, key=lambda c: scores[c])


def fit_english() -> None:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from feedback.sentiment.english import EnglishSentiment

    reader = EnglishSentiment()
    texts: list[str] = []
    labels: list[int] = []
    for name in text_data.VADER_SETS:
        train, _ = vader_split(text_data.vader_set(name))
        texts.extend(item.text for item in train)
        labels.extend(CLASSES.index(item.label) for item in train)
    dense = np.array([features(reader.polarity(text)) for text in texts])
    vectorizer = TfidfVectorizer(min_df=MIN_DF, ngram_range=(1, 2), sublinear_tf=True)
    x = hstack([csr_matrix(dense), vectorizer.fit_transform(texts)]).tocsr()
    y = np.array(labels)
    print(f"english: {len(texts)} texts, {len(vectorizer.vocabulary_)} words", file=sys.stderr)
    c = _choose_c(x, y)
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    vocabulary = sorted(vectorizer.vocabulary_, key=lambda word: vectorizer.vocabulary_[word])
    path = save("english", model.coef_, model.intercept_, vocabulary, vectorizer.idf_)
    print(f"english: C={c}, wrote {path}", file=sys.stderr)


def fit_nordic() -> None:
    from sklearn.linear_model import LogisticRegression

    from feedback.language_id import SCANDINAVIAN, LanguageIdentifier
    from feedback.sentiment.nordic import NordicSentiment

    identifier, reader = LanguageIdentifier(), NordicSentiment()
    # Abusive messages go to a person whatever their sentiment; "mixed" has no class of its
    # own here (it comes from the two-sidedness of the reading).
    examples = [
        (item.text, item.language, item.sentiment)
        for item in text_data.nordic_feedback("dev")
        if not item.abusive
    ]
    examples += [
        (str(row["text"]), str(row["language"]), str(row["sentiment"]))
        for row in text_data.read_jsonl(TRAINING)
    ]
    rows = []
    for text, labelled, sentiment in examples:
        if sentiment == "mixed":
            continue
        guess = identifier.identify(text)
        language = guess.code if guess.code in SCANDINAVIAN else labelled
        rows.append((features(reader.polarity(text, language)), sentiment))
    x = np.array([row for row, _ in rows])
    y = np.array([CLASSES.index(label) for _, label in rows])
    print(f"nordic: {len(rows)} messages (dev split and training set)", file=sys.stderr)
    c = _choose_c(x, y)
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    fit_on = ["bench/data/nordic_feedback.dev.jsonl", str(TRAINING.relative_to(text_data.ROOT))]
    notes = {"fit_on": fit_on, "messages": len(rows), "C": c}
    path = save("nordic", model.coef_, model.intercept_, notes=notes)
    print(f"nordic: C={c}, wrote {path}", file=sys.stderr)


def main(argv: Sequence[str]) -> int:
    import django

    django.setup()
    wanted = set(argv) or {"english", "nordic"}
    if "english" in wanted:
        fit_english()
    if "nordic" in wanted:
        fit_nordic()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
