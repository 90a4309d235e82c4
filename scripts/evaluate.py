"""Score predictions on a benchmark task:
`python -m scripts.evaluate --task {extraction,verification,noise_detection} --predictions FILE.jsonl [--release DIR]`.

Prints one JSON object of metrics and exits 0; a malformed prediction file exits 2
naming the line. Importable: `evaluate(task, predictions, release)`.

Classification metrics come from scikit-learn. Span matching is our own: the
contract is one-to-one overlap matching (a prediction takes the target it overlaps
most that no earlier prediction took), which no metrics library implements."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

import schema
from scripts import paths
from scripts.benchmark.metrics import prf

TASKS = ("extraction", "verification", "noise_detection")
FIELDS: dict[str, dict[str, Any]] = {
    "extraction": {"doc_id": str, "char_start": int, "char_end": int, "value": (int, float), "unit": str,
                   "period_start": (str, type(None)), "period_end": (str, type(None))},
    "verification": {"claim_id": str, "verdict": str},
    "noise_detection": {"doc_id": str, "char_start": int, "char_end": int, "noise_type": str},
}


class PredictionError(ValueError):
    def __init__(self, where: str, line: int, reason: str):
        super().__init__(f"{where}:{line}: {reason}")


def _gold(task: str, release: Path) -> list[dict]:
    return pq.read_table(release / f"{task}.parquet").to_pylist()


def read_predictions(  # noqa: C901 - one check per way a line can be wrong, each with its message
    path_or_lines, task: str, release: Path) -> list[dict]:
    """Parse and check prediction lines against the release; raise PredictionError naming the line."""
    if isinstance(path_or_lines, (str, Path)):
        where, lines = str(path_or_lines), Path(path_or_lines).read_text(encoding="utf-8").splitlines()
    else:
        where, lines = "<predictions>", [json.dumps(p, ensure_ascii=False) if isinstance(p, dict) else p for p in path_or_lines]
    gold = _gold(task, release)
    texts = {g["doc_id"]: g["text"] for g in gold} if task != "verification" else {}
    claims = {g["claim_id"] for g in gold} if task == "verification" else set()
    vocab = schema.load().vocab
    out = []
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            p = json.loads(line)
        except json.JSONDecodeError as e:
            raise PredictionError(where, i, f"not JSON: {e.msg}") from None
        if not isinstance(p, dict):
            raise PredictionError(where, i, "a prediction is a JSON object")
        for field, kind in FIELDS[task].items():
            if field not in p:
                raise PredictionError(where, i, f"missing field {field!r}")
            if not isinstance(p[field], kind) or isinstance(p[field], bool):
                raise PredictionError(where, i, f"field {field!r} has the wrong type")
        if task == "verification":
            if p["claim_id"] not in claims:
                raise PredictionError(where, i, f"unknown claim_id {p['claim_id']!r}")
            if p["verdict"] not in vocab["verdict"]:
                raise PredictionError(where, i, f"unknown verdict {p['verdict']!r} ({', '.join(vocab['verdict'])})")
        else:
            if p["doc_id"] not in texts:
                raise PredictionError(where, i, f"unknown doc_id {p['doc_id']!r}")
            if not 0 <= p["char_start"] < p["char_end"] <= len(texts[p["doc_id"]]):
                raise PredictionError(where, i, f"span [{p['char_start']}:{p['char_end']}] is outside the text of {p['doc_id']}")
            if task == "extraction" and p["unit"] not in vocab["unit"]:
                raise PredictionError(where, i, f"unknown unit {p['unit']!r} ({', '.join(vocab['unit'])})")
            if task == "noise_detection" and p["noise_type"] not in vocab["noise_type"]:
                raise PredictionError(where, i, f"unknown noise_type {p['noise_type']!r}")
        out.append(p)
    return out


def match_spans(preds: list[dict], targets: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one: each prediction, in text order, takes the unmatched target of the
    same document it overlaps most."""
    taken, pairs = set(), []
    for p in sorted(preds, key=lambda p: (p["doc_id"], p["char_start"], p["char_end"])):
        best, best_overlap = None, 0
        for k, t in enumerate(targets):
            if k in taken or t["doc_id"] != p["doc_id"]:
                continue
            overlap = min(p["char_end"], t["char_end"]) - max(p["char_start"], t["char_start"])
            if overlap > best_overlap:
                best, best_overlap = k, overlap
        if best is not None:
            taken.add(best)
            pairs.append((p, targets[best]))
    return pairs


