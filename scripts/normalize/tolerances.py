"""Every tolerance the checks use, declared once, each with its reason. Relations
(scripts/tables/claim_relations.py) and verdicts (scripts/tables/claim_verdicts.py) read them from here."""
from __future__ import annotations

TOLERANCES = {
    # rounding is already read from the digits written (half_unit); this only absorbs float error
    "same_quantity": 0.002,
    # parts written to 2-3 significant digits each (109亿 + 77亿 + 19亿): their rounding adds up
    "parts_sum_to_total": 0.02,
    # shares written to 0.1 point each; three of them may be off by 0.15 together
    "shares_sum_to_100": 0.5,
    # a share (to 0.1 point) of a base (to 3 digits) recomputes its part to about 1%
    "share_of_base": 0.02,
    # a multiple written as 近4000倍 is an order of magnitude; 10% either way
    "ratio_multiple": 0.10,
    # a growth rate written to 0.1 point recomputes the later level to about 1%; 2% leaves room for the earlier level's rounding
    "direction_vs_values": 0.02,
    # a factor, not a fraction: restated levels 100x apart cannot both be right
    "scale_mismatch": 100.0,
    # verdicts: both sides' rounding is read from the digits they write (596亿 admits 595.5亿..596.5亿,
    # RMB59.64 billion admits 59.635..59.645); this only absorbs floating-point error
    "value_match": 1e-6,
    # a growth rate compared with the disclosed rate: both written to 0.1 point, so 0.15 point apart is rounding
    "change_match": 0.15,
}
NEAR = 0.10            # 近7000亿: just under, by up to 10% (6800亿 is 近7000亿)
APPROX = 0.05          # 约/左右: within 5% of the stated figure

# The unit each tolerance is written in (vocab tolerance_unit): the tables carry it beside the number.
UNITS = {
    "same_quantity": "fraction",
    "parts_sum_to_total": "fraction",
    "shares_sum_to_100": "percentage_points",
    "share_of_base": "fraction",
    "ratio_multiple": "fraction",
    "direction_vs_values": "fraction",
    "scale_mismatch": "factor",
    "value_match": "fraction",
    "change_match": "percentage_points",
}


def tolerance(key: str | None) -> dict[str, float | str]:
    """The `tolerance` and `tolerance_unit` cells of a row checked by `key` (none: nothing compared)."""
    if key is None or key not in TOLERANCES:
        return {"tolerance": 0.0, "tolerance_unit": "none"}
    return {"tolerance": TOLERANCES[key], "tolerance_unit": UNITS[key]}
