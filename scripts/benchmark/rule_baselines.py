"""The rule baselines of the three benchmark tasks, run on the release's task tables (text, dates and, for
verification, the figures of the candidate evidence pool), never on the annotations; `python -m scripts.baselines`
is their command line. They live here, below the entry points, as the learned baselines and the datasheet use them."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from scripts.benchmark.scoring import HEADLINE, _gold, read_predictions, score

# A number with the qualifier, scale and unit words parse_value understands.
NUMBER = re.compile(r"(?:近|约为|约|超过|超|逾|不到|不足|起码|至少|高达|突破了|上)?"
                    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)(?:万亿|千亿|百亿|十亿|亿|千万|百万|万|千)?"
                    r"(?:多|余)?(?:%|倍|元|人次|家|个|条|笔|名|部|组|人|对)?(?:以上|左右)?")
YEAR = re.compile(r"\d{4}年(?:第?[一二三四]季度)?|(?:今年|去年|明年)(?:第?[一二三四]季度)?")
MONEY_CONTEXT = re.compile(r"GMV|收入|营收|营业额|销售额|市值|投入|规模|资金|好礼|基金|红包")


def extraction_baseline(rows: list[dict]) -> list[dict]:
    # jionlp takes seconds to import: here, not at the top, so --help and a mistake answer at once
    from scripts.normalize.periods import PeriodError, resolve
    from scripts.normalize.values import SurfaceValueError, parse_value

    preds = []
    for d in rows:
        text = d["text"]
        for m in NUMBER.finditer(text):
            surface = m.group()
            if not re.search(r"\d", surface) or re.match(r"\d{4}$", surface) or text[m.end():m.end() + 1] in "年月日号:-.":
                continue  # years, dates and times are not claims
            if not re.search(r"[%倍元亿万千百家个条笔名部组人对]", surface):
                continue  # a bare number without a unit or scale word is most often an id or a page counter
            try:
                v = parse_value(surface)
            except SurfaceValueError:
                continue
            unit = v.unit or ("CNY" if MONEY_CONTEXT.search(text[max(0, m.start() - 15):m.end() + 4]) else "count")
            period = None
            sent_start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            years = list(YEAR.finditer(text, sent_start, m.start()))
            if years:
                try:
                    period = resolve(years[-1].group(), d["reference_date"])
                except PeriodError:
                    period = None
            preds.append({"doc_id": d["doc_id"], "char_start": m.start(), "char_end": m.end(), "value": v.value,
                          "unit": unit, "bound": v.bound, "period_start": str(period.start) if period else None,
                          "period_end": str(period.end) if period else None})
    return preds


def verification_majority(rows: list[dict]) -> list[dict]:
    label = Counter(r["label"] for r in rows).most_common(1)[0][0]
    return [{"claim_id": r["claim_id"], "verdict": label} for r in rows]


def verification_empty_pool(rows: list[dict]) -> list[dict]:
    """The leak check: an empty evidence pool means not_enough_info, any other supported. Before the pool
    (v0.7.0 and earlier, evidence given only for decided claims) this scored far above the majority class."""
    return [{"claim_id": r["claim_id"], "verdict": "supported" if r["evidence_pool"] else "not_enough_info"} for r in rows]


def verification_rule(rows: list[dict]) -> list[dict]:
    """A number of the claim within 1% of a figure in its evidence pool: supported; otherwise not_enough_info."""
    from scripts.normalize.values import SurfaceValueError, parse_value

    preds = []
    for r in rows:
        verdict = "not_enough_info"
        nums = [m.group() for m in NUMBER.finditer(r["quote"]) if re.search(r"\d", m.group()) and not re.match(r"\d{4}$", m.group())]
        official = [e["value"] for e in r["evidence_pool"]]
        for n in nums:
            try:
                v = parse_value(n).value
            except SurfaceValueError:
                continue
            if any(abs(v - o) <= 0.01 * abs(o) for o in official):
                verdict = "supported"
        preds.append({"claim_id": r["claim_id"], "verdict": verdict})
    return preds


NOISE_RULES = [  # (pattern over a line, noise_type)
    (re.compile(r"^\s*(?:\d+W?|粉丝数|点赞数)\s*$"), "page_furniture"),
    (re.compile(r"图片\[\d+\]|图片\.png|^\s*(?:点赞\d*|分享|评论.*|请登录后发表评论|THE END|© 版权声明|喜欢就支持一下吧)\s*$"), "page_furniture"),
    (re.compile(r"当前位置|发布时间|Powered by|欢迎光临|打印本页|\d+小时前|^匿名用户$"), "page_furniture"),
    (re.compile(r"免责声明|版权声明|温馨提醒|侵权"), "boilerplate"),
    (re.compile(r"微信号|合作联系|注册免费"), "advertisement"),
]


def noise_baseline(rows: list[dict]) -> list[dict]:
    preds = []
    for d in rows:
        pos = 0
        for line in d["text"].split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                continue
            for rx, kind in NOISE_RULES:
                if rx.search(line):
                    preds.append({"doc_id": d["doc_id"], "char_start": start, "char_end": end, "noise_type": kind})
                    break
    return preds


BASELINES = {
    "extraction": {"rules (jionlp numbers)": extraction_baseline},
    "verification": {"majority class": verification_majority, "empty pool → not_enough_info": verification_empty_pool,
                     "value in evidence pool": verification_rule},
    "noise_detection": {"line patterns": noise_baseline},
}


def run_all(release: Path, out: Path | None = None, split: str | None = None) -> dict:
    scores: dict[str, dict] = {}
    for task, fns in BASELINES.items():
        rows = _gold(task, release, split)
        scores[task] = {}
        for name, fn in fns.items():
            preds = fn(rows)
            read_predictions(preds, task, release, split, allow_empty=True)  # the baselines obey the prediction contract
            scores[task][name] = score(task, preds, rows, ci=split in (None, "test"))  # intervals on test
            if out:
                out.mkdir(parents=True, exist_ok=True)
                slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
                (out / f"{split or 'test'}__{task}__{slug}.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds),
                                                          encoding="utf-8")
    return scores


def _cell(m: dict, c: str) -> str:
    """The score, and its 95% bootstrap interval when the scores have one; — for a metric the split has none of
    (a noise type without a gold span)."""
    if c not in m:
        return "—"
    if c in m.get("ci95", {}):
        lo, hi = m["ci95"][c]
        return f"{m[c]:.3f} [{lo:.2f}, {hi:.2f}]"
    return f"{m[c]:.3f}"


def table(scores: dict) -> str:
    lines = []
    for task, by_name in scores.items():
        cols = HEADLINE[task]
        lines.append(f"**{task}**\n")
        lines.append("| baseline | " + " | ".join(cols) + " |")
        lines.append("|---|" + "---:|" * len(cols))
        for name, m in by_name.items():
            lines.append(f"| {name} | " + " | ".join(_cell(m, c) for c in cols) + " |")
        lines.append("")
    return "\n".join(lines)
