"""Metadata a reviewer can trust (issue 27): Croissant 1.1 with the Responsible-AI vocabulary, validated by
mlcroissant's own command with no warning; the card's Hub YAML parsed by huggingface_hub; every relative link
of the card and the datasheet inside dataset/."""
import json
import logging
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
from conftest import ROOT

from scripts.docs import card, croissant, rai

DATASET = ROOT / "dataset"


@pytest.fixture(scope="module")
def meta() -> dict:
    return json.loads((DATASET / "croissant.json").read_text(encoding="utf-8"))


def test_mlcroissant_validate_prints_no_warning():
    cli = Path(sys.executable).parent / "mlcroissant"
    r = subprocess.run([str(cli), "validate", "--jsonld", str(DATASET / "croissant.json")],
                       capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Done." in out
    assert not re.search(r"warning|error", out, re.I), out


def test_croissant_1_1_with_every_rai_field(meta):
    assert "http://mlcommons.org/croissant/1.1" in meta["conformsTo"]
    assert meta["@context"]["rai"] == rai.RAI
    for key in ("dataCollection", "dataCollectionType", "dataAnnotationProtocol", "dataAnnotationPlatform",
                "dataBiases", "dataLimitations", "dataUseCases", "dataSocialImpact",
                "personalSensitiveInformation", "dataReleaseMaintenancePlan"):
        assert isinstance(meta[f"rai:{key}"], str) and len(meta[f"rai:{key}"]) > 20, key
    assert meta["rai:hasSyntheticData"] is True
    assert meta["datePublished"].startswith("20") and meta["isAccessibleForFree"] is True
    assert meta["creator"]["name"] and "synthetic" in meta["keywords"]
    assert meta["sameAs"] == meta["url"]


def test_each_record_set_says_real_or_generated_with_the_generators_seed(meta):
    with open(ROOT / "pyproject.toml", "rb") as f:
        declared = tomllib.load(f)["tool"]["kuaishou-ecommerce-claims"]["generated-splits"]
    kinds = {rs["@id"]: rs["sc:additionalType"] for rs in meta["recordSet"]}
    assert kinds["claims"] == "real" and kinds["verification"] == "real"
    for split, spec in declared.items():
        rs = next(r for r in meta["recordSet"] if r["@id"] == f"verification_{split}")
        assert rs["sc:additionalType"] == "generated"
        assert f"--seed {spec['seed']} --docs {spec['docs']}" in rs["prov:wasGeneratedBy"]
    assert set(kinds.values()) == {"real", "generated"}
    assert meta["@context"]["prov"] == "http://www.w3.org/ns/prov#"


def test_timestamps_are_datetimes_and_an_unknown_type_is_an_error(meta):
    docs = next(r for r in meta["recordSet"] if r["@id"] == "documents")
    types = {f["name"]: f["dataType"] for f in docs["field"]}
    assert types["published_at"] == "sc:DateTime" and types["reference_date"] == "sc:Date"
    import mlcroissant as mlc
    assert croissant._data_type(mlc, "timestamp[ms,Asia/Shanghai]") == mlc.DataType.DATETIME
    with pytest.raises(ValueError, match="decimal128"):
        croissant._data_type(mlc, "decimal128")


def test_rai_sentences_are_the_datasheets_own(meta):
    """One source: each RAI statement appears, as written in scripts/docs/rai.py, in the datasheet and in Croissant."""
    sheet = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    for key, text in rai.TEXT.items():
        assert meta[f"rai:{key}"] == text
        assert text in sheet, key


def test_card_yaml_parses_with_huggingface_hub_without_warnings(caplog):
    from huggingface_hub import DatasetCard
    text = (DATASET / "README.md").read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
            data = DatasetCard(text).data
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    d = data.to_dict()
    assert d["annotations_creators"] == ["expert-generated", "machine-generated"]
    assert d["language_creators"] == ["found", "machine-generated"]
    assert d["source_datasets"] == ["original"] and d["multilinguality"] == ["monolingual"]
    assert d["size_categories"] == ["1K<n<10K"] and "synthetic" in d["tags"]


def test_size_category_follows_the_largest_config():
    assert [card.size_category(n) for n in (0, 999, 1000, 3374, 10_000)] == \
        ["n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K"]


def test_benchmark_section_starts_within_150_lines_of_the_cards_text():
    """The YAML front matter (dataset_info of all 13 configs) is for the Hub; a reader's page starts after it."""
    lines = (DATASET / "README.md").read_text(encoding="utf-8").splitlines()
    body = lines.index("---", 1) + 1
    at = lines.index("## Benchmark tasks")
    assert at - body < 150, at - body
    assert lines.index("## Data dictionary") > at


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", ["README.md", "DATASHEET.md"])
def test_every_relative_link_resolves_inside_dataset(doc):
    text = re.sub(r"```.*?```", "", (DATASET / doc).read_text(encoding="utf-8"), flags=re.S)
    relative = [t for t in _LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert relative, doc
    root = DATASET.resolve()
    for target in relative:
        path = (DATASET / target.split("#")[0]).resolve()
        assert path.is_relative_to(root) and path.exists(), f"{doc}: {target}"
