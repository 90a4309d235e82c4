"""Bad annotation input: each kind stops `python -m scripts.build` with file:line: reason,
a non-zero exit, and leaves the previous release byte for byte untouched. Cases run the
command's main() in-process; one case runs it as a process of its own."""
import hashlib
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, tree_digest
from helpers import build_fails, edit

from scripts.build import main as build_main

A = "seeds/annotations/"
D0, D1, D2, D4 = A + "000_7c51db7d224d44d0.yaml", A + "001_35f7c8b8a9798a98.yaml", A + "002_caaaa08c57994287.yaml", A + "004_54b17cd3334fa9d2.yaml"

# kind: (file to edit, old, new, file named in the error, reason fragment)
CASES = {
    "yaml syntax error": (D4, "  - id: c05\n", "  - id: c05\n    quote: [unclosed\n", D4, "YAML syntax error"),
    "unknown field": (D0, "    value: 79%\n", "    value: 79%\n    colour: red\n", D0, "Extra inputs are not permitted"),
    "missing quote": (D0, "    quote: 货车商品数目环比下降79%\n", "", D0, "quote: Field required"),
    "quote not in text": (D0, "    quote: 货车商品数目环比下降79%\n", "    quote: 货架商品数目环比下降79%\n", D0, "quote not found"),
    "ambiguous quote": (D1, "    quote: 快手电商运营快速起量\n    occurrence: 3\n", "    quote: 快手电商运营快速起量\n", D1, "add occurrence"),
    "occurrence out of range": (D1, "    quote: 快手电商运营快速起量\n    occurrence: 3\n", "    quote: 快手电商运营快速起量\n    occurrence: 9\n", D1, "occurrence 9 asked"),
    "unknown entity": (D0, "    subject: tmall\n", "    subject: tmall_global\n", D0, "unknown entity 'tmall_global'"),
    "unknown metric": (D0, "    metric: product_count\n", "    metric: products\n", D0, "not in vocabulary metric"),
    "value not inside the quote": (D0, "    value: 79%\n", "    value: 80%\n", D0, "value: not inside the quote"),
    "unparseable number": (D0, "    value: 79%\n", "    value: 下降79%\n", D0, "'下降79%' is not a number"),
    "unit contradicting the surface": (D0, "    metric: product_count\n", "    metric: gmv\n    unit: CNY\n", D0, "contradicts the unit word"),
    "unit missing": (D4, "    value: 596亿\n    unit: CNY\n", "    value: 596亿\n", D4, "has no unit word"),
    "unit not allowed for metric": (D4, "    value: 596亿\n    unit: CNY\n", "    value: 596亿\n    unit: count\n", D4, "not allowed for metric gmv"),
    "unresolvable period": (D0, "    period: 2023年一季度\n", "    period: 中长期\n", D0, "cannot resolve period"),
    "period that ends before it starts": (D0, "    period: 2023年一季度\n", "    period: 2023年4月至2023年1月\n", D0, "period"),
    "period stated elsewhere in the sentence": (D0, '    period: 2022年\n    kind: actual\n    en: "Monthly active sellers',
                                                '    kind: actual\n    en: "Monthly active sellers', D0,
                                                "its sentence states period words 2022年"),
    "change with no period": (D4, '    period_unknown: true\n    kind: actual\n    speaker: xiao_gu\n    en: "Kuaishou e-commerce\'s',
                              '    kind: actual\n    speaker: xiao_gu\n    en: "Kuaishou e-commerce\'s', D4, "a change compares two periods"),
    "amount dated by a now word": (D2, "    scope: 年营业额\n    period_unknown: true\n", "    scope: 年营业额\n    period: 目前\n", D2,
                                   "'目前' dates a level, not the span an amount (sales) sums"),
    "period context not in the text": (D1, "    period_context: 截至2021年12月31日\n", "    period_context: 前年\n", D1,
                                       "period_context '前年' is not in the text"),
    "duplicate claim id": (D0, "  - id: c02\n", "  - id: c01\n", D0, "duplicate id c01"),
    "duplicate YAML key": (D0, "    value: 79%\n", "    value: 79%\n    value: 80%\n", D0, "duplicate key 'value'"),
    "expected value disagrees": (D0, "    expect: 90120000\n", "    expect: 901200000000\n", D0, "code reads '9012万元' as 90120000.0"),
    "unknown noise type": (D2, "    type: boilerplate\n", "    type: spam\n", D2, "not in vocabulary noise_type"),
    "noise linked to an unknown claim": (D0, "    claims: [c02]\n", "    claims: [c99]\n", D0, "unknown claim 000-c99"),
    "unknown exclusion reason": (D0, "reason: lexical}", "reason: boring}", D0, "not in vocabulary exclusion_reason"),
    "unaccounted number": (D0, "  - {quote: 第五个年头, reason: ordinal}\n", "", "seeds/000_7c51db7d224d44d0.txt", "is not covered"),
    "unknown event participant": (A + "events.yaml", "participants: [douyin]", "participants: [tiktok]", A + "events.yaml", "unknown entity 'tiktok'"),
    "event date outside its quote": (A + "events.yaml", "date: 2020年3月}", "date: 2021年3月}", A + "events.yaml", "is not inside the quote"),
    "duplicate alias": (A + "entities.yaml", "aliases: [得物]", "aliases: [得物, 抖音]", A + "entities.yaml", "already an alias of douyin"),
    "check naming an unknown claim": (D4, "{rule: share_of_base, share: c02, base: c01, part: c03}", "{rule: share_of_base, share: c02, base: c01, part: c42}", D4, "unknown claim c42"),
    "seed edited": ("seeds/003_c2ea40f74879899f.txt", "3812亿", "3821亿", "seeds/sources.yaml", "must never be edited"),
}


