"""The Hugging Face dataset card (dataset/README.md), generated from schema/
and the release it describes, so that it cannot drift from either."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import yaml

import schema
from schema.derive import data_dictionary
from schema.hf import hf_features
from scripts import paths
from scripts.benchmark import submission
from scripts.docs import licence, rai
from scripts.docs.markdown import md_text
from scripts.tables.tasks import POOL_SIZE

HUB_ID = "kuaishou-ecommerce-claims"


def card_yaml(version: str, rows: dict[str, int], splits: dict[str, dict] | None = None) -> dict:
    """splits: the manifest's generated splits (split -> {tables: {name: entry}}): each table's own
    split first, then those of its declared generated splits that the release holds."""
    names = schema.table_names()
    tables = schema.load().tables
    held = {s: set(e["tables"]) for s, e in (splits or {}).items()}
    configs = [{"config_name": n, "data_files": [
        {"split": s, "path": f"v{version}/{tables[n].file(s)}"}
        for s in [tables[n].split] + [g for g in tables[n].generated_splits if n in held.get(g, ())]],
        **({"default": True} if n == "documents" else {})} for n in names]
    return {
        "pretty_name": "Kuaishou e-commerce claims (noisy Chinese web sources)",
        "language": ["zh", "en"],
        "license": licence.CARD_LICENSE,
        "license_name": licence.CARD_LICENSE_NAME,
        "license_link": licence.TERMS_FILE,
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "fact-checking"],
        # provenance, in the Hub's vocabulary: texts found on the web (and generated ones for the train and
        # validation splits), annotations reviewed by people and derived by code
        "annotations_creators": ["expert-generated", "machine-generated"],
        "language_creators": ["found", "machine-generated"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "size_categories": [size_category(max(_config_rows(n, rows, splits) for n in names))],
        "tags": ["claims", "provenance", "noise", "chinese", "e-commerce", "kuaishou"] + (["synthetic"] if splits else []),
        "configs": configs,
        # every config's features (the Hub's viewer and `datasets` read them); the task configs' vocabulary
        # columns as ClassLabel, so that `datasets` encodes them
        "dataset_info": [{"config_name": n, **datasets.DatasetInfo(features=hf_features(n))._to_yaml_dict()}
                         for n in names],
    }


# the Hub's size_categories buckets: upper bound (exclusive) -> label
_SIZES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
          (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")]


def size_category(n: int) -> str:
    return next((label for bound, label in _SIZES if n < bound), "n>1T")


def _config_rows(name: str, rows: dict[str, int], splits: dict[str, dict] | None) -> int:
    """A config's rows over all its splits: the table's own and its generated ones."""
    return rows.get(name, 0) + sum(e["tables"][name]["rows"] for e in (splits or {}).values() if name in e["tables"])


def front_matter(data: dict) -> str:
    """The card's YAML, short enough that the text starts near the top: leaf lists and mappings in flow style,
    and one line per config."""
    configs = {"configs": data["configs"]}
    rest = {k: v for k, v in data.items() if k != "configs"}
    before = {k: rest.pop(k) for k in list(rest) if k != "dataset_info"}
    dump: dict[str, Any] = dict(allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    lines = "".join("- " + str(yaml.safe_dump(c, allow_unicode=True, sort_keys=False, default_flow_style=True,
                                              width=10_000)) for c in configs["configs"])
    return str(yaml.safe_dump(before, **dump)) + "configs:\n" + lines + str(yaml.safe_dump(rest, **dump))


def _example(release, name: str) -> str:
    """The first row of a table as JSON, long strings cut, for the card."""

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
  note   = {Release v%(version)s},
  url    = {%(url)s},
  howpublished = {Hugging Face dataset repository, \\url{%(url)s}}
}"""


_TICKED_PATH = re.compile(r"`((?:seeds|scripts|schema|tests)/[^`\s]*)`")
_BARE_PATH = re.compile(r"(?<![\w/`\[.-])((?:seeds|scripts|schema|tests)/[\w./-]*\w)")
_NOT_PROSE = re.compile(r"(```.*?```|<!--.*?-->)", re.S)


def link_project_paths(text: str, code_url: str, root: Path = paths.ROOT) -> str:
    """Project files named in a document of the dataset repository (`seeds/sources.yaml`, scripts/tables/claim_verdicts.py),
    which holds none of them, become links into the code repository (root: its checkout, this code's own).
    Code blocks and comments stay as they are."""
    def link(m: re.Match, ticked: bool) -> str:
        path = m[1]
        if not (root / path).exists():
            return m[0]
        shown = f"`{path}`" if ticked else path
        return f"[{shown}]({code_url}/blob/main/{path})"

    parts = _NOT_PROSE.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _BARE_PATH.sub(lambda m: link(m, False), _TICKED_PATH.sub(lambda m: link(m, True), parts[i]))
    return "".join(parts)


