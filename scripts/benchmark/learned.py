"""Learned baselines: trained on the release's generated `train` split, tuned on `validation`, scored on `test`.

- extraction and noise_detection: a character CRF (python-crfsuite, L-BFGS) over a window of characters and
  character classes with BIO tags; for noise the tag carries the noise type, so one model finds every type.
- verification: logistic regression (scikit-learn) on features comparing the claim with its closest
  evidence-pool fact (value ratio, scale slip of 10^4, shared year, shared characters of the fact's statement).

Each model's regularisation is picked on `validation`; the seed shuffles the training order, so a seed gives
the same predictions every run. `train(task, release, seed, limit)` returns predictions for every split and
the training seconds; `limit` caps training documents/claims (tests use it to stay fast)."""
from __future__ import annotations

import hashlib
import json
import math
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pycrfsuite

import schema
from scripts.evaluate import HEADLINE, SCORERS, _gold, score
from scripts.normalize.values import SurfaceValueError, parse_value

SPLITS = ("train", "validation", "test")
C2 = (0.01, 0.1, 1.0)  # L2 settings tried on validation
C_LR = (0.1, 1.0, 10.0)
TUNE_METRIC = {"extraction": "span_f1", "noise_detection": "typed_f1", "verification": "macro_f1"}


def _cls(ch: str) -> str:
    if ch.isdigit() or ch in "０１２３４５６７８９":
        return "D"
    if ch in "一二两三四五六七八九十百千万亿":
        return "N"
    if ch.isspace():
        return "S"
    if ch.isascii() and ch.isalpha():
        return "A"
    if "\u4e00" <= ch <= "\u9fff":
        return "H"
    return "P"


def _features(text: str) -> list[list[str]]:
    cls = [_cls(c) for c in text]
    out = []
    for i in range(len(text)):
        f = ["b"]
        for o in (-2, -1, 0, 1, 2):
            j = i + o
            c, k = (text[j], cls[j]) if 0 <= j < len(text) else ("<>", "<>")
            f += [f"c{o}={c}", f"k{o}={k}"]
        f += [f"k-1k0={f[4][4:]}{cls[i]}", f"c0c1={text[i:i + 2]}", f"c-1c0={text[max(0, i - 1):i + 1]}"]
        out.append(f)
    return out


def _tags(text: str, targets: list[dict], label) -> list[str]:
    tags = ["O"] * len(text)
    for t in sorted(targets, key=lambda t: (t["char_start"], -t["char_end"])):
        if any(tags[i] != "O" for i in range(t["char_start"], t["char_end"])):
            continue  # nested or crossing spans: the first (outermost) one is the one tagged
        lab = label(t)
        tags[t["char_start"]] = f"B-{lab}"
        for i in range(t["char_start"] + 1, t["char_end"]):
            tags[i] = f"I-{lab}"
    return tags


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    lab = ""
    for i, t in enumerate([*tags, "O"]):
        if start is not None and not (t.startswith("I-") and t[2:] == lab):
            spans.append((start, i, lab))
            start = None
        if t.startswith("B-") or (t.startswith("I-") and start is None):
            start, lab = i, t[2:]
    return spans


def _extraction_pred(doc: dict, s: int, e: int, _lab: str) -> dict | None:
    try:
        v = parse_value(doc["text"][s:e])
    except SurfaceValueError:
        return None  # the scorer needs a value; a span the parser cannot read is dropped
    return {"doc_id": doc["doc_id"], "char_start": s, "char_end": e, "value": v.value, "unit": v.unit or "count",
            "bound": v.bound, "period_start": None, "period_end": None}


def _noise_pred(doc: dict, s: int, e: int, lab: str) -> dict:
    return {"doc_id": doc["doc_id"], "char_start": s, "char_end": e, "noise_type": lab}


SPAN_TASKS = {"extraction": (lambda t: "V", _extraction_pred), "noise_detection": (lambda t: t["noise_type"], _noise_pred)}


def _crf(task: str, data: dict[str, list[dict]], seed: int, limit: int | None) -> tuple[dict, float, dict]:
    label, to_pred = SPAN_TASKS[task]
    docs = list(data["train"])
    random.Random(seed).shuffle(docs)
    docs = docs[:limit] if limit else docs
    best = None
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for c2 in C2:
            trainer = pycrfsuite.Trainer(verbose=False)
            for d in docs:
                trainer.append(_features(d["text"]), _tags(d["text"], d["targets"], label))
            trainer.set_params({"c1": 0.0, "c2": c2, "max_iterations": 60, "feature.possible_transitions": True})
            model = str(Path(tmp) / f"{c2}.crf")
            trainer.train(model)
            tagger = pycrfsuite.Tagger()
            tagger.open(model)
            preds = {split: _tag_all(tagger, rows, to_pred) for split, rows in data.items() if split != "train" or not limit}
            val = SCORERS[task](preds["validation"], data["validation"])[TUNE_METRIC[task]]
            if best is None or val > best[0]:
                best = (val, c2, preds)
    assert best is not None  # C2 is not empty
    return best[2], time.perf_counter() - t0, {"c2": best[1]}


def _tag_all(tagger, rows: list[dict], to_pred) -> list[dict]:
    out = []
    for d in rows:
        for s, e, lab in _spans(tagger.tag(_features(d["text"]))):
            p = to_pred(d, s, e, lab)
            if p:
                out.append(p)
    return out


NUM = re.compile(r"\d+(?:\.\d+)?(?:万亿|亿|万|千)?%?")
YEAR = re.compile(r"(20\d\d)年")


