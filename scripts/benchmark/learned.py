"""Learned baselines: trained on the release's generated `train` split, tuned on `validation`, scored on `test`.

- extraction and noise_detection: a character CRF (python-crfsuite, L-BFGS) over a window of characters and
  character classes with BIO tags (IO for noise); for noise the tag carries the noise type, so one model finds
  every type. Each seed trains on its own random sample of `train` documents (CRF below).
- verification: logistic regression (scikit-learn) on features comparing the claim with its closest
  evidence-pool fact (value ratio, scale slip of 10^4, shared year, shared characters of the fact's statement).

Each model's regularisation is picked on `validation`; the seed draws the training sample (CRF) or order
(verifier), so a seed gives the same predictions every run. `train(task, release, seed, limit)` returns
predictions for validation and test and the training seconds; `limit` caps training documents/claims (tests use
it to stay fast). Features are computed once per text and process, so three seeds cost little more than one:
`python -m scripts.baselines --learned` takes about 3 minutes on this project's 2-core machine (it took
over 10 before v0.11.0: features rebuilt for every setting, every split tagged by every setting, 500 documents)."""
from __future__ import annotations

import hashlib
import json
import math
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pycrfsuite

import schema
from scripts.benchmark import rule_baselines as baselines
from scripts.benchmark.scoring import HEADLINE, SCORERS, _gold, score
from scripts.normalize.values import SurfaceValueError, parse_value

SPLITS = ("train", "validation", "test")
SCORED = ("validation", "test")  # the splits predicted and scored (train only fits the model)
# per CRF task: L2 settings tried on validation, training documents drawn per seed from train, L-BFGS
# iterations. Measured in v0.11.0 (CHANGELOG): 200 documents and 30 iterations score the same test F1 as
# 500 and 60 (extraction 0.457 and 0.448) in a fifth of the time; the noise CRF's cost grows with its 12
# labels, so it takes 100 documents and the two settings validation ever chose
CRF: dict[str, dict[str, Any]] = {"extraction": {"c2": (0.01, 0.1, 1.0), "docs": 200, "iterations": 30},
                                  "noise_detection": {"c2": (0.1, 1.0), "docs": 100, "iterations": 30}}
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
    """Per character: the characters and classes at -2..+2, the class bigram (-1, 0) and the character bigrams
    (0, +1) and (-1, 0). Built from padded columns in one pass (the per-character loop took 40% of training)."""
    n = len(text)
    chars = ["<>", "<>", *text, "<>", "<>"]
    cls = ["<>", "<>", *(_cls(c) for c in text), "<>", "<>"]
    cols = [[f"c{o}={c}" for c in chars[2 + o:2 + o + n]] for o in (-2, -1, 0, 1, 2)]
    kcols = [[f"k{o}={k}" for k in cls[2 + o:2 + o + n]] for o in (-2, -1, 0, 1, 2)]
    bi = [f"c0c1={text[i:i + 2]}" for i in range(n)]
    bi_left = ["c-1c0=" + (text[i - 1:i + 1] if i else text[:1]) for i in range(n)]
    kk = [f"k-1k0={a}{b}" for a, b in zip(cls[1:1 + n], cls[2:2 + n])]
    return [["b", cols[0][i], kcols[0][i], cols[1][i], kcols[1][i], cols[2][i], kcols[2][i], cols[3][i], kcols[3][i],
             cols[4][i], kcols[4][i], kk[i], bi[i], bi_left[i]] for i in range(n)]


_SEQ: dict[str, pycrfsuite.ItemSequence] = {}


def _items(text: str) -> pycrfsuite.ItemSequence:
    """The text's features as crfsuite items, made once per text and process (every seed, setting and task reuses them)."""
    if text not in _SEQ:
        _SEQ[text] = pycrfsuite.ItemSequence(_features(text))
    return _SEQ[text]


def _tags(text: str, targets: list[dict], label, begin: bool = True) -> list[str]:
    """BIO tags, or IO tags (every character of a span I-) when not `begin`: the noise CRF's 12 labels instead of
    23 make its forward-backward passes four times cheaper, and two same-type noise spans rarely touch."""
    tags = ["O"] * len(text)
    for t in sorted(targets, key=lambda t: (t["char_start"], -t["char_end"])):
        if any(tags[i] != "O" for i in range(t["char_start"], t["char_end"])):
            continue  # nested or crossing spans: the first (outermost) one is the one tagged
        lab = label(t)
        tags[t["char_start"]] = f"{'B' if begin else 'I'}-{lab}"
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


