"""A generated corpus says what it is in its card, datasheet and viewer, and its links resolve inside it
(issue 31 item 6)."""
import json
import re
from pathlib import Path

import pytest

from scripts import view


@pytest.fixture(scope="module")
def corpus(generated_corpus):
    return generated_corpus  # 12 documents, seed 5 (tests/conftest.py)


def _links(markdown: str) -> set[str]:
    """Relative link targets of a Markdown text (no URL, no in-page anchor)."""
    return {t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", markdown)
            if not re.match(r"[a-z]+:", t) and not t.startswith("#")}


def test_the_pyproject_and_manifest_say_what_the_corpus_is(corpus):
    from scripts import paths
    declared = paths.generated_corpus(corpus)
    assert declared == {"docs": 12, "seed": 5, "first": 100,
                        "generator": f"scripts/generate.py of kuaishou-ecommerce-claims {paths.version()}"}
    manifest = json.loads(next((corpus / "dataset").glob("v*/manifest.json")).read_text(encoding="utf-8"))
    assert manifest["generated_corpus"] == declared
    assert paths.generated_corpus() is None  # this project is the five documents


def test_card_and_datasheet_describe_the_corpus_not_the_five_articles(corpus):
    card = (corpus / "dataset" / "README.md").read_text(encoding="utf-8")
    sheet = (corpus / "DATASHEET.md").read_text(encoding="utf-8")
    say = "12 noisy Chinese documents about Kuaishou (快手) e-commerce written by `python -m scripts.generate --docs 12 --seed 5`"
    assert "# Kuaishou e-commerce claims (generated corpus)\n" in card and say in card
    assert "Five noisy Chinese web articles" not in card
    assert say in sheet and "12 generated Chinese documents about Kuaishou" in sheet
    assert "Five Chinese web articles about" not in sheet


def test_links_in_the_corpus_docs_resolve_inside_it(corpus):
    dataset = corpus / "dataset"
    assert not (dataset / "CHANGELOG.md").exists()
    for doc, base in ((dataset / "README.md", dataset), (dataset / "DATASHEET.md", dataset), (corpus / "DATASHEET.md", corpus)):
        links = _links(doc.read_text(encoding="utf-8"))
        assert "DATASHEET.md" in links or doc.name == "DATASHEET.md"
        assert sorted(t for t in links if not (base / t).exists()) == [], doc
    assert "CHANGELOG.md" not in (dataset / "README.md").read_text(encoding="utf-8")


def test_the_project_card_still_links_its_changelog():
    from conftest import ROOT
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert "[CHANGELOG.md](CHANGELOG.md)" in card and "Five noisy Chinese web articles" in card
    assert "(generated corpus)" not in card


def test_the_viewer_heading_says_what_the_corpus_is(corpus, tmp_path):
    release = next((corpus / "dataset").glob("v*/"))
    view.build_site(release, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "a generated corpus of 12 documents" in index and "--docs 12 --seed 5" in index
    assert "the five documents" not in index


def test_the_project_viewer_heading_is_the_five_documents(release, tmp_path):
    view.build_site(release, tmp_path)
    assert "<h1>Kuaishou e-commerce claims: the five documents</h1>" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert isinstance(release, Path)