def _numbers(text: str) -> list[float]:
    out = []
    for m in NUM.finditer(text):
        if re.fullmatch(r"20\d\d", m.group()):
            continue
        try:
            out.append(parse_value(m.group()).value)
        except SurfaceValueError:
            pass
    return [v for v in out if v]


def verifier_features(row: dict) -> list[float]:
    """Claim against its closest pool fact: |log10 value ratio|, a 10^4 (亿/万) slip, a shared year, character overlap
    of the fact's statement with the quote, pool size and whether a number was read."""
    nums = _numbers(row["quote"])
    years = set(YEAR.findall(row["quote"]))
    best = [9.0, 0.0, 0.0, 0.0]
    for f in row["evidence_pool"]:
        if not f["value"]:
            continue
        ratio = min((abs(math.log10(abs(v) / abs(f["value"]))) for v in nums if v), default=9.0)
        slip = float(any(abs(abs(math.log10(abs(v) / abs(f["value"]))) - 4) < 0.01 for v in nums if v))
        year = float(bool(years) and any(str(y) in years for y in range(f["period_start"].year, f["period_end"].year + 1)))
        stmt = set(f["statement_zh"] or "")
        overlap = len(stmt & set(row["quote"])) / max(1, len(stmt))
        cand = [ratio, slip, year, overlap]
        if (ratio, -overlap) < (best[0], -best[3]):
            best = cand
    exact = float(best[0] < 0.005)
    return [min(best[0], 9.0), exact, best[1], best[2], best[3], exact * best[2], float(len(row["evidence_pool"])), float(bool(nums))]


def _verifier(data: dict[str, list[dict]], seed: int, limit: int | None) -> tuple[dict, float, dict]:
    t0 = time.perf_counter()
    train = list(data["train"])
    random.Random(seed).shuffle(train)
    train = train[:limit] if limit else train
    X = {s: np.array([verifier_features(r) for r in rows]) for s, rows in data.items()}
    Xt = np.array([verifier_features(r) for r in train])
    y = [r["label"] for r in train]
    best = None
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - only training needs it; the card build reads scores
    for c in C_LR:
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed).fit(Xt, y)
        preds = {s: [{"claim_id": r["claim_id"], "verdict": str(v)} for r, v in zip(rows, model.predict(X[s]))]
                 for s, rows in data.items()}
        val = SCORERS["verification"](preds["validation"], data["validation"])["macro_f1"]
        if best is None or val > best[0]:
            best = (val, c, preds)
    assert best is not None  # C_LR is not empty
    return best[2], time.perf_counter() - t0, {"C": best[1]}


def train(task: str, release: Path, seed: int = 0, limit: int | None = None) -> tuple[dict[str, list[dict]], float, dict]:
    """({split: predictions}, training seconds (all settings tried), the setting validation chose)."""
    data = {s: _gold(task, release, None if s == "test" else s) for s in SPLITS}
    if task == "verification":
        return _verifier(data, seed, limit)
    return _crf(task, data, seed, limit)


SCORES = Path(__file__).with_name("learned_scores.json")  # committed; the card shows it only if its inputs match


def inputs_key(release: Path) -> str:
    """sha256 of the task tables of every split and of this module: a cached score is for these bytes only."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for task in TUNE_METRIC:
        for s in SPLITS:
            h.update((release / schema_file(task, s)).read_bytes())
    return h.hexdigest()


def schema_file(task: str, split: str) -> str:
    return schema.load().tables[task].file(None if split == "test" else split)


def run(release: Path, seeds: tuple[int, ...] = (0, 1, 2), out: Path = SCORES) -> dict:
    """Train every task for each seed, score each split (with intervals on test) and write `out`."""
    result: dict = {"inputs": inputs_key(release), "seeds": list(seeds), "tasks": {}}
    for task in TUNE_METRIC:
        runs = []
        for seed in seeds:
            preds, secs, setting = train(task, release, seed)
            runs.append({"seed": seed, "train_seconds": round(secs, 1), "setting": setting,
                         "scores": {s: score(task, p, _gold(task, release, None if s == "test" else s), ci=s != "train")
                                    for s, p in preds.items()}})
        result["tasks"][task] = runs
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return result


def table(release: Path, path: Path = SCORES) -> str:
    """The seed-0 model's scores on test and validation with intervals, and the training time; a line saying how to
    compute them when the cached scores are missing or for other inputs."""
    if not path.exists() or json.loads(path.read_text(encoding="utf-8"))["inputs"] != inputs_key(release):
        return "Learned baselines: not computed for this release's splits (`python -m scripts.baselines --learned`).\n"
    res = json.loads(path.read_text(encoding="utf-8"))
    lines = ["*learned* (trained on train, tuned on validation; seed 0; training time covers every setting tried)\n"]
    for task, runs in res["tasks"].items():
        r, cols = runs[0], HEADLINE[task]
        lines += [f"**{task}**\n", "| model | split | train s | " + " | ".join(cols) + " |", "|---|---|---:|" + "---:|" * len(cols)]
        name = "verifier (logistic regression)" if task == "verification" else "character CRF"
        for split in ("test", "validation"):
            m = r["scores"][split]
            lines.append(f"| {name} | {split} | {r['train_seconds']:.1f} | "
                         + " | ".join(f"{m[c]:.3f} [{m['ci95'][c][0]:.2f}, {m['ci95'][c][1]:.2f}]" for c in cols) + " |")
        lines.append("")
    return "\n".join(lines)