SPAN_TASKS = {"extraction": (lambda t: "V", _extraction_pred, True),
              "noise_detection": (lambda t: t["noise_type"], _noise_pred, False)}  # (tag label, prediction, BIO)


def _crf(task: str, data: dict[str, list[dict]], seed: int, limit: int | None) -> tuple[dict, float, dict]:
    label, to_pred, begin = SPAN_TASKS[task]
    docs = list(data["train"])
    random.Random(seed).shuffle(docs)
    cfg = CRF[task]
    docs = docs[:limit or cfg["docs"]]  # the seed draws which documents are trained on
    best = None
    t0 = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    for d in docs:  # appended once: crfsuite keeps the data across train() calls with other parameters
        trainer.append(_items(d["text"]), _tags(d["text"], d["targets"], label, begin))
    with tempfile.TemporaryDirectory() as tmp:
        for c2 in cfg["c2"]:
            trainer.set_params({"c1": 0.0, "c2": c2, "max_iterations": cfg["iterations"], "feature.possible_transitions": True})
            model = str(Path(tmp) / f"{c2}.crf")
            trainer.train(model)
            tagger = pycrfsuite.Tagger()
            tagger.open(model)
            val = SCORERS[task](_tag_all(tagger, data["validation"], to_pred), data["validation"])[TUNE_METRIC[task]]
            if best is None or val > best[0]:
                best = (val, c2, model)
        assert best is not None  # the grid is not empty
        secs = time.perf_counter() - t0
        tagger = pycrfsuite.Tagger()
        tagger.open(best[2])
        preds = {split: _tag_all(tagger, data[split], to_pred) for split in SCORED}
    return preds, secs, {"c2": best[1], "train_docs": len(docs), "max_iterations": cfg["iterations"]}


def _tag_all(tagger, rows: list[dict], to_pred) -> list[dict]:
    out = []
    for d in rows:
        for s, e, lab in _spans(tagger.tag(_items(d["text"]))):
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


def _directions(text: str) -> set[str]:
    """increase/decrease, as the declared direction words (schema/vocab.yaml) in the text say."""
    vocab = schema.load().vocab["direction"]
    return {d for d in ("increase", "decrease") if any(w in text for w in vocab[d]["words"])}


def verifier_features(row: dict) -> list[float]:
    """Claim against its closest pool fact: |log10 value ratio|, a 10^4 (亿/万) slip, a shared year, character overlap
    of the fact's statement with the quote, pool size, whether a number was read, and whether the quote's direction
    word is the opposite of the fact statement's (a spun 增长→下降 leaves the figure right and the claim wrong)."""
    nums = _numbers(row["quote"])
    years = set(YEAR.findall(row["quote"]))
    best = [9.0, 0.0, 0.0, 0.0]
    stated, against = _directions(row["quote"]), set()
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
            best, against = cand, _directions(f["statement_zh"] or "")
    exact = float(best[0] < 0.005)
    opposite = float(len(stated) == len(against) == 1 and stated != against)
    return [min(best[0], 9.0), exact, best[1], best[2], best[3], exact * best[2], float(len(row["evidence_pool"])),
            float(bool(nums)), opposite, exact * opposite]


_VF: dict[str, list[float]] = {}


def _vf(row: dict) -> list[float]:
    """verifier_features, computed once per claim and process (claim ids are unique across the splits)."""
    if row["claim_id"] not in _VF:
        _VF[row["claim_id"]] = verifier_features(row)
    return _VF[row["claim_id"]]


