"""The independent period pass (seeds/annotations/second_pass/periods/, read from the texts and
GUIDELINES.md only) against the release, after reconciliation (RECONCILIATION.md, *Periods*)."""
import datetime as dt

import pyarrow.parquet as pq

from scripts import paths
from scripts.inputs.agreement import load_period_pass, period_agreement
from scripts.normalize.periods import resolve

PASS = paths.ROOT / "seeds" / "annotations" / "second_pass" / "periods"


def test_period_agreement_after_reconciliation(release):
    claims = pq.read_table(release / "claims.parquet").to_pylist()
    a = period_agreement(claims, load_period_pass(PASS))
    # 105 of 113 before reconciliation (0.929); five claims took the second reading, three kept the first
    # v0.11.0: 000-c08 is Q2 2023 (a forecast made in May 2023), against the v0.9.0 second reading (Q2 2022)
    assert (a["read"], a["agree"], a["agreement"]) == (113, 109, 0.965)
    assert a["differ"] == ["000-c08", "002-c13", "003-c08", "003-c09"]


def test_trailing_spans_end_on_the_writing_or_as_of_date():
    assert resolve("过去一年", dt.date(2023, 5, 10)).start == dt.date(2022, 5, 11)  # 365 days, not 366
    p = resolve("一年时间", dt.date(2022, 3, 20), "截至2021年12月31日")
    assert (p.start, p.end, p.granularity) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year")
    assert resolve("近3个月", dt.date(2021, 5, 31)).start == dt.date(2021, 3, 1)
    assert resolve("2021年", dt.date(2022, 3, 20)).start == dt.date(2021, 1, 1)  # a year is not a trailing span
