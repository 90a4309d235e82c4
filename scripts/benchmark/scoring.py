"""The benchmark's scorer: predictions read against the prediction contract and scored against a release's
gold rows. `python -m scripts.evaluate` is its command line (the text there says what the metrics are);
the scorer lives here, below the entry points, as the rule baselines, the learned baselines and the card use it."""
from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import schema
from scripts import paths
from scripts.benchmark.metrics import exact_pairs, overlapping, partial_pairs, prf, span_scores

TASKS = tuple(schema.load().task_contract.configs)
SPLITS = ("test", *schema.generated_splits())  # a task's own split, then the generated ones
_DATE = (str, type(None))
FIELDS: dict[str, dict[str, Any]] = {
    "extraction": {"doc_id": str, "char_start": int, "char_end": int, "value": (int, float), "unit": str,
                   "period_start": _DATE, "period_end": _DATE},
    "verification": {"claim_id": str, "verdict": str},
    "noise_detection": {"doc_id": str, "char_start": int, "char_end": int, "noise_type": str},
}
OPTIONAL: dict[str, dict[str, Any]] = {"extraction": {"metric": str, "bound": str}}
# prediction fields whose values are terms of a vocabulary
VOCAB_FIELDS = {"extraction": {"unit": "unit", "metric": "metric", "bound": "bound"},
                "verification": {"verdict": "verdict"}, "noise_detection": {"noise_type": "noise_type"}}
# spans that may not share a character: extraction within a document; noise within a document and type
OVERLAP_GROUP = {"extraction": lambda p: (p["doc_id"],), "noise_detection": lambda p: (p["doc_id"], p["noise_type"])}
VALUE_TOLERANCE = 0.005  # relative: a value within 0.5% of the gold value is right
DATE_FIELDS = {"extraction": ("period_start", "period_end")}
# ISO 8601 calendar dates only: date.fromisoformat alone would also take 20220101 and week dates
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PredictionError(ValueError):
    def __init__(self, where: str, line: int, reason: str):
        super().__init__(f"{where}:{line}: {reason}")


class PredictionWarning(UserWarning):
    """A file the scorer reads, with something its author should know: fields it ignored, ClassLabel integers."""


def _gold(task: str, release: Path, split: str | None = None) -> list[dict]:
    """The gold rows of a split (the task's own test split by default; train and validation are generated)."""
    import pyarrow.parquet as pq  # imported when scoring, so --help and a mistake answer at once
    return pq.read_table(release / schema.load().tables[task].file(split)).to_pylist()


def gold_missing(task: str, release: Path, split: str | None) -> str | None:
    """Why a release cannot score the task on the split (an older release without generated splits), or None."""
    try:
        f = release / schema.load().tables[task].file(split)
    except KeyError as e:  # a split the task does not have
        return str(e.args[0])
    if not f.is_file():
        return f"{release} has no {f.relative_to(release)} (a release older than the {split or 'test'} split?): give a newer one"
    return None


def _lines(path_or_lines) -> tuple[str, list[str]]:
    if isinstance(path_or_lines, (str, Path)):
        try:
            return str(path_or_lines), Path(path_or_lines).read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as e:
            line = Path(path_or_lines).read_bytes()[:e.start].count(b"\n") + 1
            raise PredictionError(str(path_or_lines), line, "not UTF-8 text: save the file as UTF-8 JSON Lines") from None
    return "<predictions>", [json.dumps(p, ensure_ascii=False) if isinstance(p, dict) else p for p in path_or_lines]


def _read_class_labels(p: dict, task: str) -> tuple[list[str], str | None]:
    """ClassLabel integers, what `datasets` gives for the task configs' vocabulary columns, replaced in place by
    their names (the ClassLabel's names are the vocabulary's terms in vocab.yaml order, schema/hf.py): the fields
    read so, and why an integer is no index."""
    read: list[str] = []
    for field, voc in VOCAB_FIELDS[task].items():
        v = p.get(field)
        if isinstance(v, int) and not isinstance(v, bool):
            terms = schema.load().terms(voc)
            if not 0 <= v < len(terms):
                return read, f"field {field!r} is {v}: a ClassLabel index runs from 0 to {len(terms) - 1} ({', '.join(terms)})"
            p[field] = terms[v]
            read.append(field)
    return read, None