def hub_url(repo_id: str) -> str:
    return f"https://huggingface.co/datasets/{repo_id}"


def remote_path(repo_id: str, path: str) -> str:
    """The hf:// form of a file of the dataset repository (DuckDB, pandas and polars read it over the network)."""
    return f"hf://datasets/{repo_id}/{path}"


def _load_section(version: str, repo_id: str, code_url: str) -> list[str]:
    """How to load the data, every client its native way; paths are relative to this repository's root.
    The tests run every block that names no remote repository in a copy of dataset/ alone."""
    local = f"v{version}/documents.parquet"
    query = "SELECT doc_id, site, reference_date, char_count FROM '{}';"
    return [
        "## Load\n",
        f"From the Hub:\n\n```python\nfrom datasets import load_dataset\n"
        f"docs = load_dataset(\"{repo_id}\", \"documents\", split=\"train\")\n```\n",
        "From a local copy of this repository, offline (run in its root folder; `datasets` needs the folder's path, "
        "not `.`):\n\n"
        "```python\nfrom pathlib import Path\nfrom datasets import load_dataset\n"
        "docs = load_dataset(str(Path.cwd()), \"documents\", split=\"train\")\n```\n",
        "pandas and polars read the Parquet files directly. List-of-struct columns (`events.evidence`, the "
        "`targets` and `evidence` of the benchmark tasks) unnest beside their table's own columns: no struct field "
        "repeats a column name.\n\n"
        "```python\nimport pandas as pd\nimport polars as pl\n"
        f"claims = pd.read_parquet(\"v{version}/claims.parquet\")\n"
        f"tellings = pl.read_parquet(\"v{version}/events.parquet\").explode(\"evidence\").unnest(\"evidence\")\n```\n",
        "Croissant (`croissant.json`, one RecordSet per table):\n\n"
        "```python\nimport mlcroissant as mlc\n"
        "claims = list(mlc.Dataset(jsonld=\"croissant.json\").records(record_set=\"claims\"))\n```\n",
        "DuckDB: `views.sql` creates one view per table over this release. In this repository's root, with the "
        "`duckdb` command line (or `duckdb.execute(open(\"views.sql\").read())` in Python):\n\n"
        "```sh\nduckdb -c \".read views.sql\" -c \"SELECT doc_id, site, reference_date, char_count FROM documents\"\n```\n",
        "```sql\n-- DuckDB, in this repository's root\n" + query.format(local) + "\n```\n",
        "```sql\n-- DuckDB over the Hub (its httpfs extension), nothing downloaded first\n"
        + query.format(remote_path(repo_id, local)) + "\n```\n",
        f"The code that builds, validates and scores the data is in the [project repository]({code_url}); its "
        "`python -m scripts.view` renders an offline site with every claim, noise span, mention and event on the "
        "text itself.\n",
    ]


def _generated_splits_note(splits: dict[str, dict]) -> str:
    sizes = ", ".join(f"`{s}` ({e['generator'].get('docs', '?')} documents, seed {e['generator'].get('seed', '?')})"
                      for s, e in sorted(splits.items()))
    return (f", and generated splits {sizes}: new noisy documents written by `scripts/generate.py` from this "
            "dataset's own reference facts, entities, seed-text clauses and templates, with the noise kinds of the five "
            "sources injected and the gold spans exact by construction. No generated document is one of the five, "
            "so the test split is untouched; train on the generated splits and report on `test`. The train size "
            "was chosen by measuring the build of the generated corpus: see the CHANGELOG, v0.9.0")


# the one-line conversion between a base table's terms and a task config's ClassLabel integers (issue 31)
JOIN_LINE = ('verdicts = load_dataset("{repo_id}", "claim_verdicts", split="train")'
             '.cast_column("verdict", ver.features["label"])')


