"""A static, offline viewer of a release: `python -m scripts.view [RELEASE_DIR] [--out DIR]`.

Writes index.html, one <doc_id>.html per document (the raw text with claims,
noise, mentions and event evidence as switchable layers) and contradictions.html.
No server, no network: CSS and JS are inline. Same release, same bytes.

The span renderer is our own: displaCy's span renderer draws one label track per
span under the text and needs spaCy, and it does not nest spans inside spans of
other layers; here every row is one element whose text is exactly its quote,
nested where the spans nest."""
from __future__ import annotations

import argparse
import heapq
import html
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import schema
from scripts import cli, paths

LAYERS = ("claims", "noise", "mentions", "events")
KEY_ATTR = {"claims": "data-claim-id", "noise": "data-noise-id", "mentions": "data-mention-id", "events": "data-event-id"}
ORDER = {name: i for i, name in enumerate(LAYERS)}


@dataclass
class Span:
    start: int
    end: int
    layer: str
    key: str
    kind: str            # colour class: the claim's metric kind, the noise type, the entity type, the event type
    info: dict           # shown on hover/focus
    extra: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    part: int = 0        # > 0: a later part of a span cut where it crosses another


class Row(dict):
    """A row of a superseded release, which may lack a table or column this viewer shows: it reads as None."""
    def __missing__(self, key):
        return None


def _lenient(value):
    return Row({k: _lenient(v) for k, v in value.items()}) if isinstance(value, dict) else \
        [_lenient(v) for v in value] if isinstance(value, list) else value


def _spans(doc_id: str, t: dict) -> list[Span]:
    ents = {e["entity_id"]: e for e in t["entities"]}
    verdicts = {v["claim_id"]: v for v in t["claim_verdicts"]}
    facts = {f["fact_id"]: f for f in t["reference_facts"]}
    from scripts.normalize.cleaning import REMOVED_TYPES as removed

    out = []
    for c in t["claims"]:
        if c["doc_id"] != doc_id:
            continue
        v = verdicts.get(c["claim_id"]) or Row()
        info = {"claim": c["claim_id"], "value": f"{num(c['value'])} {c['unit']}", "as written": c["value_surface"],
                "bound": c["bound"], "period": f"{c['period_start']} – {c['period_end']}" if c["period_start"] else "none",
                "kind": c["claim_kind"], "metric": f"{c['metric']} ({c['scope']})",
                "change": f"{c['change_basis']} {c['direction_stated']}" if c["is_change"] else "level",
                "verdict": f"{v['verdict']} (reconciled: {v['verdict_reconciled']})",
                "official": "; ".join(f"{facts[f]['value_as_printed'] or num(facts[f]['value'])} ({facts[f]['source_tier']})"
                                      for f in v["fact_ids"] or []) or "—",
                "official source": "; ".join(str(facts[f]["statement_en"]) for f in v["fact_ids"] or []) or "—",
                "English": c["statement_en"]}
        if c["reconciled_by"]:
            info["reconciled value"] = f"{num(c['value_reconciled'])} {c['unit']}"
        out.append(Span(c["char_start"], c["char_end"], "claims", c["claim_id"], v["verdict"], info))
    for n in t["noise"]:
        if n["doc_id"] == doc_id:
            out.append(Span(n["char_start"], n["char_end"], "noise", n["noise_id"], n["noise_type"],
                            {"noise": n["noise_id"], "type": n["noise_type"], "likely reading": n["likely_reading"] or "—",
                             "basis": n["basis"], "confidence": n["confidence"], "why": n["explanation"]},
                            {"page-noise": n["noise_type"] in removed}))
    for m in t["mentions"]:
        if m["doc_id"] == doc_id:
            e = ents[m["entity_id"]]
            out.append(Span(m["char_start"], m["char_end"], "mentions", m["mention_id"], e["entity_type"],
                            {"mention": m["mention_id"], "entity": f"{e['canonical_name']} ({e['name_en']})",
                             "type": e["entity_type"], "garbled": "yes" if m["is_noisy_variant"] else "no"}))
    for ev in t["events"]:
        for i, x in enumerate(ev["evidence"]):
            if x["doc_id"] == doc_id:
                out.append(Span(x["char_start"], x["char_end"], "events", ev["event_id"], ev["event_type"],
                                {"event": ev["event_id"], "title": ev["title_zh"], "type": ev["event_type"],
                                 "this source's date": f"{x['stated_date_surface'] or '—'} ({x['stated_date_start']} – {x['stated_date_end']})",
                                 "event date": f"{ev['date_start']} – {ev['date_end']}",
                                 "sources disagree": "yes" if ev["date_disagreement"] else "no"},
                                {"data-evidence-index": str(i)}))
    return out