def _date_problem(p: dict, task: str) -> str | None:
    """Why a prediction's period is not two ISO dates (or null), start not after end; None when it is."""
    fields = DATE_FIELDS.get(task, ())
    for field in fields:
        v = p.get(field)
        if v is None:
            continue
        try:
            ok = bool(ISO_DATE.fullmatch(v)) and bool(dt.date.fromisoformat(v))
        except ValueError:
            ok = False
        if not ok:
            return f"field {field!r} is {v!r}, not an ISO date: give YYYY-MM-DD (e.g. 2022-01-01) or null"
    if fields and None not in (p.get(fields[0]), p.get(fields[1])) and p[fields[0]] > p[fields[1]]:
        return f"{fields[0]} {p[fields[0]]} is after {fields[1]} {p[fields[1]]}"
    return None


def _check_fields(p: dict, task: str, vocab: dict) -> str | None:
    """Why a parsed line is not a prediction of the task, or None."""
    for field in FIELDS[task]:
        if field not in p:
            return f"missing field {field!r}"
    for field, kind in {**FIELDS[task], **OPTIONAL.get(task, {})}.items():
        if field in p and (not isinstance(p[field], kind) or isinstance(p[field], bool)):
            return f"field {field!r} has the wrong type"
    for field, voc in VOCAB_FIELDS[task].items():
        if field in p and p[field] not in vocab[voc]:
            return f"unknown {field} {p[field]!r} ({', '.join(vocab[voc])})"
    return _date_problem(p, task)


def _id_problem(p: dict, task: str, texts: dict[str, str], claims: set[str], first_line: dict[str, int]) -> str | None:
    """Why a prediction names no claim or span of the split (or a claim already answered), or None."""
    if task == "verification":
        if p["claim_id"] not in claims:
            return f"unknown claim_id {p['claim_id']!r}"
        if p["claim_id"] in first_line:
            return f"claim_id {p['claim_id']!r} repeats line {first_line[p['claim_id']]}"
        return None
    if p["doc_id"] not in texts:
        return f"unknown doc_id {p['doc_id']!r}"
    if not 0 <= p["char_start"] < p["char_end"] <= len(texts[p["doc_id"]]):
        return f"span [{p['char_start']}:{p['char_end']}] is outside the text of {p['doc_id']}"
    return None


def _warn(where: str, task: str, unknown: dict[str, int], class_labels: dict[str, tuple[int, int, str]]) -> None:
    """What the scorer read differently from what the file may mean: once per file, not once per line."""
    if unknown:
        known = ", ".join([*FIELDS[task], *OPTIONAL.get(task, {})])
        named = ", ".join(f"{f!r} (line {i})" for f, i in unknown.items())
        warnings.warn(PredictionWarning(f"{where}: unknown field(s) ignored: {named}; {task} reads {known}"), stacklevel=3)
    if class_labels:
        named = ", ".join(f"{f} (line {i}: {n} = {t!r})" for f, (i, n, t) in class_labels.items())
        warnings.warn(PredictionWarning(f"{where}: read ClassLabel integers as their names (vocab.yaml order, as "
                                        f"`datasets` encodes them): {named}"), stacklevel=3)


