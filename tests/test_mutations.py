"""Mutation suite: copy the valid release, inject one defect, and require that
`python -m scripts.validate` fails and names that defect. The intact copy passes.
Cases run in-process without Great Expectations (no case here tests GX); GX runs once on a copy
with a defect of form (shared with tests/test_tools.py), and one subprocess run checks the entry
point end to end, GX included, on an intact copy."""
import datetime as dt
import json
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from scripts.files import sha256_file
from scripts.release.write import write_parquet
from scripts.validate import main as validate_main
from scripts.validate import validate

# pandera runs once per distinct table content: each case differs from the release in a table or two
pytestmark = pytest.mark.usefixtures("pandera_once_per_content")


def rows(release, table):
    return pq.read_table(release / f"{table}.parquet").to_pylist()


def write(release, table, data, schema=None, update_manifest=True):
    from schema.derive import arrow_schema
    path = release / f"{table}.parquet"
    write_parquet(pa.Table.from_pylist(data, schema=schema or arrow_schema(table)), path)
    if update_manifest:  # so that only the injected defect is wrong, not the manifest too
        m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
        m["tables"][table].update(sha256=sha256_file(path), rows=len(data))
        (release / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def edit(table, fn, **kw):
    def mutate(release):
        data = rows(release, table)
        fn(data)
        write(release, table, data, **kw)
    return mutate


def first(pred):
    def pick(data):
        return next(r for r in data if pred(r))
    return pick


def set_field(table, pred, **changes):
    return edit(table, lambda d: first(pred)(d).update(changes))


def widen(table, column, new_type=None, nullable=None):
    from schema.derive import arrow_schema
    s = arrow_schema(table)
    i = s.get_field_index(column)
    f = s.field(i)
    return s.set(i, pa.field(f.name, new_type or f.type, nullable=f.nullable if nullable is None else nullable))


def _drop_first(d):
    d.pop(0)


def _dup_first(d):
    d.append(dict(d[0]))


def _swap_period(d):
    c = first(lambda r: r["period_start"] and r["period_start"] != r["period_end"])(d)
    c["period_start"], c["period_end"] = c["period_end"], c["period_start"]


def _null_required(d):
    d[0]["statement_en"] = None


def _manifest_hash(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    m["tables"]["claims"]["sha256"] = "0" * 64
    (release / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _row_removed(release):
    data = rows(release, "mentions")[1:]
    write(release, "mentions", data, update_manifest=False)


def _text_altered(release):
    data = rows(release, "documents")
    data[3]["text"] = data[3]["text"].replace("3812亿", "3821亿")
    write(release, "documents", data)


def _file_missing(release):
    (release / "events.parquet").unlink()


def _truncated(release):
    p = release / "noise.parquet"
    p.write_bytes(p.read_bytes()[:200])


def _wrong_type(release):
    data = rows(release, "claims")
    for r in data:
        r["char_start"] = str(r["char_start"])
    write(release, "claims", data, schema=widen("claims", "char_start", pa.string()))


def _null_in_required(release):
    data = rows(release, "claims")
    _null_required(data)
    write(release, "claims", data, schema=widen("claims", "statement_en", nullable=True))


def _extra_column(release):
    from schema.derive import arrow_schema
    data = rows(release, "entities")
    for r in data:
        r["secret"] = "x"
    write(release, "entities", data, schema=arrow_schema("entities").append(pa.field("secret", pa.string())))


def _manifest_not_json(release):
    (release / "manifest.json").write_text('{"tables": ', encoding="utf-8")


def _manifest_escapes(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    m["tables"]["claims"]["file"] = "../claims.parquet"
    shutil.copy2(release / "claims.parquet", release.parent / "claims.parquet")
    (release / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _evidence_quote(d):
    d[0]["evidence"][0]["quote"] = d[0]["evidence"][0]["quote"] + "!"


GMV = lambda r: r["metric"] == "gmv" and r["unit"] == "CNY" and not r["is_change"]  # noqa: E731
SHARE = lambda r: r["metric"] == "share"  # noqa: E731
COUNT = lambda r: r["unit"] == "count" and not r["is_change"] and r["bound"] == "exact"  # noqa: E731
ANY = lambda r: True  # noqa: E731

MUTATIONS = {
    "shifted offset": (set_field("claims", ANY, char_start=None) if False else
                       edit("claims", lambda d: d[0].update(char_start=d[0]["char_start"] + 1)), "claims.quote: text[char_start:char_end] == quote"),
    "quote not matching text": (edit("noise", lambda d: d[5].update(quote=d[5]["quote"] + "X")), "noise.quote: text[char_start:char_end] == quote"),
    "span beyond the document": (edit("mentions", lambda d: d[-1].update(char_end=10**6)), "mentions.quote: text[char_start:char_end] == quote"),
    "empty span": (edit("noise", lambda d: d[0].update(char_end=d[0]["char_start"])), "ordered(char_start, char_end)"),
    "unknown unit": (set_field("claims", GMV, unit="USD"), "unit outside vocab unit"),
    "unit not allowed for the metric": (set_field("claims", lambda r: r["metric"] == "repurchase_rate", unit="CNY"), "unit_allowed_for_metric"),
    "percent share over 100": (set_field("claims", SHARE, value=120.0, value_reconciled=120.0), "percent_share_within_0_100"),
    "negative count": (set_field("claims", COUNT, value=-5.0, value_reconciled=-5.0), "non_negative_unless_change"),
    "period_end before period_start": (edit("claims", _swap_period), "ordered(period_start, period_end)"),
    "date outside coverage": (set_field("claims", lambda r: r["period_start"], period_start=dt.date(1999, 1, 1)), "period_start below 2015-01-01"),
    "event date outside coverage": (set_field("events", lambda r: r["date_end"], date_end=dt.date(2031, 1, 1)), "date_end above 2030-12-31"),
    "event ends before it starts": (set_field("events", lambda r: r["date_start"], date_start=dt.date(2030, 1, 1)), "ordered(date_start, date_end)"),
    "dangling claim subject": (set_field("claims", ANY, subject_id="nobody"), "claims.subject_id: references entities.entity_id"),
    "dangling relation claim": (set_field("claim_relations", ANY, claim_id_b="999-c99"), "claim_relations.claim_id_b: references claims.claim_id"),
    "dangling noise claim link": (set_field("noise", ANY, claim_ids=["000-c99"]), "noise.claim_ids: references claims.claim_id"),
    "dangling mention entity": (set_field("mentions", ANY, entity_id="ghost"), "mentions.entity_id: references entities.entity_id"),
    "noisy mention without its noise span": (set_field("mentions", lambda r: r["is_noisy_variant"], noise_id=None),
                                             "true_implies_value(is_noisy_variant, noise_id)"),
    "dangling mention noise span": (set_field("mentions", lambda r: r["noise_id"], noise_id="001-n99"), "mentions.noise_id: references noise.noise_id"),
    "dangling mention document": (set_field("mentions", ANY, doc_id="999_0000000000000000"), "mentions.doc_id: references documents.doc_id"),
    "duplicate key": (edit("claims", _dup_first), "claim_id"),
    "id pattern": (set_field("noise", ANY, noise_id="noise one"), "noise_id does not match"),
    "unknown vocabulary term": (set_field("noise", ANY, noise_type="gibberish"), "noise_type outside vocab noise_type"),
    "unknown relation term": (set_field("claim_relations", ANY, relation="maybe"), "relation outside vocab relation"),
    "value outside [value_low, value_high]": (set_field("claims", lambda r: r["bound"] == "more_than", value_low=1e30), "value_within_bounds"),
    "bound without its range": (set_field("claims", lambda r: r["bound"] == "less_than", value_high=None), "bound_matches_range"),
    "reference_date after published_at": (set_field("documents", lambda r: r["published_at"], reference_date=dt.date(2023, 12, 1)), "not_after(reference_date, published_at)"),
    "char_count wrong": (set_field("documents", ANY, char_count=1), "length_of(char_count, text)"),
    "event evidence quote": (edit("events", _evidence_quote), "events.evidence.quote"),
    "null in a required column": (_null_in_required, "statement_en: nullable, but declared required"),
    "wrong Arrow type": (_wrong_type, "char_start: string (want int64)"),
    "undeclared column": (_extra_column, "secret: not declared"),
    "manifest hash mismatch": (_manifest_hash, "claims.(file): sha256 differs from manifest.json"),
    "row removed vs the manifest": (_row_removed, "mentions.(file): row count"),
    "document text altered": (_text_altered, "sha256(text) == sha256"),
    "file missing": (_file_missing, "events.(file): events.parquet listed in the manifest is missing"),
    "truncated file": (_truncated, "noise.(file): unreadable Parquet"),
    "manifest not JSON": (_manifest_not_json, "manifest.(file): manifest.json is not valid JSON"),
    "manifest path leaving the release": (_manifest_escapes, "claims.(file): '../claims.parquet' in manifest.json leaves the release folder"),
    "dangling fact id": (set_field("claim_verdicts", lambda r: r["fact_ids"], fact_ids=["f_nowhere"]),
                         "claim_verdicts.fact_ids: references reference_facts.fact_id"),
    "verdict outside the vocabulary": (set_field("claim_verdicts", ANY, verdict="probably"), "verdict outside vocab verdict"),
    "supported beyond its tolerance": (set_field("claim_verdicts", lambda r: r["verdict"] == "supported", relative_error=0.5),
                                       "supported_within_tolerance"),
    "claim without a verdict": (edit("claim_verdicts", _drop_first), "claim_verdicts.claim_id: every claims.claim_id has a row"),
    "verdict for an unknown claim": (set_field("claim_verdicts", ANY, claim_id="999-c99"), "claim_verdicts.claim_id: references claims.claim_id"),
    "reference fact without a URL": (set_field("reference_facts", ANY, source_url="see the report"), "source_url does not match"),
}


@pytest.fixture
def copy(release, tmp_path):
    dst = tmp_path / release.name
    shutil.copytree(release, dst)
    return dst


def test_intact_release_passes(copy):
    # without GX: the entry-point test below runs the whole command, GX included, on an intact copy
    assert validate(copy, gx=False) == []


def test_there_are_at_least_25_kinds():
    assert len(MUTATIONS) >= 25


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_validation_names_the_defect(copy, kind, capsys):
    mutate, expected = MUTATIONS[kind]
    mutate(copy)
    assert validate_main([str(copy), "--no-gx"]) == 1
    report = capsys.readouterr().out
    assert expected in report, f"{kind}: {expected!r} not in\n{report}"


def test_great_expectations_sees_a_defect_of_form(gx_defect_report):
    """GX stays part of validation: on a vocabulary defect its suite fails too (the shared run of
    `validate --docs` on a copy whose first claim_verdicts.verdict is "maybe")."""
    rc, out, err, _ = gx_defect_report
    assert rc == 1, err
    assert "claim_verdicts.verdict: great_expectations expect_column_values_to_be_in_set" in out, out


# `python -m scripts.validate RELEASE` as runpy runs it, with an audit hook that records every file opened
_RECORD_OPENS = """
import json, os, runpy, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(os.fspath(args[0]))
                 if event == "open" and isinstance(args[0], (str, os.PathLike)) else None)
record, sys.argv = sys.argv[1], ["validate"] + sys.argv[2:]
try:
    runpy.run_module("scripts.validate", run_name="__main__", alter_sys=True)
finally:
    with open(record, "w", encoding="utf-8") as f:
        json.dump(opened, f)
"""


def test_entry_point_passes_an_intact_copy_opening_nothing_else(copy, tmp_path):
    """The whole command (Great Expectations included) in a process of its own, as CI runs it: exit 0
    and `valid` for a copy of the committed release; and a user with only dataset/ can validate: nothing
    in seeds/ or in the repository's own dataset/ is opened (a process of its own also keeps the audit
    hook, which cannot be removed, out of the test session)."""
    record = tmp_path / "opened.json"
    r = subprocess.run([sys.executable, "-c", _RECORD_OPENS, str(record), str(copy)], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith(f"{copy}: valid") and "Traceback" not in r.stderr, r.stdout + r.stderr
    opened = json.loads(record.read_text(encoding="utf-8"))
    assert any(p.startswith(str(copy)) for p in opened)
    assert [p for p in opened if p.startswith((str(ROOT / "seeds"), str(ROOT / "dataset")))] == []
