"""Figures for the datasheet and card, rendered reproducibly (fixed SVG hash salt,
no date in the metadata) so that a rebuild gives the same bytes."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

MARKERS = "osD^vP*Xhp<>"
MAX_LEGEND = 12
MAX_LABELLED = 80

def gmv_timeline(claims: list[dict], relations: list[dict], docs: dict[str, dict], out: Path) -> Path:

    matplotlib.use("Agg")

    matplotlib.rcParams.update({"svg.hashsalt": "kuaishou-ecommerce-claims", "svg.fonttype": "path",
                                "font.family": "DejaVu Sans", "font.size": 9})
    gmv = [c for c in claims if c["subject_id"] == "kuaishou_ecommerce" and c["metric"] == "gmv"
           and c["unit"] == "CNY" and not c["is_change"] and c["period_start"] is not None]
    contradicted = {r["claim_id_a"] for r in relations if r["relation"] in ("contradicts", "arithmetic_inconsistent")} | \
                   {r["claim_id_b"] for r in relations if r["relation"] in ("contradicts", "arithmetic_inconsistent")}
    fig, ax = plt.subplots(figsize=(8, 4.2))
    by_doc: dict[str, list] = defaultdict(list)
    for c in gmv:
        by_doc[c["doc_id"]].append(c)
    # markers repeat beyond the first dozen documents; past MAX_LABELLED points the chart
    # shows the shape, not one label per claim (a corpus of hundreds would bury it)
    markers = {d: MARKERS[i % len(MARKERS)] for i, d in enumerate(sorted(docs))}
    if len(gmv) <= MAX_LABELLED:
        _labelled(ax, by_doc, sorted(docs), markers, contradicted)
    else:
        _shape(ax, by_doc, sorted(docs), markers, contradicted)
    ax.set_yscale("log")
    ax.set_ylabel("GMV as stated (100 million yuan, log scale)")
    ax.set_xlabel("middle of the period the claim refers to")
    ax.set_title("Kuaishou e-commerce GMV: what each source states (red ring = contradicted by a relation)")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_xlim(dt.date(2017, 7, 1), dt.date(2024, 1, 1))  # type: ignore[arg-type]  # matplotlib converts dates
    ax.legend(loc="lower right", fontsize=7, frameon=True)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return out


def _xy(pts: list[dict]) -> tuple[list, list]:
    return [c["period_start"] + (c["period_end"] - c["period_start"]) / 2 for c in pts], [c["value"] / 1e8 for c in pts]


def _labelled(ax, by_doc: dict[str, list], docs: list[str], markers: dict[str, str], contradicted: set[str]) -> None:
    """Every point with its label, its ring and its reconciled reading, one document at a time."""
    for k, doc_id in enumerate(docs):
        pts = by_doc.get(doc_id)
        if not pts:
            continue
        xs, ys = _xy(pts)
        ax.scatter(xs, ys, marker=markers[doc_id], s=46, zorder=3,
                   label=f"doc {doc_id.split('_')[0]}" if k < MAX_LEGEND else "_nolegend_")
        for c, x, y in zip(pts, xs, ys):
            # ASCII labels: the figure must render without a CJK font
            sign = {"less_than": "<", "at_most": "<=", "more_than": ">", "at_least": ">=", "approx": "~"}.get(c["bound"], "")
            note = f"{c['claim_id']}: {sign}{y:,.4g}"
            left = x > dt.date(2023, 1, 1)  # keep labels inside the axes on the right edge
            ax.annotate(note, (x, y), textcoords="offset points", xytext=(-8 if left else 6, 4 - 11 * (k % 3)),
                        ha="right" if left else "left", fontsize=7)
            if c["claim_id"] in contradicted:
                ax.scatter([x], [y], s=220, facecolors="none", edgecolors="red", linewidths=1.4, zorder=4)
            if c["value_reconciled"] != c["value"]:
                ax.annotate("", xy=(x, c["value_reconciled"] / 1e8), xytext=(x, y),
                            arrowprops=dict(arrowstyle="->", color="grey", lw=1, ls="--"))
                ax.scatter([x], [c["value_reconciled"] / 1e8], marker=markers[doc_id], s=46, facecolors="none",
                           edgecolors="grey", zorder=3)
                ax.annotate(f"{c['claim_id']} reconciled: {c['value_reconciled'] / 1e8:,.4g}",
                            (x, c["value_reconciled"] / 1e8), textcoords="offset points", xytext=(-8, -3),
                            ha="right", fontsize=7, color="grey")


def _shape(ax, by_doc: dict[str, list], docs: list[str], markers: dict[str, str], contradicted: set[str]) -> None:
    """A corpus too large to label: the first documents in the legend, the rest one grey call per
    marker, the rings and the reconciled readings each in one call (not one per point)."""
    rest: defaultdict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    rings: tuple[list, list] = ([], [])
    moved: tuple[list, list, list] = ([], [], [])
    for k, doc_id in enumerate(docs):
        pts = by_doc.get(doc_id)
        if not pts:
            continue
        xs, ys = _xy(pts)
        if k < MAX_LEGEND:
            ax.scatter(xs, ys, marker=markers[doc_id], s=46, zorder=3, label=f"doc {doc_id.split('_')[0]}")
        else:
            rest[markers[doc_id]][0].extend(xs)
            rest[markers[doc_id]][1].extend(ys)
        for c, x, y in zip(pts, xs, ys):
            if c["claim_id"] in contradicted:
                rings[0].append(x)
                rings[1].append(y)
            if c["value_reconciled"] != c["value"]:
                for lst, v in zip(moved, (x, y, c["value_reconciled"] / 1e8)):
                    lst.append(v)
    for marker, (xs, ys) in rest.items():
        ax.scatter(xs, ys, marker=marker, s=46, zorder=3, color="0.55", label="_nolegend_")
    if rings[0]:
        ax.scatter(*rings, s=220, facecolors="none", edgecolors="red", linewidths=1.4, zorder=4)
    if moved[0]:
        ax.vlines(moved[0], moved[1], moved[2], colors="grey", linestyles="--", lw=1)
        ax.scatter(moved[0], moved[2], s=46, facecolors="none", edgecolors="grey", zorder=3)