def nest(spans: list[Span]) -> list[Span]:
    """Spans into a tree (a span contains those inside it). A span that crosses another (starts inside it,
    ends outside) is cut at that span's end; each part nests where it lies and carries the row's key and
    info, so every row is marked in the text, its parts read in order give its quote."""
    roots: list[Span] = []
    stack: list[Span] = []
    heap = [(s.start, -s.end, ORDER[s.layer], s.key, i, s) for i, s in enumerate(spans)]
    heapq.heapify(heap)
    serial = len(heap)
    while heap:
        s = heapq.heappop(heap)[-1]
        while stack and stack[-1].end <= s.start:
            stack.pop()
        if stack and s.end > stack[-1].end:
            cut = stack[-1].end
            tail = replace(s, start=cut, children=[], part=s.part + 1)
            heapq.heappush(heap, (tail.start, -tail.end, ORDER[tail.layer], tail.key, serial, tail))
            serial += 1
            s = replace(s, end=cut)
        (stack[-1].children if stack else roots).append(s)
        stack.append(s)
    return roots


def _open(s: Span) -> str:
    attrs = {"class": f"span {s.layer} t-{s.kind}" + (" page-noise" if s.extra.get("page-noise") else ""),
             "data-layer": s.layer, KEY_ATTR[s.layer]: s.key, "tabindex": "0",
             "data-info": json.dumps(s.info, ensure_ascii=False, sort_keys=True, default=str)}
    attrs.update({k: v for k, v in s.extra.items() if k.startswith("data-")})
    if s.part:  # one focus stop and one anchor per row: its first part
        attrs["data-part"] = str(s.part)
        del attrs["tabindex"]
    elif s.layer in ("claims", "noise") and "data-evidence-index" not in s.extra:
        attrs["id"] = s.key
    return "<span " + " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items()) + ">"


def render_text(text: str, roots: list[Span], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    out, pos = [], start
    for s in roots:
        out.append(html.escape(text[pos:s.start]))
        out.append(_open(s) + render_text(text, s.children, s.start, s.end) + "</span>")
        pos = s.end
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def num(v: float) -> str:
    """Readable numbers: 90,120,000 rather than 9.012e+07."""
    return f"{v:,.0f}" if abs(v) >= 1000 and float(v).is_integer() else f"{v:,.6g}"


def _env(notice: str | None = None):
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "viewer"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = num
    env.globals["notice"] = notice  # a superseded release: shown read-only, as stored
    return env


def build_site(release: Path, out: Path, notice: str | None = None) -> list[Path]:
    """notice: shown on every page; given, the release is superseded and may lack tables and columns of today's
    schema, which then show as empty."""
    import pyarrow.parquet as pq
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() if (release / f"{n}.parquet").exists() else []
         for n in schema.table_names()}
    if notice:
        t = {n: _lenient(rows) for n, rows in t.items()}
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    env = _env(notice)
    vocab = schema.load().vocab
    out.mkdir(parents=True, exist_ok=True)
    written = []
    docs = sorted(t["documents"], key=lambda d: d["doc_id"])
    doc_of = {c["claim_id"]: c["doc_id"] for c in t["claims"]}  # a claim's document by its row, not by its id's prefix
    rows = []
    for d in docs:
        spans = _spans(d["doc_id"], t)
        roots = nest(spans)
        counts = {layer: sum(1 for s in spans if s.layer == layer) for layer in LAYERS}
        verdicts = {k: sum(1 for v in t["claim_verdicts"] if doc_of.get(v["claim_id"]) == d["doc_id"] and v["verdict"] == k)
                    for k in vocab["verdict"]}
        rows.append({"doc": d, "counts": counts, "verdicts": verdicts})
        page = env.get_template("document.html.j2").render(
            doc=d, version=manifest["version"], body=render_text(d["text"], roots),
            layers=LAYERS, counts=counts, noise_types=list(vocab["noise_type"]), verdict_terms=list(vocab["verdict"]),
            entity_types=list(vocab["entity_type"]))
        written.append(_write(out / f"{d['doc_id']}.html", page))
    claims = {c["claim_id"]: c for c in t["claims"]}
    texts = {d["doc_id"]: d["text"] for d in docs}
    relations = []
    conflicts = ("contradicts", "arithmetic_inconsistent")
    for r in sorted(t["claim_relations"], key=lambda r: (r["relation"] not in conflicts, r["rule"], r["relation_id"])):
        a, b = claims[r["claim_id_a"]], claims[r["claim_id_b"]]
        relations.append({"r": r, "a": a, "b": b,
                          "sa": _mark(texts[a["doc_id"]], a), "sb": _mark(texts[b["doc_id"]], b)})
    events = [e for e in t["events"] if e["date_disagreement"]]
    written.append(_write(out / "contradictions.html", env.get_template("contradictions.html.j2").render(
        version=manifest["version"], relations=relations, events=events)))
    written.append(_write(out / "index.html", env.get_template("index.html.j2").render(
        version=manifest["version"], rows=rows, layers=LAYERS, verdict_terms=list(vocab["verdict"]),
        corpus=manifest.get("generated_corpus"),
        n_relations=len(relations))))
    return written