def _verifier(data: dict[str, list[dict]], seed: int, limit: int | None) -> tuple[dict, float, dict]:
    t0 = time.perf_counter()
    train = list(data["train"])
    random.Random(seed).shuffle(train)
    train = train[:limit] if limit else train
    X = {s: np.array([_vf(r) for r in data[s]]) for s in SCORED}
    Xt = np.array([_vf(r) for r in train])
    y = [r["label"] for r in train]
    best = None
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - only training needs it; the card build reads scores
    for c in C_LR:
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed).fit(Xt, y)
        preds = {s: [{"claim_id": r["claim_id"], "verdict": str(v)} for r, v in zip(data[s], model.predict(X[s]))]
                 for s in SCORED}
        val = SCORERS["verification"](preds["validation"], data["validation"])["macro_f1"]
        if best is None or val > best[0]:
            best = (val, c, preds)
    assert best is not None  # C_LR is not empty
    return best[2], time.perf_counter() - t0, {"C": best[1], "train_claims": len(train)}


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
    """Train every task for each seed, score validation and test (with intervals) and write `out`."""
    t0 = time.perf_counter()
    result: dict = {"inputs": inputs_key(release), "seeds": list(seeds), "tasks": {}}
    gold = {(task, s): _gold(task, release, None if s == "test" else s) for task in TUNE_METRIC for s in SCORED}
    for task in TUNE_METRIC:
        runs: list[dict[str, Any]] = []
        preds_of: dict[int, dict[str, list[dict]]] = {}
        for seed in seeds:
            preds, secs, setting = train(task, release, seed)
            preds_of[seed] = preds
            runs.append({"seed": seed, "train_seconds": round(secs, 1), "setting": setting,
                         "scores": {s: score(task, p, gold[task, s], ci=False) for s, p in preds.items()}})
        # intervals (300 resamples each, a third of the run's time) only for the runs the card and the transfer
        # table show: the first seed and the median seed on test
        for r in {id(r): r for r in (runs[0], _median_run(task, runs))}.values():
            r["scores"] = {s: score(task, p, gold[task, s]) for s, p in preds_of[r["seed"]].items()}
        result["tasks"][task] = runs
    result["rules"] = {task: {s: score(task, RULES[task][1](gold[task, s]), gold[task, s]) for s in SCORED}
                       for task in TUNE_METRIC}
    result["seconds"] = round(time.perf_counter() - t0, 1)  # not part of the inputs key: it varies with the machine
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return result


# the rule baseline each learned model is set beside in the transfer table
RULES: dict[str, tuple[str, Callable[[list[dict]], list[dict]]]] = {
    "extraction": ("rules (jionlp numbers)", baselines.extraction_baseline),
    "noise_detection": ("line patterns", baselines.noise_baseline),
    "verification": ("value in evidence pool", baselines.verification_rule)}


def _median_run(task: str, runs: list[dict]) -> dict:
    """The run whose test score is the median of the seeds' (the upper one of an even number)."""
    return sorted(runs, key=lambda r: r["scores"]["test"][TUNE_METRIC[task]])[len(runs) // 2]


def transfer(res: dict) -> str:
    """The transfer table (task x model x split): the learned model's median over the seeds, with the seeds' range
    and the 95% bootstrap interval of the median seed's run, beside the rule baseline with its interval."""
    lines = ["| task | metric | model | validation | test | validation − test |", "|---|---|---|---:|---:|---:|"]
    for task, runs in res["tasks"].items():
        m = TUNE_METRIC[task]
        mid = _median_run(task, runs)

        def cell(scores: dict, vals: list[float] | None = None) -> str:
            lo, hi = scores["ci95"][m]
            spread = f" (seeds {min(vals):.3f}–{max(vals):.3f})" if vals and len(vals) > 1 else ""
            return f"{scores[m]:.3f} [{lo:.2f}, {hi:.2f}]{spread}"
        med = {s: float(np.median([r["scores"][s][m] for r in runs])) for s in SCORED}
        learned_cells = [cell(dict(mid["scores"][s], **{m: med[s]}), [r["scores"][s][m] for r in runs]) for s in SCORED]
        name = "verifier (logistic regression)" if task == "verification" else "character CRF"
        lines.append(f"| {task} | {m} | {name}, median of {len(runs)} seeds | " + " | ".join(learned_cells)
                     + f" | {med['validation'] - med['test']:+.3f} |")
        rule = res["rules"][task]
        lines.append(f"| {task} | {m} | {RULES[task][0]} (rule) | " + " | ".join(cell(rule[s]) for s in SCORED)
                     + f" | {rule['validation'][m] - rule['test'][m]:+.3f} |")
    return "\n".join(lines) + f"\n\n{len(res['seeds'])} seeds, {res['seconds']:.0f} s in all (`python -m scripts.baselines --learned`).\n"


def table(release: Path, path: Path = SCORES) -> str:
    """The seed-0 model's scores on test and validation with intervals, and the training time; a line saying how to
    compute them when the cached scores are missing or for other inputs."""
    # a release without generated splits (a generated corpus's own build) has nothing to train on
    has_splits = all((release / schema_file(task, s)).exists() for task in TUNE_METRIC for s in SPLITS)
    if not (path.exists() and has_splits) or json.loads(path.read_text(encoding="utf-8"))["inputs"] != inputs_key(release):
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