def _benchmark_section(repo_id: str, code_url: str, baselines: str, splits: dict[str, dict] | None) -> list[str]:
    contract = schema.load().task_contract
    return [
        "## Benchmark tasks\n",
        f"{', '.join(f'`{n}`' for n in contract.configs)} have a `test` split (the five real documents, derived from "
        f"the tables below by the build){_generated_splits_note(splits) if splits else ''}; all under task contract "
        f"**v{contract.version}** (`task_contract` in `schema/tables.yaml`; the "
        "major number changes when a metric key keeps its name but not its meaning). Their vocabulary columns "
        "(`label`, `targets.unit`, `targets.noise_type`, …) load as `ClassLabel`, so `features[\"label\"].names` "
        "gives the verdicts:\n",
        "```python\nfrom datasets import load_dataset\n"
        f"ver = load_dataset(\"{repo_id}\", \"verification\", split=\"test\")\n"
        + "".join(f"ver_{s} = load_dataset(\"{repo_id}\", \"verification\", split=\"{s}\")\n" for s in sorted(splits or {})) +
        "ver.features[\"label\"].names  # ['supported', 'refuted', 'not_enough_info']\n```\n",
        "The base tables keep their vocabulary columns as the terms the Parquet stores. To join one with a task "
        "config, cast the column to the task's `ClassLabel`, one line (the same names, so the same integers):\n",
        "```python\n" + JOIN_LINE.format(repo_id=repo_id) + "\n```\n",
        f"Verification is FEVER-style: every claim comes with an `evidence_pool` of {POOL_SIZE} reference facts drawn by one "
        "rule for every claim (same subject and metric first, then same subject, then same metric, then any; within "
        "each, nearest in time to the claim's period, or to the document's `reference_date` when the claim has none), "
        "so the pool's presence and size say nothing of the label; the gold facts are in it, and are given apart, "
        "as a label (`evidence_fact_ids`), never as input. The `empty pool → not_enough_info` row below is the leak "
        "check: it must not beat the majority class (it did before v0.9.0, when only decided claims had evidence).\n",
        "### Submission format\n",
        submission.text(markdown=True),
        f"The same text is printed by `python -m scripts.evaluate --help` (installed as `kec-evaluate`); the scorer is "
        f"`scripts/evaluate.py` with the matching in `scripts/benchmark/metrics.py`, in the [project repository]({code_url}).\n",
        "### Baselines\n",
        "Scores on this release's test split, and on its generated splits to compare (`python -m scripts.baselines "
        "[--split train]`, `scripts/baselines.py`; in brackets the 95% bootstrap interval, documents resampled for the "
        "span tasks and claims for verification; the learned baselines come from `--learned`):\n",
        baselines,
    ]


def _hindsight_note(v: dict) -> str:
    """`verdict` against `verdict_hindsight`, with one claim where they differ."""
    text = ("`verdict` uses only the facts published on or before the document's writing date (what its writer could "
            "have checked); `verdict_hindsight` uses every fact in the record (whether the claim is wrong today): "
            + ", ".join(f"{k} {n}" for k, n in v["totals_hindsight"].items()) + ".")
    ex = v.get("hindsight_example")
    if ex:
        text += (f" For example, {ex['claim_id']} ({ex['quote']}, written {ex['written']}) is {ex['verdict']} by what was "
                 f"published then and {ex['hindsight']} today: {ex['explanation']}.")
    return text + "\n"