SEED0 = "seeds/000_7c51db7d224d44d0.txt"


def _reseed(project, data: bytes):
    """Replace a seed and record its new hash, as a careless update of sources.yaml would."""
    old = hashlib.sha256((project / SEED0).read_bytes()).hexdigest()
    (project / SEED0).write_bytes(data)
    edit(project / "seeds/sources.yaml", old, hashlib.sha256(data).hexdigest())


def _bytes(path, old: bytes, new: bytes):
    def mutate(project):
        data = (project / path).read_bytes()
        assert old in data
        (project / path).write_bytes(data.replace(old, new, 1))
    return mutate


def _text(path, old, new):
    return lambda project: edit(project / path, old, new)


FACTS = "seeds/reference/facts.yaml"
# inputs found to slip through or to end in a traceback: kind -> (mutation, file named, reason fragment)
MORE = {
    "seed not UTF-8": (lambda p: _reseed(p, (p / SEED0).read_bytes().replace("快手".encode(), b"\xff\xfe", 1)), SEED0, "not valid UTF-8"),
    "annotation not UTF-8": (_bytes(D0, "货车商品".encode(), b"\xe8\x00"), D0, "not valid UTF-8"),
    "YAML nested thousands deep": (_text(D0, "    value: 79%\n", "    value: 79%\n    deep: " + "[" * 5000 + "]" * 5000 + "\n"), D0, "nesting depth"),  # libyaml refuses past 1000 levels, the loader past 64
    "non-scalar YAML key": (_text(D0, "    value: 79%\n", "    value: 79%\n    ? [a, b]\n    : 1\n"), D0, "a mapping key must be a plain scalar"),
    "full-width year in period words": (_text(D0, "    period: 2022年\n", "    period: ２０２２年\n"), D0, "is not an ASCII digit"),
    "year out of range in period words": (_text(D0, "    period: 2022年\n", "    period: 9999年\n"), D0, "year 9999 is outside"),
    "month 13 in period words": (_text(D0, "    period: 2022年\n", "    period: 2022年13月\n"), D0, "there is no month 13"),
    "empty seed": (lambda p: _reseed(p, b""), SEED0, "seed text is empty or whitespace only"),
    "whitespace-only seed": (lambda p: _reseed(p, b" \n\t\n"), SEED0, "seed text is empty or whitespace only"),
    "whitespace-only quote": (_text(D0, "    quote: 货车商品数目环比下降79%\n", '    quote: " "\n'), D0, "quote: empty or whitespace only"),
    "empty alias": (_text(A + "entities.yaml", "aliases: [得物]", 'aliases: [得物, ""]'), A + "entities.yaml", "is empty or has blanks"),
    "whitespace alias": (_text(A + "entities.yaml", "aliases: [得物]", 'aliases: [得物, " "]'), A + "entities.yaml", "is empty or has blanks"),
    "single common character alias": (_text(A + "entities.yaml", "aliases: [得物]", "aliases: [得物, 的]"), A + "entities.yaml", "is a single character"),
    "occurrence: true": (_text(D0, "    quote: 货车商品数目环比下降79%\n", "    quote: 货车商品数目环比下降79%\n    occurrence: true\n"), D0, "occurrence: Input should be a valid integer"),
    "expect: .nan": (_text(D0, "    expect: 90120000\n", "    expect: .nan\n"), D0, "expect: Input should be a finite number"),
    "400-digit number": (_text(FACTS, "  value_as_printed: 人民币596亿元\n", "  value_as_printed: " + "9" * 400 + "亿元\n"), FACTS, "has 400 digits"),
    "non-ASCII digits in an id": (_text(D0, "  - id: c02\n", "  - id: c٠٢\n"), D0, "id: String should match pattern '^c[0-9]{2,3}$'"),
    "annotation file with no seed": (lambda p: shutil.copy(p / D0, p / A / "005_0000000000000000.yaml"), A + "005_0000000000000000.yaml", "annotation file with no seed"),
}


