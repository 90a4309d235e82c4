"""The static viewer: its contract against the tables, determinism, and a real browser."""
import hashlib
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from scripts.view import KEY_ATTR, build_site


class Spans(HTMLParser):
    """Every element with data-layer, with its attributes and its full text content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        entry = {"tag": tag, "attrs": a, "text": []} if "data-layer" in a else None
        self.stack.append(entry)
        if entry:
            self.found.append(entry)

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        for e in self.stack:
            if e:
                e["text"].append(data)


def spans_of(page: Path) -> list[dict]:
    p = Spans()
    p.feed(page.read_text(encoding="utf-8"))
    return [dict(e, text="".join(e["text"])) for e in p.found]


@pytest.fixture(scope="module")
def site(release, tmp_path_factory):
    out = tmp_path_factory.mktemp("viewer")
    build_site(release, out)
    return out


def test_every_row_is_marked_in_the_text_with_its_key_and_exact_quote(release, site):
    """Each row is one element, or, where it crosses another span, consecutive parts whose texts join to its quote."""
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in ("documents", "claims", "noise", "mentions", "events")}
    cut = 0
    for d in t["documents"]:
        els = spans_of(site / f"{d['doc_id']}.html")
        got: dict = {}
        for e in els:
            layer = e["attrs"]["data-layer"]
            key = (layer, e["attrs"][KEY_ATTR[layer]], e["attrs"].get("data-evidence-index"))
            got.setdefault(key, []).append((int(e["attrs"].get("data-part", 0)), e["text"]))
        cut += sum(len(parts) > 1 for parts in got.values())
        joined: dict = {}
        for (layer, k, _), parts in got.items():
            joined.setdefault((layer, k), []).append("".join(text for _, text in sorted(parts)))
        want = {}
        for layer, table, key in (("claims", "claims", "claim_id"), ("noise", "noise", "noise_id"), ("mentions", "mentions", "mention_id")):
            for r in t[table]:
                if r["doc_id"] == d["doc_id"]:
                    want.setdefault((layer, r[key]), []).append(r["quote"])
        for ev in t["events"]:
            for x in ev["evidence"]:
                if x["doc_id"] == d["doc_id"]:
                    want.setdefault(("events", ev["event_id"]), []).append(x["quote"])
        assert {k: sorted(v) for k, v in joined.items()} == {k: sorted(v) for k, v in want.items()}, d["doc_id"]
    assert cut >= 4  # the release has spans that cross another (000-c04 among them): they are cut, not left out


def test_index_and_contradictions_pages(release, site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for d in pq.read_table(release / "documents.parquet").column("doc_id").to_pylist():
        assert f'href="{d}.html"' in index
    contra = (site / "contradictions.html").read_text(encoding="utf-8")
    assert 'href="000_7c51db7d224d44d0.html#000-c04"' in contra and "scale_mismatch" in contra
    assert "ev_yinli_2021" in contra
    assert "http://" not in contra.replace('http://www.w3.org', '') and "https://" not in index  # nothing fetched from elsewhere


def test_same_release_same_bytes(release, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_site(release, a)
    build_site(release, b)
    digest = lambda d: {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}  # noqa: E731
    assert digest(a) == digest(b) and len(digest(a)) == 7


CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are missing: `make test` installs them (Debian packages)")
        pytest.skip("chromium not installed (run `make browser` as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    o = Options()
    o.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        o.add_argument(arg)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    yield driver
    driver.quit()


def test_in_a_real_browser(release, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    out = ROOT / "build" / "viewer"
    build_site(release, out)
    shots = out / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    pages = ["index.html", "contradictions.html"] + [f"{d}.html" for d in pq.read_table(release / "documents.parquet").column("doc_id").to_pylist()]
    for page in pages:
        browser.get((out / page).as_uri())
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], (page, errors)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1280, (page, width)  # no horizontal overflow at 1280 px
        browser.save_screenshot(str(shots / page.replace(".html", ".png")))
    browser.get((out / "000_7c51db7d224d44d0.html").as_uri())
    claim = browser.find_element(By.CSS_SELECTOR, '[data-claim-id="000-c12"]')
    # hover its last part (达到267亿对): the noise span at its start, nested inside, shows its own row
    ActionChains(browser).move_to_element(browser.find_elements(By.CSS_SELECTOR, '[data-claim-id="000-c12"]')[-1]).perform()
    info = browser.find_element(By.ID, "info").text
    assert "000-c12" in info and "26,700,000,000 count" in info and "267亿对" in info
    bg = lambda: browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", claim)  # noqa: E731
    assert bg() != "rgba(0, 0, 0, 0)"
    browser.find_element(By.ID, "toggle-claims").click()
    assert bg() == "rgba(0, 0, 0, 0)"
    browser.find_element(By.ID, "toggle-claims").click()
    assert bg() != "rgba(0, 0, 0, 0)"
    assert len(list(shots.glob("*.png"))) == len(pages)
    # every claim is marked in its document's text: a visible, coloured element inside #text
    claims = pq.read_table(release / "claims.parquet", columns=["claim_id", "doc_id"]).to_pylist()
    marked = 0
    for doc_id in sorted({c["doc_id"] for c in claims}):
        browser.get((out / f"{doc_id}.html").as_uri())
        for c in (c for c in claims if c["doc_id"] == doc_id):
            el = browser.find_element(By.CSS_SELECTOR, f'#text [data-claim-id="{c["claim_id"]}"]:not([data-part])')
            assert el.is_displayed() and bg_of(browser, el) != "rgba(0, 0, 0, 0)", c["claim_id"]
            marked += 1
    assert marked == len(claims) == 116


def bg_of(browser, el) -> str:
    return browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", el)


def test_viewer_refuses_a_release_that_does_not_validate(release, tmp_path, capsys):
    from scripts.view import main
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    (copy / "manifest.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "site"
    assert main([str(copy), "--out", str(out)]) == 1
    assert "does not validate" in capsys.readouterr().err
    assert not out.exists()
