"""Adversarial corruption suite (issue 25): each case is a small change a buggy pipeline or a careless
hand edit could make to a copy of the current release. manifest.json is re-hashed (file hashes and row
counts), and where the kind says so the tables derived from the changed rows are rebuilt consistently by
the project's own code (the task tables by their table modules, verdicts by the verdict rules, every count
recounted, text_clean re-cleaned), so only what the text and the rules decide can betray the change.
Validation runs in-process, without Great Expectations, and must refuse naming the table and the row.

None of these is a case of tests/test_mutations.py or tests/test_semantic_mutations.py; the kinds are the
ones issue 25's "Why" lists (claims, mentions and entities, noise, events, documents, reference facts and
gaps, generated splits, manifest). What only the build inputs state (published_at, tiers, URLs) plain validation
compares with the source/ the release ships; a consistent edit of a span or of the registry (REBUILD below) is
refuted by `validate --rebuild`, which rebuilds the tables from source/ and names the first differing row."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schema.derive import arrow_schema
from scripts.files import sha256_file
from scripts.normalize.cleaning import REMOVED_TYPES, clean_text
from scripts.release.rebuild import rebuild
from scripts.release.write import write_parquet
from scripts.tables import modules
from scripts.tables.arrow import _instants
from scripts.tables.context import Stage, frozen
from scripts.validate import check_form, check_meaning

pytestmark = pytest.mark.usefixtures("pandera_once_per_content")

TASKS = ("extraction", "verification", "noise_detection")


@pytest.fixture(scope="session")
def pristine(release, tmp_path_factory):
    """One copy of the current release per session; each case copies it (files only, no re-reading)."""
    dst = tmp_path_factory.mktemp("corruptions") / release.name
    shutil.copytree(release, dst)
    return dst


class Release:
    """The copy's tables as rows, loaded on first use; what a case touches is written back on save()."""

    def __init__(self, path):
        self.path, self._rows, self.dirty = path, {}, set()

    def __getitem__(self, name: str) -> list[dict]:
        if name not in self._rows:
            self._rows[name] = pq.read_table(self.path / f"{name}.parquet").to_pylist()
        self.dirty.add(name)
        return self._rows[name]

    def __setitem__(self, name: str, rows: list[dict]) -> None:
        self._rows[name], _ = rows, self.dirty.add(name)

    @property
    def manifest(self) -> dict:
        if "manifest" not in self._rows:
            self._rows["manifest"] = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        return self._rows["manifest"]

    def split(self, split: str, name: str) -> list[dict]:
        return self[f"{split}/{name}"]

    def save(self) -> None:
        m = self.manifest
        for name in sorted(self.dirty):
            table = name.split("/")[-1]
            path = self.path / f"{name}.parquet"
            # aware datetimes as instants, as the build's writer stores them (pipeline._instants): from_pylist alone,
            # after pandera's import, would store a +08:00 page time 8 hours off
            declared = arrow_schema(table)
            write_parquet(pa.Table.from_pylist(_instants(self._rows[name], declared), schema=declared), path)
            entry = m["splits"][name.split("/")[0]]["tables"][table] if "/" in name else m["tables"][table]
            entry.update(sha256=sha256_file(path), rows=len(self._rows[name]))
        (self.path / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def consistent(r: Release) -> None:
    """Every derived table rebuilt from the base rows as they now are, by the project's own code."""
    from scripts.normalize.reconcile import reconciled
    from scripts.tables.claim_relations import declared_from_rows, find_relations
    from scripts.tables.claim_verdicts import multiples_from, subject_names, verdicts
    docs, claims = r["documents"], r["claims"]
    per = {t: Counter(x["doc_id"] for x in r[t]) for t in ("claims", "mentions", "noise")}
    per["events"] = Counter(x["doc_id"] for e in r["events"] for x in e["evidence"])
    for e in r["events"]:
        e["n_sources"] = len({x["doc_id"] for x in e["evidence"]})
    n = Counter(m["entity_id"] for m in r["mentions"])
    for e in r["entities"]:
        e["n_mentions"] = n[e["entity_id"]]
    for d in docs:
        for col, t in (("n_claims", "claims"), ("n_mentions", "mentions"), ("n_event_evidence", "events"), ("n_noise", "noise")):
            d[col] = per[t][d["doc_id"]]
        page = [(x["char_start"], x["char_end"]) for x in r["noise"] if x["doc_id"] == d["doc_id"] and x["noise_type"] in REMOVED_TYPES]
        d["text_clean"] = clean_text(d["text"], page)
    dates = {d["doc_id"]: d["reference_date"] for d in docs}
    r["claims"] = claims = _arrow("claims", reconciled([dict(c) for c in claims], r["noise"], dates))
    declared = declared_from_rows(claims, r["claim_relations"])
    r["claim_relations"] = _arrow("claim_relations", find_relations(claims, declared))
    multiples = multiples_from(declared)
    r["claim_verdicts"] = _arrow("claim_verdicts", verdicts([dict(c) for c in claims], [dict(f) for f in r["reference_facts"]],
                                                           dates, multiples, subject_names(r["entities"])))
    mods = modules()
    for name in TASKS:
        reads = mods[name].READS
        r[name] = _arrow(name, mods[name].build(Stage(name, reads, None, {t: frozen(r[t]) for t in reads})))


def _arrow(name: str, rows: list[dict]) -> list[dict]:
    from scripts.pipeline import to_table
    return to_table(name, rows).to_pylist()


def by(rows: list[dict], **match) -> dict:
    return next(x for x in rows if all(x[k] == v for k, v in match.items()))


def year(d: dt.date, n: int) -> dt.date:
    return d.replace(year=d.year + n)


# --- claims ------------------------------------------------------------------------------------------

def claim(cid: str, **changes):
    """One claim's columns set as given, every derived table rebuilt around it."""
    def fn(r):
        by(r["claims"], claim_id=cid).update(changes)
        consistent(r)
        return "claims", cid
    return fn


def direction(cid: str, to: str):
    return claim(cid, direction_stated=to)


def basis(cid: str, to: str):
    return claim(cid, change_basis=to)


def approx(cid: str):
    return claim(cid, bound="approx")


def bound_to_exact(cid: str):
    return claim(cid, bound="exact", value_low=None, value_high=None)


def scope(cid: str, words: str):
    return claim(cid, scope=words)


def speaker(cid: str, who: str):
    return claim(cid, speaker_id=who)


def is_change_off(cid: str):
    return claim(cid, is_change=False)


def is_change_on(cid: str):
    return claim(cid, is_change=True)


def widen_to_sentence_end(cid: str, keep_stop: bool = True):
    """The claim's span runs on to the end of its sentence (with or without the full stop)."""
    def fn(r):
        c = by(r["claims"], claim_id=cid)
        text = by(r["documents"], doc_id=c["doc_id"])["text"]
        end = min(i for i in (text.find(ch, c["char_end"]) for ch in "。！？\n") if i >= 0) + (1 if keep_stop else 0)
        c.update(char_end=end, quote=text[c["char_start"]:end])
        consistent(r)
        return "claims", cid
    return fn


def copied_under_new_id(table: str, key: str, letter: str, rid: str):
    """A row copied under the next free id of its document (<doc number>-<letter><n>), derived tables rebuilt."""
    def fn(r):
        rows = r[table]
        row = dict(by(rows, **{key: rid}))
        last = max(int(x[key].split(f"-{letter}")[1]) for x in rows if x["doc_id"] == row["doc_id"])
        row[key] = f"{rid.split('-')[0]}-{letter}{last + 1:02d}"
        rows.append(row)
        consistent(r)
        return table, row[key]
    return fn


def duplicate_claim(cid: str):
    return copied_under_new_id("claims", "claim_id", "c", cid)


def delete_claim(cid: str):
    """The claim and every row that names it gone, every count recounted: the text still has the number."""
    def fn(r):
        r["claims"] = [c for c in r["claims"] if c["claim_id"] != cid]
        r["claim_relations"] = [x for x in r["claim_relations"] if cid not in (x["claim_id_a"], x["claim_id_b"])]
        for n in r["noise"]:
            n["claim_ids"] = [c for c in n["claim_ids"] if c != cid]
        for g in r["reference_gaps"]:
            g["claim_ids"] = [c for c in g["claim_ids"] if c != cid]
        consistent(r)
        return "documents", by(r["documents"], doc_id=_doc_of(r, cid))["doc_id"]
    return fn


def _doc_of(r, cid: str) -> str:
    return next(d["doc_id"] for d in r["documents"] if d["doc_id"].startswith(cid.split("-")[0] + "_"))


# --- mentions and entities ------------------------------------------------------------------------------

def delete_mention(mid: str):
    def fn(r):
        r["mentions"] = [m for m in r["mentions"] if m["mention_id"] != mid]
        consistent(r)
        return "mentions", mid
    return fn


def shrink_mention(mid: str, quote: str, entity: str):
    """The mention cut to a shorter alias (of another entity), ids and counts kept consistent."""
    def fn(r):
        m = by(r["mentions"], mention_id=mid)
        assert m["quote"].startswith(quote)
        m.update(quote=quote, char_end=m["char_start"] + len(quote), entity_id=entity)
        consistent(r)
        return "mentions", mid
    return fn


def alias_to_parent(entity: str):
    def fn(r):
        ents = r["entities"]
        e = by(ents, entity_id=entity)
        p = by(ents, entity_id=e["parent_id"])
        moved = [a for a in e["aliases"] if a != e["canonical_name"]][:1]
        e["aliases"] = [a for a in e["aliases"] if a not in moved]
        p["aliases"] = p["aliases"] + moved
        for m in r["mentions"]:
            if m["quote"] in moved:
                m["entity_id"] = p["entity_id"]
        consistent(r)
        return "entities", entity
    return fn


def entity_type(entity: str, to: str):
    def fn(r):
        by(r["entities"], entity_id=entity)["entity_type"] = to
        return "entities", entity
    return fn


def parent_dropped(entity: str):
    def fn(r):
        by(r["entities"], entity_id=entity)["parent_id"] = None
        return "entities", entity
    return fn


def mention_other_entity_same_alias(mid: str):
    """A mention moved off its alias's owner to an entity of the same type whose aliases gain it."""
    def fn(r):
        m = by(r["mentions"], mention_id=mid)
        owner = by(r["entities"], entity_id=m["entity_id"])
        other = next(e for e in r["entities"] if e["entity_type"] == owner["entity_type"] and e["entity_id"] != owner["entity_id"])
        owner["aliases"] = [a for a in owner["aliases"] if a != m["quote"]]
        other["aliases"] = other["aliases"] + [m["quote"]]
        for x in r["mentions"]:
            if x["quote"] == m["quote"]:
                x["entity_id"] = other["entity_id"]
        consistent(r)
        return "mentions", mid
    return fn


# --- noise --------------------------------------------------------------------------------------------

def noise_extend(nid: str, at_start: bool = False):
    def fn(r):
        n = by(r["noise"], noise_id=nid)
        text = by(r["documents"], doc_id=n["doc_id"])["text"]
        if at_start:
            n["char_start"] -= 1
        else:
            n["char_end"] += 1
        n["quote"] = text[n["char_start"]:n["char_end"]]
        consistent(r)
        return "noise", nid
    return fn


def noise_delete(nid: str):
    def fn(r):
        n = by(r["noise"], noise_id=nid)
        r["noise"] = [x for x in r["noise"] if x["noise_id"] != nid]
        for m in r["mentions"]:
            if m["noise_id"] == nid:
                m.update(noise_id=None, in_page_noise=False)
        for c in r["claims"]:
            c["reconciled_by"] = [x for x in c["reconciled_by"] if x != nid]
        consistent(r)
        held = [m["mention_id"] for m in r["mentions"] if m["doc_id"] == n["doc_id"] and m["is_noisy_variant"]
                and n["char_start"] <= m["char_start"] and m["char_end"] <= n["char_end"]]
        return ("mentions", held[0]) if held else ("documents", n["doc_id"])
    return fn


def noise_duplicate(nid: str):
    return copied_under_new_id("noise", "noise_id", "n", nid)


def noise_set(nid: str, **changes):
    def fn(r):
        by(r["noise"], noise_id=nid).update(changes)
        consistent(r)
        return "noise", nid
    return fn


def first_garbled(r) -> dict:
    return next(n for n in r["noise"] if n["noise_type"] == "garbled_name" and n["entity_ids"] and n["likely_reading"])


def garbled_reading(r):
    n = first_garbled(r)
    n["likely_reading"] = next(e["canonical_name"] for e in r["entities"] if e["entity_type"] == "person"
                               and e["entity_id"] not in n["entity_ids"])
    consistent(r)
    return "noise", n["noise_id"]


def garbled_entities_emptied(r):
    n = first_garbled(r)
    n["entity_ids"] = []
    consistent(r)
    return "noise", n["noise_id"]


def noise_claims_dropped(r):
    linked = {x for c in r["claims"] for x in c["reconciled_by"]}
    n = next(n for n in r["noise"] if n["claim_ids"] and n["noise_id"] in linked)
    n["claim_ids"] = []
    consistent(r)
    return "noise", n["noise_id"]


# --- events -------------------------------------------------------------------------------------------

def evidence_dropped(dated: bool):
    def fn(r):
        # an event told more than once, when one has such a telling; in v0.11.0 the one undated telling
        # (ev_yinli_2023) is its event's only evidence, and the case drops it: the event is left with none
        told = [e for e in r["events"] if any(bool(x["stated_date_surface"]) == dated for x in e["evidence"])]
        e = max(told, key=lambda e: len(e["evidence"]) > 1)
        x = next(x for x in e["evidence"] if bool(x["stated_date_surface"]) == dated)
        e["evidence"] = [y for y in e["evidence"] if y is not x]
        best = [y for y in e["evidence"] if y["stated_date_start"]]
        if (e["date_start"], e["date_end"], e["date_surface"]) == (x["stated_date_start"], x["stated_date_end"], x["stated_date_surface"]):
            y = best[0] if best else None
            e.update(date_start=y and y["stated_date_start"], date_end=y and y["stated_date_end"], date_surface=y and y["stated_date_surface"])
        consistent(r)
        return "events", e["event_id"]
    return fn


def participant_sibling(r):
    ents = {e["entity_id"]: e for e in r["entities"]}
    for e in r["events"]:
        for i, p in enumerate(e["participants"]):
            parent = ents[p]["parent_id"]
            sib = next((x for x in sorted(ents) if x != p and ents[x]["parent_id"] == parent and parent and x not in e["participants"]), None)
            if sib:
                e["participants"] = e["participants"][:i] + [sib] + e["participants"][i + 1:]
                return "events", e["event_id"]
    raise AssertionError("no event with a participant that has a sibling")


def event_duplicate(r):
    e = dict(r["events"][0])
    e["event_id"] = e["event_id"] + "_b"
    r["events"].append(e)
    consistent(r)
    return "events", e["event_id"]


def event_date_surface_other(r):
    """The event's date words set to words that no evidence quote holds, the dates kept."""
    e = next(e for e in r["events"] if e["date_surface"])
    e["date_surface"] = e["date_surface"] + "前后"
    return "events", e["event_id"]


# --- documents ----------------------------------------------------------------------------------------

def doc(i: int, **changes):
    def fn(r):
        d = r["documents"][i]
        d.update({k: (v(d) if callable(v) else v) for k, v in changes.items()})
        consistent(r)
        return "documents", d["doc_id"]
    return fn


def titles_swapped(r):
    a, b = r["documents"][0], r["documents"][1]
    a["title"], b["title"] = b["title"], a["title"]
    return "documents", a["doc_id"]


def _uncovered(r, d) -> int:
    covered = set()
    for t in ("claims", "noise", "mentions"):
        for x in r[t]:
            if x["doc_id"] == d["doc_id"]:
                covered |= set(range(x["char_start"] - 1, x["char_end"] + 1))
    for e in r["events"]:
        for x in e["evidence"]:
            if x["doc_id"] == d["doc_id"]:
                covered |= set(range(x["char_start"] - 1, x["char_end"] + 1))
    return next(i for i, ch in enumerate(d["text"]) if i > 200 and i not in covered and ch == "的")


def _retext(r, d, text: str) -> None:
    """Every copy and hash of the text follows it: documents, manifest inputs, the task tables."""
    d["text"], d["char_count"] = text, len(text)
    d["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    r.manifest["inputs"][d["source_file"]] = d["sha256"]
    consistent(r)


def text_number_inserted(r):
    """A figure written outside every span (a 的 turned into 3): text, hashes and copies updated."""
    d = r["documents"][2]
    i = _uncovered(r, d)
    _retext(r, d, d["text"][:i] + "3" + d["text"][i + 1:])
    return "documents", d["doc_id"]


def text_word_edited(r):
    d = r["documents"][3]
    i = _uncovered(r, d)
    _retext(r, d, d["text"][:i] + "地" + d["text"][i + 1:])
    return "documents", d["doc_id"]


# --- reference facts and gaps ---------------------------------------------------------------------------

def fact(pred, **changes):
    def fn(r):
        f = next(f for f in r["reference_facts"] if pred(f))
        f.update({k: (v(f) if callable(v) else v) for k, v in changes.items()})
        consistent(r)
        return "reference_facts", f["fact_id"]
    return fn


def fact_period_year(fid: str):
    return fact(lambda f: f["fact_id"] == fid, period_start=lambda f: year(f["period_start"], 1),
                period_end=lambda f: year(f["period_end"], 1))


def urls_swapped(r):
    facts = r["reference_facts"]
    a = next(f for f in facts if f["source_url"])
    b = next(f for f in facts if f["source_url"] and f["source_publisher"] != a["source_publisher"])
    a["source_url"], b["source_url"] = b["source_url"], a["source_url"]
    consistent(r)
    return "reference_facts", a["fact_id"]


def gap_lists_supported(r):
    supported = next(v["claim_id"] for v in r["claim_verdicts"] if v["verdict"] == "supported")
    g = r["reference_gaps"][0]
    g["claim_ids"] = sorted(g["claim_ids"] + [supported])
    return "reference_gaps", g["gap_id"]


def gap_lists_unknown_claim(r):
    g = r["reference_gaps"][1]
    g["claim_ids"] = g["claim_ids"] + ["004-c99"]
    return "reference_gaps", g["gap_id"]


# --- generated splits ---------------------------------------------------------------------------------

def train_labels_permuted(r):
    rows = r.split("train", "verification")
    labels = [x["label"] for x in rows]
    rows_ = rows[:50]
    rotated = labels[1:50] + labels[:1]
    for x, lab in zip(rows_, rotated):
        x["label"] = lab
    changed = next(x for x, lab in zip(rows_, labels[:50]) if x["label"] != lab)
    return "verification (train)", changed["doc_id"]


def copy_test_row_into_train(r):
    t = r["extraction"][0]
    r.split("train", "extraction").append(dict(t))
    return "extraction (train)", t["doc_id"]


def validation_value_times_10(r):
    row = r.split("validation", "extraction")[3]
    row["targets"][0]["value"] *= 10
    return "extraction (validation)", row["doc_id"]


def train_noise_retyped(r):
    row = next(x for x in r.split("train", "noise_detection")[5:] if any(t["noise_type"] == "page_furniture" for t in x["targets"]))
    t = next(t for t in row["targets"] if t["noise_type"] == "page_furniture")
    t["noise_type"] = "seo_spam"
    return "noise_detection (train)", row["doc_id"]


def gold_missing_from_pool(split: str):
    def fn(r):
        row = next(x for x in r.split(split, "verification") if x["evidence_fact_ids"])
        row["evidence_pool"] = [p for p in row["evidence_pool"] if p["fact_id"] not in row["evidence_fact_ids"]]
        return f"verification ({split})", row["claim_id"]
    return fn


def train_doc_dropped(r):
    rows = r.split("train", "extraction")
    gone = rows.pop(7)
    for name in ("noise_detection", "verification"):
        r[f"train/{name}"] = [x for x in r.split("train", name) if x["doc_id"] != gone["doc_id"]]
    return "extraction (train)", gone["doc_id"]


def validation_quote_edited(r):
    row = r.split("validation", "verification")[2]
    row["label"] = "refuted" if row["label"] != "refuted" else "supported"
    row["evidence_fact_ids"] = []
    return "verification (validation)", row["claim_id"]


def train_text_edited(r):
    """One generated document's text changed in extraction and noise_detection alike (spans still hold)."""
    ex = r.split("train", "extraction")[11]
    nd = by(r.split("train", "noise_detection"), doc_id=ex["doc_id"])
    covered = set()
    for t in ex["targets"] + nd["targets"]:
        covered |= set(range(t["char_start"], t["char_end"]))
    i = next(i for i, ch in enumerate(ex["text"]) if ch == "的" and i not in covered)
    for row in (ex, nd):
        row["text"] = row["text"][:i] + "地" + row["text"][i + 1:]
    return "extraction (train)", ex["doc_id"]


# --- manifest -----------------------------------------------------------------------------------------

def completeness(i: int, key: str, delta: int):
    def fn(r):
        entry = r.manifest["completeness"][i]
        if "." in key:
            a, b = key.split(".")
            entry[a][b] += delta
        else:
            entry[key] += delta
        return "documents", entry["doc_id"]
    return fn


def manifest_version(r):
    r.manifest["version"] = "0.9.9"
    return "manifest", "version"


def manifest_generator_seed(r):
    r.manifest["splits"]["validation"]["generator"]["seed"] += 1
    return "extraction (validation)", r.split("validation", "extraction")[0]["doc_id"]


CASES = {
    # claims: what the quote says decides direction, basis, bound, scope; who speaks is named
    "direction flipped, quote says 下降 (000-c01)": direction("000-c01", "increase"),
    "direction flipped, quote says 下降 (000-c11)": direction("000-c11", "increase"),
    "direction flipped, quote says 下跌 (001-c16)": direction("001-c16", "increase"),
    "direction flipped, quote says 增长 (004-c09)": direction("004-c09", "decrease"),
    "direction flipped, quote says 增长 (004-c10)": direction("004-c10", "decrease"),
    "direction dropped on a change that says 下降": direction("000-c15", "none"),
    "change basis, quote says 环比 (000-c03)": basis("000-c03", "yoy"),
    "change basis, quote says 环比 (000-c16)": basis("000-c16", "unspecified"),
    "change basis, quote says YOY (004-c09)": basis("004-c09", "qoq"),
    "direction flipped, quote says 新增 (001-c09)": direction("001-c09", "decrease"),
    "precise figure marked approx (001-c17 205亿元)": approx("001-c17"),
    "precise figure marked approx (001-c20 77亿元)": approx("001-c20"),
    "precise share marked approx (001-c21 37.7%)": approx("001-c21"),
    "超 dropped from the bound (000-c17)": bound_to_exact("000-c17"),
    "近 dropped from the bound (001-c13)": bound_to_exact("001-c13"),
    "scope rewritten to words not in the quote (001-c17)": scope("001-c17", "退货率"),
    "scope rewritten to words not in the quote (000-c01)": scope("000-c01", "海外营收"),
    "scope rewritten to words not in the quote (004-c03)": scope("004-c03", "总收入"),
    "speaker the document never names (000-c01)": speaker("000-c01", "su_hua"),
    "speaker the document never names (002-c01)": speaker("002-c01", "xiao_gu"),
    "speaker is an organisation the document never names": speaker("004-c01", "cnnic"),
    "is_change flipped off, value kept (000-c02)": is_change_off("000-c02"),
    "is_change flipped off, value kept (004-c09)": is_change_off("004-c09"),
    "is_change flipped on for a level (001-c17)": is_change_on("001-c17"),
    "claim span widened to its sentence's end, full stop included (000-c01)": widen_to_sentence_end("000-c01"),
    "claim span widened to its sentence's end (000-c01)": widen_to_sentence_end("000-c01", keep_stop=False),
    "claim span widened to its sentence's end (001-c17)": widen_to_sentence_end("001-c17", keep_stop=False),
    "claim duplicated under a new id (000-c05)": duplicate_claim("000-c05"),
    "claim duplicated under a new id (003-c08)": duplicate_claim("003-c08"),
    "claim deleted with every row naming it (001-c31)": delete_claim("001-c31"),
    "claim deleted with every row naming it (003-c01)": delete_claim("003-c01"),
    "claim deleted with every row naming it (004-c05)": delete_claim("004-c05"),
    # mentions and entities: the registry the release ships, re-run over the text
    "mention deleted, counts lowered (000-m00017)": delete_mention("000-m00017"),
    "mention deleted, counts lowered (first of 003)": lambda r: delete_mention(
        next(m["mention_id"] for m in r["mentions"] if m["mention_id"].startswith("003-")))(r),
    "mention deleted, counts lowered (last of 004)": lambda r: delete_mention(
        [m["mention_id"] for m in r["mentions"] if m["mention_id"].startswith("004-")][-1])(r),
    "mention shrunk to a shorter alias of another entity": lambda r: _shrink_first(r),
    "alias and its mentions moved to the parent entity": lambda r: alias_to_parent(_child_with_alias(r))(r),
    "alias moved to another entity with its mentions": lambda r: mention_other_entity_same_alias(_mentioned_alias(r))(r),
    "person typed as an organisation": lambda r: entity_type(_speaker_person(r), "organization")(r),
    "parent dropped": lambda r: parent_dropped(_child_with_alias(r))(r),
    # noise
    "noise span extended by one character at the end": lambda r: noise_extend(_noise(r, "garbled_name"))(r),
    "noise span extended by one character at the start": lambda r: noise_extend(_noise(r, "garbled_name"), at_start=True)(r),
    "page-noise span extended by one character": lambda r: noise_extend(_noise(r, "seo_spam", 1))(r),
    "noise row deleted consistently (garbled name)": lambda r: noise_delete(_noise(r, "garbled_name"))(r),
    "noise row deleted consistently (page noise holding a number)": lambda r: noise_delete(_page_noise_with_number(r))(r),
    "noise row duplicated under a new id": lambda r: noise_duplicate(_noise(r, "seo_spam"))(r),
    "noise row duplicated under a new id (garbled name)": lambda r: noise_duplicate(_noise(r, "garbled_name"))(r),
    "garbled name's likely_reading changed": garbled_reading,
    "garbled name's entity_ids emptied": garbled_entities_emptied,
    "noise link to its claims dropped": noise_claims_dropped,
    # events
    "event evidence with a date dropped, counts recounted": evidence_dropped(dated=True),
    "event evidence without a date dropped, counts recounted": evidence_dropped(dated=False),
    "event participant swapped for a sibling": participant_sibling,
    "event duplicated under a new id": event_duplicate,
    "event date words no evidence holds": event_date_surface_other,
    # documents
    "published_at shifted a day": doc(1, published_at=lambda d: d["published_at"] + dt.timedelta(days=1)),
    "published_at shifted 8 hours (local time read as UTC)": doc(1, published_at=lambda d: d["published_at"] + dt.timedelta(hours=8)),
    "published_at invented for a page without one": doc(0, published_at=dt.datetime(2023, 5, 10, 8, tzinfo=dt.UTC)),
    "published_at invented, basis set to explicit": doc(0, published_at=dt.datetime(2023, 5, 10, 8, tzinfo=dt.UTC), published_at_basis="explicit"),
    "titles swapped between two documents": titles_swapped,
    "site replaced": doc(2, site="新浪财经"),
    "seed text: a number added outside every span, hashes and copies updated": text_number_inserted,
    "seed text: a word edited outside every span, hashes and copies updated": text_word_edited,
    # reference facts and gaps
    "fact period moved a year (f_dau_q3_2021)": fact_period_year("f_dau_q3_2021"),
    "fact period moved a year (an annual GMV)": lambda r: fact_period_year(_fact(r, "gmv", "year"))(r),
    "fact subject changed": lambda r: fact(lambda f: f["subject_id"] == "kuaishou", subject_id="kuaishou_ecommerce")(r),
    "fact tier secondary to primary": fact(lambda f: f["source_tier"] == "secondary", source_tier="primary"),
    "fact source URLs swapped between facts": urls_swapped,
    "fact source_date before the end of its period": fact(lambda f: f["source_tier"] == "primary",
                                                          source_date=lambda f: f["period_end"] - dt.timedelta(days=10)),
    "gap listing a claim that is supported": gap_lists_supported,
    # generated splits
    "train labels permuted": train_labels_permuted,
    "a test row copied into train": copy_test_row_into_train,
    "a validation target value x10": validation_value_times_10,
    "a train noise target retyped": train_noise_retyped,
    "a gold fact missing from its pool (train)": gold_missing_from_pool("train"),
    "a gold fact missing from its pool (validation)": gold_missing_from_pool("validation"),
    "a train document dropped from every task": train_doc_dropped,
    "a validation label flipped with its evidence": validation_quote_edited,
    "a train text edited in both tasks": train_text_edited,
    # manifest
    "completeness: numbers off by one": completeness(0, "numbers", 1),
    "completeness: covered_by_claims off by one": completeness(1, "covered_by_claims", -1),
    "completeness: in_page_noise off by one": completeness(4, "in_page_noise", 1),
    "completeness: covered_by_events off by one": completeness(2, "covered_by_events", 1),
    "manifest version different from its folder": manifest_version,
    "manifest generator seed changed": manifest_generator_seed,
}


def _shrink_first(r):
    """The first mention whose quote starts with another entity's shorter alias, cut to that alias."""
    owner = {a: e["entity_id"] for e in r["entities"] for a in e["aliases"]}
    for m in r["mentions"]:
        for k in range(len(m["quote"]) - 1, 1, -1):
            short = m["quote"][:k]
            if short in owner and owner[short] != m["entity_id"]:
                return shrink_mention(m["mention_id"], short, owner[short])(r)
    raise AssertionError("no mention to shrink")


def _child_with_alias(r) -> str:
    mentioned = {m["quote"] for m in r["mentions"]}
    return next(e["entity_id"] for e in r["entities"] if e["parent_id"]
                and any(a in mentioned and a != e["canonical_name"] for a in e["aliases"]))


def _mentioned_alias(r) -> str:
    ents = {e["entity_id"]: e for e in r["entities"]}
    return next(m["mention_id"] for m in r["mentions"] if m["quote"] != ents[m["entity_id"]]["canonical_name"]
                and not m["is_noisy_variant"])


def _speaker_person(r) -> str:
    return next(c["speaker_id"] for c in r["claims"] if c["speaker_id"] == "xiao_gu")


def _noise(r, kind: str, i: int = 0) -> str:
    return [n["noise_id"] for n in r["noise"] if n["noise_type"] == kind][i]


def _page_noise_with_number(r) -> str:
    from scripts.inputs.coverage import numbers
    return next(n["noise_id"] for n in r["noise"] if n["noise_type"] in REMOVED_TYPES and numbers(n["quote"]))


def _fact(r, metric: str, granularity: str) -> str:
    return next(f["fact_id"] for f in r["reference_facts"] if f["metric"] == metric and f["source_tier"] == "primary"
                and (f["period_end"] - f["period_start"]).days > 300)


def test_at_least_70_cases():
    assert len(CASES) >= 70


def test_intact_copy_is_valid(pristine):
    tables, form = check_form(pristine)
    assert form == [] and check_meaning(pristine, tables, form) == []


# what only the inputs can refute when the edit is consistent: the spans an annotation quotes, the entity registry,
# the source list and the seed text; `validate --rebuild` rebuilds the tables from the source/ the release ships
REBUILD = {"site replaced", "seed text: a word edited outside every span, hashes and copies updated",
           "claim span widened to its sentence's end (000-c01)", "claim span widened to its sentence's end (001-c17)",
           "noise span extended by one character at the end", "noise span extended by one character at the start",
           "page-noise span extended by one character", "alias moved to another entity with its mentions",
           "noise link to its claims dropped", "event evidence without a date dropped, counts recounted"}


@pytest.mark.parametrize("kind", list(CASES))
def test_corruption_is_refused(pristine, tmp_path, kind):
    dst = tmp_path / pristine.name
    shutil.copytree(pristine, dst)
    r = Release(dst)
    table, key = CASES[kind](r)
    r.save()
    tables, form = check_form(dst)
    found = form + check_meaning(dst, tables, form)
    if kind in REBUILD:
        found += rebuild(dst)
    assert found, f"{kind}: validation passes"
    lines = [f"{p.table} {p.column} {p.check} {' '.join(str(e) for e in p.examples)}" for p in found]
    named = [line for line in lines if line.startswith(table + " ") and str(key) in line]
    assert named, f"{kind}: no problem names {table} and {key}:\n" + "\n".join(lines)
