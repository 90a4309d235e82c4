"""Precision, recall and F1 from match counts: spans are matched one to one first, so
what is left to count is a number of matches, not label arrays (which is what
scikit-learn's precision_recall_fscore_support takes; the label tasks use that)."""
from __future__ import annotations


def prf(matched: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
