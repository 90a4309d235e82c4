"""The one precision/recall/F1 helper: counts into the three figures. Below every stage that scores
(second-pass agreement in scripts/inputs/agreement.py, the benchmark in scripts/benchmark/metrics.py)."""
from __future__ import annotations


def prf(matched: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