def render(version: str, rows: dict[str, int], ctx: dict | None = None, release=None,
           repo_id: str | None = None, code_url: str | None = None, root: Path = paths.ROOT,
           splits: dict[str, dict] | None = None) -> str:
    """repo_id, code_url: where the card is published and where the code lives (default: pyproject.toml
    of root, the project whose files the card links to)."""
    repo_id = repo_id or paths.declared("hub-repo-id", root)
    code_url = code_url or paths.declared("code-url", root)
    sch = schema.load()
    # the first screen: what the data is, the datasets forms of loading it, the tasks, the limits;
    # the other readers (pandas, polars, Croissant, DuckDB) follow the limits
    load = _load_section(version, repo_id, code_url)
    head = front_matter(card_yaml(version, rows, splits))
    corpus = paths.generated_corpus(root)
    # a link only to what the repository holds: a generated corpus has no CHANGELOG.md of its own (this project's
    # is hand-written and always there, so a fresh build's card is the committed one)
    changelog = not corpus or release is None or (Path(release).parent / "CHANGELOG.md").is_file()
    parts = [f"---\n{head}---\n",
             "# Kuaishou e-commerce claims" + (" (generated corpus)" if corpus else "") + "\n",
             (paths.corpus_line(corpus) + ". Turned into the project's tables: what each document "
              if corpus else "Five noisy Chinese web articles about Kuaishou (快手) e-commerce, turned into tables: what each source ")
             + "*states*, exactly where (character offsets into the raw text), normalized beside the surface "
             "form, with the noise of the web (SEO spam, boilerplate, spun and machine-translated wording, garbled "
             "names, wrong units, repost dates) labelled rather than silently fixed.\n",
             f"Release **v{version}** (schema {sch.schema_version}). See [DATASHEET.md](DATASHEET.md) for how it "
             "was made and what the noise is" + (", and [CHANGELOG.md](CHANGELOG.md) for what changed between releases"
                                                 if changelog else "") + ".\n",
             *load[:3]]
    if ctx:
        parts += _benchmark_section(repo_id, code_url, ctx["baselines"], splits)
    parts += ["## Limits\n", rai.TEXT["dataLimitations"] + " " + rai.TEXT["dataBiases"] + "\n",
              "**Uses.** " + rai.TEXT["dataUseCases"] + " More in [DATASHEET.md](DATASHEET.md#uses).\n",
              "## Other readers\n", *load[3:],
              "## Tables\n",
              "Offsets: `char_start`/`char_end` are Python `str` indices (Unicode code points, end exclusive) into "
              "`documents.text`; `text[char_start:char_end] == quote` holds for every row of every table. Every "
              "column of every table is described in the [data dictionary](#data-dictionary) at the end.\n",
              f"Build inputs: `v{version}/source/` holds what this release was built from (the seed texts, "
              "annotations, reference facts and gaps, `schema/tables.yaml` and `schema/vocab.yaml`), each with its "
              "sha256 in `manifest.json`; `python -m scripts.validate --rebuild` rebuilds the tables from them and "
              "compares byte for byte.\n",
              "| table | rows | one row is |\n|---|---:|---|\n" + "\n".join(
                  f"| [`{n}`](#{n}) | {rows.get(n, 0)} | {sch.tables[n].row} |" for n in schema.table_names()) + "\n"]
    if ctx:
        parts.append("## Noise and contradictions\n")
        parts.append("The sources are noisy on purpose; the noise is data (`noise` table), never silently fixed. "
                     "Labelled spans per type:\n")
        parts.append("| noise type | rows |\n|---|---:|\n" + "\n".join(
            f"| `{c['type']}` | {c['total']} |" for c in ctx["catalog"]) + "\n")
        parts.append(f"{ctx['n_reconciled']} claims have a reconciled reading (`value_reconciled`, "
                     "`direction_reconciled`, …) beside what they state. Contradictions found by code:\n")
        for c in ctx["contradictions"]:
            # text from the tables, escaped for Markdown and HTML as the datasheet escapes it
            parts.append(f"- {c['a']['claim_id']} vs {c['b']['claim_id']} ({c['rule']}): {md_text(c['explanation'])}")
        for d in ctx["date_disagreements"]:
            parts.append(f"- event {d['event']['event_id']}: sources give non-overlapping dates "
                         + ", ".join(f"doc {x['doc']} {md_text(x['surface'])}" for x in d["evidence"]))
        parts.append(f"\n![GMV claims per source]({ctx['figure']})\n")
        v = ctx["verification"]
        parts.append("## Verification\n")
        parts.append(f"Every claim is checked by code against {v['n_facts']} official figures (`reference_facts`, each with "
                     "its URL, the figure as printed, a paraphrase and its source tier; gaps in `reference_gaps`) in `claim_verdicts`. As stated: "
                     + ", ".join(f"{k} {n}" for k, n in v["totals"].items()) + "; with the noise labels' likely readings: "
                     + ", ".join(f"{k} {n}" for k, n in v["totals_reconciled"].items()) + ".\n")
        parts.append(_hindsight_note(v))
        parts.append("Full catalogs with examples: [DATASHEET.md](DATASHEET.md#noise-catalog).\n")
    # the per-column dictionary, rendered from schema/, after everything a visitor reads first
    parts.append("## Data dictionary\n")
    for name in schema.table_names():
        t = sch.tables[name]
        parts.append(f"### `{name}`\n")
        parts.append(f"{rows.get(name, 0)} rows. {t.description} One row = {t.row}. Key: {', '.join(f'`{k}`' for k in t.key)}.\n")
        parts.append(data_dictionary(name) + "\n")
        if release is not None and rows.get(name):
            example = _example(release, name)
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", example)), default=0))  # a row's ``` ends no block
            parts.append(f"<details><summary>Example row</summary>\n\n{fence}json\n{example}\n{fence}\n</details>\n")
    parts.append("## Citation\n\n```bibtex\n" + CITATION % {"version": version, "url": hub_url(repo_id)} + "\n```\n")
    parts.append("## License\n\n" + licence.statement(code_url))
    parts.append("### Takedown\n\n" + licence.takedown(code_url))
    return link_project_paths("\n".join(parts), code_url)