def _mark(text: str, c: dict) -> str:
    """The claim's sentence with the quote marked (HTML)."""
    from scripts.tables.tasks import sentence
    s = sentence(text, c["char_start"], c["char_end"])
    i = s.find(c["quote"])
    if i == -1:
        return html.escape(s)
    return html.escape(s[:i]) + "<mark>" + html.escape(c["quote"]) + "</mark>" + html.escape(s[i + len(c["quote"]):])


def _write(path: Path, content: str) -> Path:
    from scripts.files import write_text_atomic
    # beside, then renamed over: a symlink left at the page's name is replaced, never written through
    write_text_atomic(path, content)
    return path


def superseded(made_by: str | None, problems: list) -> str | None:
    """The notice for a release older than this code's (dataset/CHANGELOG.md, "Which releases are current"):
    shown read-only, as stored, even when today's rules find problems in it; None for the current release."""
    if made_by is None or made_by == paths.version():
        return None
    why = (f"; today's rules find {len(problems)} problem(s) in it (tables and columns added since show as empty)"
           if problems else "")
    return (f"v{made_by} is superseded by v{paths.version()} (see CHANGELOG.md, \"Which releases are current\"): "
            f"shown read-only, as it was released{why}")


def out_refusal(out: Path, release: Path) -> str | None:
    """Why the site may not go to out: inside a release folder (any folder up from out holding a manifest.json)
    or the dataset repository (dataset/, or the folder of releases the given one sits in), where its pages
    would become part of what is published. Symlinks are followed first."""
    where = out.resolve()
    for folder in (where, *where.parents):
        if (folder / "manifest.json").is_file():
            return f"{out} is inside the release folder {folder}: give a folder outside dataset/"
    repos = {paths.DATASET.resolve()} | ({release.resolve().parent} if release.resolve().parent.name == "dataset" else set())
    for repo in sorted(repos):
        if where.is_relative_to(repo):
            return f"{out} is inside the dataset repository {repo}: give a folder outside it, such as build/viewer"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="view", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("release", nargs="?", default=None,
                    help="a release folder, or a version (0.9.0 or v0.9.0) under dataset/; default: the current version's")
    ap.add_argument("--out", type=Path, default=paths.BUILD / "viewer")
    args = ap.parse_args(argv)
    release = paths.current_release(args.release)
    if why := paths.no_release(release):
        print(f"view: {why}", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        return cli.refuse("view", f"--out {args.out} is a file, not a folder: give a folder for the pages")
    if why := out_refusal(args.out, release):
        return cli.refuse("view", f"--out: {why}")
    from scripts.validate import validate  # after parsing: --help and a mistake answer without the slow imports

    problems = validate(release, gx=False, first_failure=True)  # form and meaning: pages show what a valid release says
    made_by = json.loads((release / "manifest.json").read_text(encoding="utf-8")).get("version")
    notice = superseded(made_by, problems)
    if problems and not notice:
        print(f"view: {release} does not validate ({len(problems)} problem(s), e.g. {problems[0]}); "
              "run `python -m scripts.validate`", file=sys.stderr)
        return 1
    try:
        files = build_site(release, args.out, notice)
    except OSError as e:  # a page's place is a folder, an unwritable --out: which file, not a traceback
        print(f"view: {e.filename or args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    if notice:
        print(f"view: {notice}")
    print(f"wrote {len(files)} pages to {args.out} (open {args.out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
