"""mentions: every occurrence of every entity alias, found by code (longest match),
unless an alias exclusion in the annotation file covers it. Each carries the noise
row that contains it (noise_id); an occurrence of a noisy alias outside a noise
span of the alias's declared type stops the build."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc, doc_number
from scripts.inputs.coverage import line_col
from scripts.inputs.entity_registry import alias_table, find_mentions
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import exclusion_spans
from scripts.normalize.cleaning import REMOVED_TYPES
from scripts.normalize.containment import containing, innermost
from scripts.tables.context import Stage
from scripts.tables.entities import alias_owner
from scripts.tables.proof import Findings, Proofs, by_doc, run

READS = ("noise",)


def _check_noisy(seed: Seed, m: dict, noise_id: str | None, noise_type: dict[str, str], want: str) -> None:
    """Refuse, rather than derive, a noisy occurrence without its noise row: a noise row is a reviewed
    judgement (likely reading, basis, confidence) of that occurrence, and the noise-detection gold is built from it."""
    if noise_id is not None and noise_type[noise_id] == want:
        return
    line, col = line_col(seed.text, m["char_start"])
    found = f"its innermost noise span is {noise_id} ({noise_type[noise_id]})" if noise_id else "no noise span contains it"
    raise InputError(seed.path, line, f"column {col}: noisy alias {m['quote']!r} of {m['entity_id']} at "
                     f"[{m['char_start']}:{m['char_end']}] must lie in a {want} noise span, but {found}: "
                     f"add a noise row to seeds/annotations/{seed.doc_id}.yaml")


def mention_id(doc_id: str, char_start: int) -> str:
    # keyed by position, not rank, so adding an alias elsewhere renumbers nothing
    return f"{doc_number(doc_id)}-m{char_start:05d}"


def mention_rows(seed: Seed, doc: LoadedDoc, aliases: list[tuple[str, str, bool]],
                 spans: list[tuple[int, int, str]], noise_type: dict[str, str], declared: dict[str, str]) -> list[dict]:
    """One document's mentions (a map over documents: the build runs it in worker processes)."""
    excluded = [(s, e) for s, e, _ in exclusion_spans(seed.text, doc, "alias_exclusions")]
    found = find_mentions(seed.text, aliases, excluded)
    inside = containing(spans, [(m["char_start"], m["char_end"]) for m in found])
    rows = []
    for m in found:
        keys = inside[(m["char_start"], m["char_end"])]
        noise_id = str(keys[0]) if keys else None
        if m["is_noisy_variant"]:
            _check_noisy(seed, m, noise_id, noise_type, declared[m["quote"]])
        rows.append({"mention_id": mention_id(seed.doc_id, m["char_start"]), "entity_id": m["entity_id"],
                     "doc_id": seed.doc_id, "char_start": m["char_start"], "char_end": m["char_end"],
                     "quote": m["quote"], "is_noisy_variant": m["is_noisy_variant"], "noise_id": noise_id,
                     "in_page_noise": any(noise_type[str(k)] in REMOVED_TYPES for k in keys)})
    return rows


def build(stage: Stage) -> list[dict]:
    inp = stage.inputs
    aliases = alias_table(inp.entities)
    declared = inp.entities.noisy_types()
    noise = stage.rows("noise")
    # each worker gets its own document's noise only (the whole corpus's would make the map quadratic)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    types: dict[str, dict[str, str]] = {}
    for n in noise:
        spans.setdefault(n["doc_id"], []).append((n["char_start"], n["char_end"], n["noise_id"]))
        types.setdefault(n["doc_id"], {})[n["noise_id"]] = n["noise_type"]
    per_doc = inp.map_docs(mention_rows, [(seed, inp.annotations[seed.doc_id], aliases, spans.get(seed.doc_id, []),
                                           types.get(seed.doc_id, {}), declared) for seed in inp.seeds])
    stage.reports["alias_exclusions"] = {seed.doc_id: alias_exclusions(seed, inp.annotations[seed.doc_id]) for seed in inp.seeds}
    return [r for rows in per_doc for r in rows]


# --- proof: every alias occurrence is a mention --------------------------------------------------------

PROVES = ("documents", "entities", "mentions")


def shipped_aliases(entities: Iterable[Mapping]) -> list[tuple[str, str, bool]]:
    """alias_table's order over the registry the release ships (entities.aliases holds the noisy ones too)."""
    rows = [(a, e["entity_id"], a in e["noisy_aliases"]) for e in entities for a in e["aliases"]]
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