def read_predictions(path_or_lines, task: str, release: Path, split: str | None = None,
                     allow_empty: bool = False) -> list[dict]:
    """Parse and check prediction lines against the release; raise PredictionError naming the line. A field the
    task does not read and ClassLabel integers read as names are each named once in a PredictionWarning; no
    prediction at all is an error unless allow_empty (a baseline that finds nothing)."""
    where, lines = _lines(path_or_lines)
    gold = _gold(task, release, split)
    texts = {g["doc_id"]: g["text"] for g in gold} if task != "verification" else {}
    claims = {g["claim_id"] for g in gold} if task == "verification" else set()
    vocab = schema.load().vocab
    out: list[dict] = []
    line_of: dict[int, int] = {}
    first_line: dict[str, int] = {}
    known = {*FIELDS[task], *OPTIONAL.get(task, {})}
    unknown: dict[str, int] = {}
    class_labels: dict[str, tuple[int, int, str]] = {}
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            p = json.loads(line)
        except json.JSONDecodeError as e:
            raise PredictionError(where, i, f"not JSON: {e.msg}") from None
        if not isinstance(p, dict):
            raise PredictionError(where, i, "a prediction is a JSON object")
        for f in p.keys() - known:
            unknown.setdefault(f, i)
        as_int = {f: p[f] for f in VOCAB_FIELDS[task] if f in p}
        read, reason = _read_class_labels(p, task)
        for f in read:
            class_labels.setdefault(f, (i, as_int[f], p[f]))
        reason = reason or _check_fields(p, task, vocab)
        if reason:
            raise PredictionError(where, i, reason)
        reason = _id_problem(p, task, texts, claims, first_line)
        if reason:
            raise PredictionError(where, i, reason)
        if task == "verification":
            first_line[p["claim_id"]] = i
        line_of[id(p)] = i
        out.append(p)
    if not out and not allow_empty:
        raise PredictionError(where, len(lines) or 1, f"no predictions (the file has no JSON line): give one "
                              f"{task} prediction per line, see --help")
    _warn(where, task, unknown, class_labels)
    if task in OVERLAP_GROUP:
        clash = overlapping(out, OVERLAP_GROUP[task])
        if clash:
            a, b = sorted(clash, key=lambda s: line_of[id(s)])
            kind = " of the same noise_type" if task == "noise_detection" else ""
            raise PredictionError(where, line_of[id(b)], f"span [{b['char_start']}:{b['char_end']}] of {b['doc_id']} overlaps "
                                  f"the span [{a['char_start']}:{a['char_end']}]{kind} on line {line_of[id(a)]}")
    return out


def _targets(gold: list[dict]) -> list[dict]:
    return [dict(t, doc_id=g["doc_id"]) for g in gold for t in g["targets"]]


def _round(d: dict) -> dict:
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in d.items()}


def _iso(d) -> str | None:
    return None if d is None else str(d)


def value_right(pred: Mapping, gold: Mapping) -> bool:
    return pred["unit"] == gold["unit"] and abs(pred["value"] - gold["value"]) <= VALUE_TOLERANCE * abs(gold["value"])


# extraction fields scored on the exact matches: name -> is the prediction's field right
FIELD_CHECKS = {
    "value": value_right,
    "unit": lambda p, t: p["unit"] == t["unit"],
    "period": lambda p, t: (p["period_start"], p["period_end"]) == (_iso(t["period_start"]), _iso(t["period_end"])),
    "metric": lambda p, t: p.get("metric") == t["metric"],
    "bound": lambda p, t: p.get("bound") == t["bound"],
}


def score_extraction(preds: list[dict], gold: list[dict]) -> dict:
    targets = _targets(gold)
    exact = exact_pairs(preds, targets)
    out = {**span_scores("span_", exact, len(preds), len(targets)),
           **span_scores("partial_", partial_pairs(preds, targets), len(preds), len(targets)),
           **span_scores("typed_", exact_pairs(preds, targets, value_right), len(preds), len(targets))}
    for name, right in FIELD_CHECKS.items():
        out[f"{name}_accuracy"] = sum(1 for p, t in exact if right(p, t)) / len(exact) if exact else 0.0
    return _round({**out, "n_predictions": len(preds), "n_targets": len(targets)})