def _targets(gold: list[dict]) -> list[dict]:
    return [dict(t, doc_id=g["doc_id"]) for g in gold for t in g["targets"]]


def _round(d: dict) -> dict:
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in d.items()}


def score_extraction(preds: list[dict], gold: list[dict]) -> dict:
    targets = _targets(gold)
    pairs = match_spans(preds, targets)
    p, r, f = prf(len(pairs), len(preds), len(targets))
    n = len(pairs) or 1

    def iso(d):
        return None if d is None else str(d)
    value_ok = sum(1 for pr, t in pairs if pr["unit"] == t["unit"] and abs(pr["value"] - t["value"]) <= 0.005 * abs(t["value"]))
    unit_ok = sum(1 for pr, t in pairs if pr["unit"] == t["unit"])
    period_ok = sum(1 for pr, t in pairs if (pr["period_start"], pr["period_end"]) == (iso(t["period_start"]), iso(t["period_end"])))
    return _round({"span_precision": p, "span_recall": r, "span_f1": f,
                   "value_accuracy": value_ok / n if pairs else 0.0, "unit_accuracy": unit_ok / n if pairs else 0.0,
                   "period_accuracy": period_ok / n if pairs else 0.0,
                   "n_predictions": len(preds), "n_targets": len(targets)})


def score_verification(preds: list[dict], gold: list[dict]) -> dict:

    labels = list(schema.load().vocab["verdict"])
    pred = {p["claim_id"]: p["verdict"] for p in preds}
    y_true = [g["label"] for g in gold]
    y_pred = [pred.get(g["claim_id"], "(missing)") for g in gold]  # an unanswered claim counts as wrong
    prec, rec, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {"accuracy": accuracy_score(y_true, y_pred), "macro_f1": float(sum(f1) / len(f1)),
           "n_predictions": len(preds), "n_targets": len(gold)}
    for lab, p, r, f, s in zip(labels, prec, rec, f1, support):
        out.update({f"{lab}_precision": float(p), f"{lab}_recall": float(r), f"{lab}_f1": float(f), f"{lab}_support": int(s)})
    return _round(out)


def score_noise(preds: list[dict], gold: list[dict]) -> dict:
    targets = _targets(gold)
    p, r, f = prf(len(match_spans(preds, targets)), len(preds), len(targets))
    out = {"span_precision": p, "span_recall": r, "span_f1": f, "n_predictions": len(preds), "n_targets": len(targets)}
    for t in schema.load().vocab["noise_type"]:
        tp = [x for x in preds if x["noise_type"] == t]
        tt = [x for x in targets if x["noise_type"] == t]
        out[f"{t}_f1"] = prf(len(match_spans(tp, tt)), len(tp), len(tt))[2]
    return _round(out)


SCORERS = {"extraction": score_extraction, "verification": score_verification, "noise_detection": score_noise}


def evaluate(task: str, predictions, release: Path | None = None) -> dict:
    """predictions: a JSONL path, or a list of dicts / JSON lines."""
    release = paths.current_release(release)
    preds = read_predictions(predictions, task, release)
    return SCORERS[task](preds, _gold(task, release))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=TASKS)
    ap.add_argument("--predictions", required=True, type=Path)
    ap.add_argument("--release", type=Path, default=None)
    args = ap.parse_args(argv)
    if not args.predictions.exists():
        print(f"evaluate: {args.predictions}: no such file", file=sys.stderr)
        return 2
    try:
        metrics = evaluate(args.task, args.predictions, args.release)
    except PredictionError as e:
        print(f"evaluate: {e}", file=sys.stderr)
        return 2
    print(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