def test_there_are_at_least_15_kinds():
    assert len(CASES) >= 15 and len(MORE) >= 15


def _assert_stopped(project, named, reason, rc, err, before):
    assert rc == 1, err
    m = re.search(r"build failed: (\S+?):(\d+): (.*)", err)
    assert m, err
    assert m.group(1).endswith(named) and int(m.group(2)) > 0, err
    assert reason in m.group(3), err
    assert "Traceback" not in err
    assert tree_digest(project / "dataset") == before
    assert not list((project / "dataset").glob(".staging-*")), "staging debris left behind"


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_input_stops_the_build(project, kind, capsys):
    path, old, new, named, reason = CASES[kind]
    edit(project / path, old, new)
    before = tree_digest(project / "dataset")
    rc = build_main(["--quiet", "--root", str(project)])
    _assert_stopped(project, named, reason, rc, capsys.readouterr().err, before)


@pytest.mark.parametrize("kind", sorted(MORE))
def test_input_that_slipped_through_stops_the_build(project, kind, capsys):
    mutate, named, reason = MORE[kind]
    mutate(project)
    before = tree_digest(project / "dataset")
    rc = build_main(["--quiet", "--root", str(project)])
    _assert_stopped(project, named, reason, rc, capsys.readouterr().err, before)


def test_entry_point_stops_with_file_line_reason(project):
    """The command as a process of its own: exit status and stderr as a shell sees them."""
    path, old, new, named, reason = CASES["unknown entity"]
    edit(project / path, old, new)
    before = tree_digest(project / "dataset")
    r = subprocess.run([sys.executable, "-m", "scripts.build", "--quiet", "--root", str(project)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    _assert_stopped(project, named, reason, r.returncode, r.stderr, before)


def test_a_period_in_the_sentence_is_refused_at_the_claims_line(project):
    """000-c05 (月活跃卖家稳定在1亿以上) without its period: the sentence opens with 2022年, which governs it."""
    path, old, new, named, reason = CASES["period stated elsewhere in the sentence"]
    edit(project / path, old, new)
    text = (project / D0).read_text(encoding="utf-8")
    build_fails(project, "000_7c51db7d224d44d0.yaml", reason, line=text[: text.index("  - id: c05")].count("\n") + 1)
