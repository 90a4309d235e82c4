"""The Hugging Face dataset card (dataset/README.md), generated from schema/
and the release it describes, so that it cannot drift from either."""
from __future__ import annotations

import yaml

import schema
from schema.derive import data_dictionary

HUB_ID = "kuaishou-ecommerce-claims"


def card_yaml(version: str, rows: dict[str, int]) -> dict:
    names = schema.table_names()
    tables = schema.load().tables
    configs = [{"config_name": n, "data_files": [{"split": tables[n].split, "path": f"v{version}/{n}.parquet"}],
                **({"default": True} if n == "documents" else {})} for n in names]
    return {
        "pretty_name": "Kuaishou e-commerce claims (noisy Chinese web sources)",
        "language": ["zh", "en"],
        "license": "other",
        "license_name": "annotations-cc-by-4.0-sources-third-party",
        "license_link": "LICENSE.md",
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "fact-checking"],
        "size_categories": ["n<1K"],
        "tags": ["claims", "provenance", "noise", "chinese", "e-commerce", "kuaishou"],
        "configs": configs,
    }


def _example(release, name: str) -> str:
    """The first row of a table as JSON, long strings cut, for the card."""
    import json

    import pyarrow.parquet as pq

    row = pq.read_table(release / f"{name}.parquet").slice(0, 1).to_pylist()[0]

    def cut(v):
        if isinstance(v, str) and len(v) > 80:
            return v[:80] + "…"
        if isinstance(v, list):
            return [cut(x) for x in v[:2]] + (["…"] if len(v) > 2 else [])
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v
    return json.dumps({k: cut(v) for k, v in row.items()}, ensure_ascii=False, indent=1, default=str)


CITATION = """@misc{kuaishou_ecommerce_claims,
  title  = {Kuaishou e-commerce claims: quantitative claims, entities, events and labelled noise from noisy Chinese web text},
  author = {{kuaishou-ecommerce-claims maintainers}},
  year   = {2026},
  note   = {Release v%s},
  howpublished = {Hugging Face dataset repository}
}"""


def render(version: str, rows: dict[str, int], ctx: dict | None = None, release=None) -> str:
    sch = schema.load()
    head = yaml.safe_dump(card_yaml(version, rows), allow_unicode=True, sort_keys=False)
    parts = [f"---\n{head}---\n",
             "# Kuaishou e-commerce claims\n",
             "Five noisy Chinese web articles about Kuaishou (快手) e-commerce, turned into tables: what each "
             "source *states*, exactly where (character offsets into the raw text), normalized beside the surface "
             "form, with the noise of the web (SEO spam, boilerplate, spun and machine-translated wording, garbled "
             "names, wrong units, repost dates) labelled rather than silently fixed.\n",
             f"Release **v{version}** (schema {sch.schema_version}). See [DATASHEET.md](DATASHEET.md) for how it "
             "was made and what the noise is, and [CHANGELOG.md](CHANGELOG.md) for what changed between releases.\n",
             "## Load\n",
             "```python\nfrom datasets import load_dataset\n"
             "docs = load_dataset(\"<this repo or local dataset/ folder>\", \"documents\", split=\"train\")\n```\n",
             "```sql\n-- DuckDB, from the repository root\n"
             f"SELECT doc_id, site, reference_date, char_count FROM 'dataset/v{version}/documents.parquet';\n```\n",
             "How to look at the data: the project repository's `python -m scripts.view` renders an offline site with "
             "every claim, noise span, mention and event on the text itself.\n",
             "Offsets: `char_start`/`char_end` are Python `str` indices (Unicode code points, end exclusive) into "
             "`documents.text`; `text[char_start:char_end] == quote` holds for every row of every table.\n",
             "## Tables\n"]
    for name in schema.table_names():
        t = sch.tables[name]
        parts.append(f"### `{name}` — {rows.get(name, 0)} rows\n")
        parts.append(f"{t.description} One row = {t.row}. Key: {', '.join(f'`{k}`' for k in t.key)}.\n")
        parts.append(data_dictionary(name) + "\n")
        if release is not None and rows.get(name):
            parts.append("<details><summary>Example row</summary>\n\n```json\n" + _example(release, name) + "\n```\n</details>\n")
    if ctx:
        parts.append("## Noise and contradictions\n")
        parts.append("The sources are noisy on purpose; the noise is data (`noise` table), never silently fixed. "
                     "Labelled spans per type:\n")
        parts.append("| noise type | rows |\n|---|---:|\n" + "\n".join(
            f"| `{c['type']}` | {c['total']} |" for c in ctx["catalog"]) + "\n")
        parts.append(f"{ctx['n_reconciled']} claims have a reconciled reading (`value_reconciled`, "
                     "`direction_reconciled`, …) beside what they state. Contradictions found by code:\n")
        for c in ctx["contradictions"]:
            parts.append(f"- {c['a']['claim_id']} vs {c['b']['claim_id']} ({c['rule']}): {c['explanation']}")
        for d in ctx["date_disagreements"]:
            parts.append(f"- event {d['event']['event_id']}: sources give non-overlapping dates "
                         + ", ".join(f"doc {x['doc']} {x['surface']}" for x in d["evidence"]))
        parts.append(f"\n![GMV claims per source]({ctx['figure']})\n")
        v = ctx["verification"]
        parts.append("## Verification\n")
        parts.append(f"Every claim is checked by code against {v['n_facts']} official figures (`reference_facts`, each with "
                     "its URL, the figure as printed, a paraphrase and its source tier; gaps in `reference_gaps`) in `claim_verdicts`. As stated: "
                     + ", ".join(f"{k} {n}" for k, n in v["totals"].items()) + "; with the noise labels' likely readings: "
                     + ", ".join(f"{k} {n}" for k, n in v["totals_reconciled"].items()) + ".\n")
        parts.append("Full catalogs with examples: [DATASHEET.md](DATASHEET.md#noise-catalog).\n")
    if ctx:
        parts.append("## Benchmark tasks\n")
        parts.append("`extraction`, `verification` and `noise_detection` are evaluation sets (split `test`, derived from the "
                     "tables above; there is no training split):\n")
        parts.append("```python\nfrom datasets import load_dataset\n"
                     "ext = load_dataset(\"<this repo>\", \"extraction\", split=\"test\")\n```\n")
        parts.append("Score with `python -m scripts.evaluate --task extraction --predictions preds.jsonl` (the project "
                     "repository). Baselines on this release:\n")
        parts.append(ctx["baselines"])
    parts.append("## Citation\n\n```bibtex\n" + CITATION % version + "\n```\n")
    parts.append("## License\n\nAnnotations, schema and code: CC BY 4.0. The source texts are third-party web "
                 "pages reproduced verbatim for research; their copyright stays with their authors. To request "
                 "removal of a text, open an issue in the project repository.\n")
    return "\n".join(parts)