def row_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Each mention's id, entity, noisy flag and noise span re-derived from the text and the noise rows."""
    docs = {d["doc_id"] for d in t["documents"]}
    ents = {e["entity_id"]: e for e in t["entities"]}
    owner = alias_owner(t["entities"])
    noise_type = {n["noise_id"]: n["noise_type"] for n in t["noise"]}
    holder = innermost(t["noise"], [(m["doc_id"], m["char_start"], m["char_end"]) for m in t["mentions"]])
    page_rows = [n for n in t["noise"] if n["noise_type"] in REMOVED_TYPES]
    in_page = {at: k is not None for at, k in
               innermost(page_rows, [(m["doc_id"], m["char_start"], m["char_end"]) for m in t["mentions"]]).items()}
    last_end: dict[str, tuple[int, str]] = {}
    for m in sorted(t["mentions"], key=lambda m: (m["doc_id"], m["char_start"])):
        mid, e = m["mention_id"], ents.get(m["entity_id"])
        if m["doc_id"] not in docs:
            continue
        want_id = mention_id(m["doc_id"], m["char_start"])
        if mid != want_id:
            f.add("mentions", mid, "mention_id", "<doc number>-m<char_start>", want_id, mid)
        if e is not None:
            if m["quote"] not in e["aliases"]:
                f.add("mentions", mid, "entity_id", "the quote is an alias of the entity",
                      f"the entity {m['quote']!r} names ({owner.get(m['quote'], 'none')})", m["entity_id"])
            noisy = m["quote"] in e["noisy_aliases"]
            if m["is_noisy_variant"] != noisy:
                f.add("mentions", mid, "is_noisy_variant", "the quote is one of the entity's noisy aliases", noisy,
                      m["is_noisy_variant"])
        at = (m["doc_id"], m["char_start"], m["char_end"])
        inside = in_page.get(at, False)
        if m["in_page_noise"] != inside:
            f.add("mentions", mid, "in_page_noise", "inside a page-noise span", inside, m["in_page_noise"])
        if m["noise_id"] != holder.get(at):
            f.add("mentions", mid, "noise_id", "the shortest noise span containing the mention", holder.get(at), m["noise_id"])
        elif m["is_noisy_variant"] and m["noise_id"] is None:
            f.add("mentions", mid, "noise_id", "a noisy variant lies in a noise span", "a noise_id", None)
        elif m["noise_id"] is not None and m["is_noisy_variant"] and noise_type.get(m["noise_id"]) in REMOVED_TYPES:
            f.add("mentions", mid, "noise_id", "a noisy variant's noise span labels the garbling, not the page",
                  "a content noise type", noise_type[m["noise_id"]])
        prev = last_end.get(m["doc_id"])
        if prev and m["char_start"] < prev[0]:
            f.add("mentions", mid, "char_start", "mentions do not overlap (longest match wins)", f">= {prev[0]}",
                  m["char_start"])
        last_end[m["doc_id"]] = (m["char_end"], mid)


def rescan_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """The text re-scanned with the shipped registry, minus the alias exclusions the manifest records:
    every occurrence found is a stored mention, and every stored mention is found."""
    excluded = {e["doc_id"]: [tuple(x) for x in e["alias_exclusions"]]
                for e in (manifest or {}).get("completeness", []) if "alias_exclusions" in e}
    if not excluded:
        return  # a release that does not record its alias exclusions (before v0.11.0) cannot be re-scanned
    aliases = shipped_aliases(t["entities"])
    stored = by_doc(t["mentions"])
    for d in t["documents"]:
        found = {(m["char_start"], m["char_end"]): m for m in find_mentions(d["text"], aliases, excluded.get(d["doc_id"], []))}
        have = {(m["char_start"], m["char_end"]): m for m in stored.get(d["doc_id"], [])}
        for at in sorted(found.keys() - have.keys()):
            m = found[at]
            f.add("mentions", mention_id(d["doc_id"], at[0]), "(row)",
                  "every alias occurrence is a mention (re-scanned with the shipped entities)",
                  f"a mention of {m['entity_id']} ({m['quote']!r})", "none")
        for at in sorted(have.keys() & found.keys()):
            if have[at]["entity_id"] != found[at]["entity_id"]:
                f.add("mentions", have[at]["mention_id"], "entity_id", "the entity whose alias the longest match finds",
                      found[at]["entity_id"], have[at]["entity_id"])
        for at in sorted(have.keys() - found.keys()):
            f.add("mentions", have[at]["mention_id"], "char_start",
                  "every mention is an alias occurrence the longest match finds (re-scanned with the shipped entities)",
                  "an occurrence the scan finds", f"[{at[0]}:{at[1]}] {have[at]['quote']!r}")


def alias_exclusions(seed: Seed, doc: LoadedDoc) -> list[list[int]]:
    """The spans the annotation excludes from the alias scan, as the manifest records them."""
    return sorted([s, e] for s, e, _ in exclusion_spans(seed.text, doc, "alias_exclusions"))


PROOFS: Proofs = (
    (("documents", "entities", "mentions", "noise"), row_problems),
    (PROVES, rescan_problems),
)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