def label_scores(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict:
    """Accuracy and per-label precision, recall, F1 and support, with 0 for an empty denominator: what
    sklearn's accuracy_score and precision_recall_fscore_support(labels=…, zero_division=0) return
    (tests/test_benchmark.py compares them). Counted here because the bootstrap calls the scorer 300 times per
    baseline and sklearn's input checks took 99% of each call (60 of a build's 150 s, cProfile)."""
    tp: Counter[str] = Counter()
    n_pred, n_true = Counter(y_pred), Counter(y_true)
    tp.update(t for t, p in zip(y_true, y_pred) if t == p)
    out: dict = {"accuracy": sum(tp.values()) / len(y_true) if y_true else 0.0}
    for lab in labels:
        out[lab] = (tp[lab] / n_pred[lab] if n_pred[lab] else 0.0, tp[lab] / n_true[lab] if n_true[lab] else 0.0,
                    2 * tp[lab] / (n_true[lab] + n_pred[lab]) if n_true[lab] + n_pred[lab] else 0.0, n_true[lab])
    return out


def score_verification(preds: list[dict], gold: list[dict]) -> dict:
    labels = list(schema.load().vocab["verdict"])
    pred = {p["claim_id"]: p["verdict"] for p in preds}
    y_true = [g["label"] for g in gold]
    y_pred = [pred.get(g["claim_id"], "(missing)") for g in gold]  # an unanswered claim counts as wrong
    scores = label_scores(y_true, y_pred, labels)
    out = {"accuracy": scores["accuracy"], "macro_f1": sum(scores[lab][2] for lab in labels) / len(labels),
           "n_predictions": len(preds), "n_targets": len(gold)}
    for lab in labels:
        p, r, f, s = scores[lab]
        out.update({f"{lab}_precision": p, f"{lab}_recall": r, f"{lab}_f1": f, f"{lab}_support": s})
    return _round(out)


def score_noise(preds: list[dict], gold: list[dict]) -> dict:
    targets = _targets(gold)
    same_type = lambda p, t: p["noise_type"] == t["noise_type"]
    out = {**span_scores("span_", exact_pairs(preds, targets), len(preds), len(targets)),
           **span_scores("partial_", partial_pairs(preds, targets), len(preds), len(targets)),
           **span_scores("typed_", exact_pairs(preds, targets, same_type), len(preds), len(targets)),
           "n_predictions": len(preds), "n_targets": len(targets)}
    by_type: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for p in preds:
        by_type[p["noise_type"]][0].append(p)
    for t in targets:
        by_type[t["noise_type"]][1].append(t)
    for kind in schema.load().vocab["noise_type"]:
        tp, tt = by_type[kind]
        if tt:  # a type without a gold span in the split has no F1 (a 0.0 would read as a failure)
            out[f"{kind}_f1"] = prf(len(exact_pairs(tp, tt)), len(tp), len(tt))[2]
    return _round(out)


SCORERS = {"extraction": score_extraction, "verification": score_verification, "noise_detection": score_noise}
# the metrics the card's tables show, each with its 95% bootstrap interval in `ci95`
HEADLINE = {"extraction": ["span_precision", "span_recall", "span_f1", "partial_f1", "typed_f1", "value_accuracy", "unit_accuracy",
                           "period_accuracy", "metric_accuracy", "bound_accuracy"],
            "verification": ["accuracy", "macro_f1", "supported_f1", "refuted_f1", "not_enough_info_f1"],
            "noise_detection": ["span_precision", "span_recall", "span_f1", "partial_precision", "partial_recall", "partial_f1",
                                "typed_f1", "page_furniture_f1", "boilerplate_f1"]}


def score(task: str, preds: list[dict], gold: list[dict], ci: bool = True) -> dict:
    """The task's metrics and, with ci, `ci95`: {headline metric: [low, high]} (scripts/benchmark/bootstrap.py)."""
    out = SCORERS[task](preds, gold)
    if ci:
        from scripts.benchmark import bootstrap  # numpy: when scoring only
        out["ci95"] = bootstrap.intervals(task, preds, gold, SCORERS[task], HEADLINE[task])
    return out


def evaluate(task: str, predictions, release: Path | None = None, split: str | None = None) -> dict:
    """predictions: a JSONL path, or a list of dicts / JSON lines; split: test (default), train or validation."""
    release = paths.current_release(release)
    preds = read_predictions(predictions, task, release, split)
    return score(task, preds, _gold(task, release, split))
