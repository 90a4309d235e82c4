"""95% bootstrap intervals for the scorer's headline metrics.

Resampling units follow the task: documents for the span tasks (a document's spans are matched only within it,
so a resampled copy is renamed and scored as a new document), claims for verification. Percentile intervals,
numpy's PCG64 with a fixed seed, so the same predictions always get the same interval. The metric of each
resample is the scorer's own (scripts/evaluate.py), not a re-implementation."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

N_RESAMPLES = 300  # percentile ends settle to about 0.01 by 300 draws; 1000 made the card build a minute slower
SEED = 0
CONFIDENCE = 0.95
UNIT = {"extraction": "doc_id", "noise_detection": "doc_id", "verification": "claim_id"}


def intervals(task: str, preds: list[dict], gold: list[dict], scorer: Callable[[list[dict], list[dict]], dict],
              metrics: list[str], n_resamples: int = N_RESAMPLES, seed: int = SEED) -> dict[str, list[float]]:
    """{metric: [low, high]} over n_resamples draws of the task's units with replacement."""
    key = UNIT[task]
    units = [g[key] for g in gold]
    gold_by = {g[key]: g for g in gold}
    preds_by: dict[str, list[dict]] = defaultdict(list)
    for p in preds:
        preds_by[p[key]].append(p)
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {m: [] for m in metrics}
    for _ in range(n_resamples):
        g_s, p_s = [], []
        for k, i in enumerate(rng.integers(0, len(units), len(units))):
            u, new = units[i], f"{units[i]}#{k}"  # a unit drawn twice is two units
            g_s.append(dict(gold_by[u], **{key: new}))
            p_s += [dict(p, **{key: new}) for p in preds_by[u]]
        m = scorer(p_s, g_s)
        for name in metrics:  # a per-type F1 is absent from a resample without that type: not drawn there
            draws[name].append(m.get(name, np.nan))
    tail = (1 - CONFIDENCE) / 2 * 100
    return {name: [round(float(np.nanpercentile(v, tail)), 6), round(float(np.nanpercentile(v, 100 - tail)), 6)]
            for name, v in draws.items() if not np.isnan(v).all()}
