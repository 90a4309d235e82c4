"""What a prediction file looks like and how it is scored: one text, printed by
`python -m scripts.evaluate --help` and written into the card's "Submission format"
section (scripts/docs/card.py), so the two cannot differ. The example lines are real
predictions for the test split; tests/test_benchmark.py scores them."""
from __future__ import annotations

import json

from scripts.benchmark.metrics import PARTIAL_IOU

# task -> (fields, one example line)
FORMATS: dict[str, tuple[str, dict]] = {
    "extraction": (
        "doc_id, char_start, char_end (the value span, str indices into text, end exclusive), value (number), "
        "unit (vocab unit), period_start and period_end (ISO date or null); optional metric (vocab metric) "
        "and bound (vocab bound), scored when given and counted wrong when absent.",
        {"doc_id": "004_54b17cd3334fa9d2", "char_start": 1659, "char_end": 1663, "value": 5.96e10, "unit": "CNY",
         "period_start": "2019-01-01", "period_end": "2019-12-31", "metric": "gmv", "bound": "exact"}),
    "verification": (
        "claim_id and verdict (supported, refuted or not_enough_info); at most one line per claim_id, and an "
        "unanswered claim counts as wrong.",
        {"claim_id": "000-c04", "verdict": "refuted"}),
    "noise_detection": (
        "doc_id, char_start, char_end and noise_type (vocab noise_type). Spans of one noise type must not "
        "overlap; spans of different types may (the gold nests layers too: a repost date inside page furniture).",
        {"doc_id": "000_7c51db7d224d44d0", "char_start": 97, "char_end": 110, "noise_type": "antonym_substitution"}),
}

RULES = (
    "A prediction file is JSON Lines: one JSON object per line, blank lines ignored. The scorer refuses the "
    "whole file (exit 2, naming the line and field) when it holds no prediction, and for a line that is not such an "
    "object, a missing field or a wrong type, a date that is not an ISO calendar date (YYYY-MM-DD: not "
    "\"2022/01/01\", \"last year\" or a time), a period that ends before it starts, an unknown id or term, a span "
    "outside the text, extraction spans that overlap in a document, noise spans of one type that overlap, or a "
    "repeated claim_id. A vocabulary field may be a term or its ClassLabel integer, as `datasets` loads the task "
    "configs (the index into the vocabulary's terms); a field the task does not read is ignored. The scorer "
    "names both in a warning.",
    "Span tasks (SemEval-2013 task 9 / nervaluate style; every match is one to one): span_precision, "
    "span_recall and span_f1 count exact boundary matches (same doc_id, char_start and char_end); partial_* "
    f"credit a prediction whose character intersection over union with a gold span is at least {PARTIAL_IOU} "
    "(each gold span at most once, highest IoU first); typed_* are exact matches whose type is right too "
    "(extraction: value within 0.5% and the same unit; noise_detection: the same noise_type, also per type "
    "as {noise_type}_f1, for each type the split has a gold span of). Extraction's value_accuracy, "
    "unit_accuracy, period_accuracy, metric_accuracy and bound_accuracy are shares of the exact matches.",
    "verification: accuracy and macro_f1 over all test claims, and {verdict}_precision, _recall, _f1 and _support "
    "(scikit-learn).",
)


def text(markdown: bool = False) -> str:
    """The format and scoring rules; markdown wraps each example line in a code block (the card)."""
    out = list(RULES)
    for task, (fields, example) in FORMATS.items():
        line = json.dumps(example, ensure_ascii=False)
        out.append(f"`{task}`: {fields}\n\n```json\n{line}\n```" if markdown else f"{task}: {fields}\n  {line}")
    return "\n\n".join(out) + "\n"
