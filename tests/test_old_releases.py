"""Superseded releases (issue 31 item 5): the CHANGELOG says which are current, and `view` still shows an older
release read-only, every claim it has marked."""
import re

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from scripts import paths, view


def test_the_changelog_says_only_the_newest_release_is_current():
    text = (ROOT / "dataset" / "CHANGELOG.md").read_text(encoding="utf-8")
    section = text.split("## Which releases are current\n", 1)[1].split("\n## ", 1)[0]
    assert "Only the newest release" in section and "Every older release folder is superseded" in section
    assert "python -m scripts.view v0.5.0" in section and text.index("## Which releases") < text.index("## v0.1.0")


@pytest.mark.parametrize("version", ["0.2.0", "0.5.0"])
def test_view_shows_a_superseded_release_read_only(version, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert view.main([version, "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert f"view: v{version} is superseded by v{paths.version()}" in said and "shown read-only" in said
    release = ROOT / "dataset" / f"v{version}"
    claims = pq.read_table(release / "claims.parquet").column("claim_id").to_pylist()
    marked = set()
    for page in tmp_path.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<strong>Superseded release.</strong>" in html, page.name
        marked |= set(re.findall(r'data-claim-id="([^"]+)"', html))
    assert set(claims) <= marked and len(claims) > 100


def test_the_current_release_has_no_notice(release):
    assert view.superseded(paths.version(), []) is None
    assert view.superseded("0.9.0", ["p"]).startswith(f"v0.9.0 is superseded by v{paths.version()}")
