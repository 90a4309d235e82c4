"""One generated document: claims written from the project's figures (restated, restated wrong, listed
by period, as shares, in Chinese numerals) and invented companies' figures, with the noise the five
sources show, the generator's own clauses, seed events and a host page's furniture around them. Every
annotation is recorded where its text is inserted, and every claim's verification label is what the
generator did (Composer._label)."""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import Any

import cn2an

import schema
from scripts.benchmark.generator import homophones
from scripts.benchmark.generator import templates as T
from scripts.benchmark.generator.doc import Doc
from scripts.benchmark.generator.material import Figure, Material
from scripts.inputs import coverage
from scripts.normalize.periods import PeriodError, resolve
from scripts.normalize.values import SurfaceValueError, parse_value

QUARTERS = {1: "第一季度", 4: "第二季度", 7: "第三季度", 10: "第四季度"}
INVENTED = "invented"  # Figure.origin of a figure the generator made up (Composer.invented_claim)
KUAISHOU_FAMILY = ("kuaishou", "kuaishou_ecommerce")


class GeneratorError(AssertionError):
    """The generator wrote something its own annotations do not account for (a bug, not bad input)."""


def _num(x: float) -> str:
    """The shortest decimal that reads back as x (up to 4 places)."""
    for places in range(5):
        s = f"{x:.{places}f}"
        if abs(float(s) - x) <= 1e-9 * max(1.0, abs(x)):
            return s.rstrip("0").rstrip(".") if "." in s else s
    raise GeneratorError(f"{x} needs more than 4 decimal places")


def surface(fig: Figure, rng: random.Random) -> str:
    """The figure's value as the sources write such numbers (3812亿元, 超1亿, 65%)."""
    if fig.surface is not None:
        return fig.surface
    v = fig.value or 0.0
    if fig.unit == "percent":
        core = f"{_num(v)}%"
    else:
        core = f"{_num(v / 1e8)}亿" if v >= 1e8 else f"{_num(v / 1e4)}万" if v >= 1e4 else _num(v)
        if fig.unit == "CNY":
            core += "元"
    if fig.bound == "more_than":
        return rng.choice(("超", "超过")) + core
    if fig.bound == "approx":
        return "约" + core
    if fig.bound == "at_least":
        return core + "以上"
    return core


def checked_surface(fig: Figure, rng: random.Random) -> str:
    """surface(), refused unless the project's own parser reads it back as the figure's value."""
    text = surface(fig, rng)
    if fig.value is not None:
        try:
            v = parse_value(text).value
        except SurfaceValueError as e:
            raise GeneratorError(f"{text!r}: {e}") from None
        if abs(v - fig.value) > 1e-9 * abs(fig.value):
            raise GeneratorError(f"{text!r} reads as {v}, the figure is {fig.value} ({fig.origin})")
    return text


def period_words(start: dt.date | None, end: dt.date | None) -> str | None:
    """Absolute period words for [start, end], or None when no plain wording reads back the same."""
    if start is None or end is None:
        return None
    y = start.year
    if start == end:
        words = f"截至{y}年底" if (start.month, start.day) == (12, 31) else f"截至{y}年{start.month}月{start.day}日"
    elif (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and end.year == y:
        words = f"{y}年"
    elif start.day == 1 and start.month in QUARTERS and end.year == y and end.month == start.month + 2:
        words = f"{y}年{QUARTERS[start.month]}"
    elif start.day == 1 and (start.year, start.month) == (end.year, end.month):
        words = f"{y}年{start.month}月"
    elif (start.month, start.day, end.month, end.day) == (1, 1, 6, 30) and end.year == y:
        words = f"{y}年上半年"
    else:
        return None
    try:
        p = resolve(words, dt.date(2024, 1, 1))
    except PeriodError:
        return None
    return words if (p.start, p.end) == (start, end) else None


@dataclass
class Composer:
    mat: Material
    rng: random.Random
    doc: Doc

    def _garble(self, entity: str, p: float) -> str:
        """The entity's name, or (with probability p) one of its garbled aliases or a homophone of its name
        (homophones.py); noise is added by the caller."""
        name = self.mat.names[entity]
        if self.rng.random() >= p:
            return name
        options = list(self.mat.garbled.get(entity, []))
        homophone = homophones.garble(name, self.rng, self.mat.avoid)
        if homophone:
            options.append(homophone)
        return self.rng.choice(options) if options else name

    def _name(self, entity: str, at: int, written: str, basis: str = "known_fact") -> None:
        if written == self.mat.names[entity]:
            return
        declared = self.mat.entities.noisy_types().get(written)
        why = (f"Garbled form of {self.mat.names[entity]} (a noisy alias in entities.yaml), inserted by the generator."
               if declared else f"Homophone of {self.mat.names[entity]}: one character swapped for another read "
               "the same way (pypinyin), inserted by the generator.")
        self.doc.add_noise(at, written, {
            # the type entities.yaml declares for the alias (快手 电子商务 is a machine-translation artefact)
            "type": declared or "garbled_name", "likely_reading": self.mat.names[entity], "basis": basis,
            "explanation": why, "entities": [entity]})

    # ---- claims -----------------------------------------------------------------------------------
    def claim_sentence(self, fig: Figure, level: Figure | None = None, partner: Figure | None = None) -> None:
        """One sentence: a level, a change (with the level it reached), or a level and a `partner` of the same
        period listed after it (2021年第三季度A为x,B为y)."""
        rng, doc = self.rng, self.doc
        self.invented = fig.origin == INVENTED
        pwords = period_words(fig.period_start, fig.period_end)
        if fig.period_start is not None and pwords is None:
            return
        if fig.subject in KUAISHOU_FAMILY and rng.random() < 0.3:
            who = rng.choice(sorted(T.SPEAKERS))
            name = self._garble(who, 0.4)
            frame = rng.choice(T.SPEECH)
            pre, post = frame.split("{n}")
            doc.add(pre.format(t=T.SPEAKERS[who]))
            self._name(who, doc.add(name), name)
            doc.add(post)
            speaker: str | None = who
        else:
            speaker = None
            doc.add(rng.choice(("", "", "据悉,", "此外,")))
        basis = "known_fact" if level is not None or fig.value is not None else "other_source"
        # subject and scope as written, maybe garbled or spun
        name = self.mat.names[fig.subject]
        subj_text = self._subject_text(fig)
        written_name = name
        if fig.subject == "kuaishou_ecommerce" and rng.random() < 0.12:
            written_name = self._garble("kuaishou_ecommerce", 1.0)
        spin = next(((a, b) for a, b in (("买家", "卖家"), ("货架", "货车")) if a in subj_text), None)
        spun = spin is not None and rng.random() < 0.5
        written_subj = subj_text.replace(name, written_name, 1)
        if spun and spin:
            written_subj = written_subj.replace(spin[0], spin[1], 1)
        self.spun_scope = bool(spun and spin)
        start = doc.length
        if pwords:
            doc.add(pwords)  # no comma: 「2022年,快手…」 runs were shared with the test texts
        subj_at = doc.add(written_subj)
        # the scope as annotated: the garbled name read as the entity's own (its noise span says so), a spun
        # word kept (no fact states the spun quantity)
        read_subj = written_subj.replace(written_name, name, 1)
        if written_name != name:
            self._name(fig.subject, subj_at + written_subj.index(written_name), written_name, "language")
        if spun and spin:
            k = written_subj.index(spin[1])
            doc.add_noise(subj_at + k, spin[1], {
                "type": "synonym_substitution", "likely_reading": spin[0], "basis": "known_fact",
                "explanation": f"{spin[0]} spun to {spin[1]} by the generator's synonym spinner."})
        if fig.change is not None:
            # a change followed by the level it reached is written faithfully: spun, it is the seeds' own sentence
            # (环比下降32.5%达到9012万元, 000), and a generated split must not repeat a test run (scripts/benchmark/leak.py)
            self._change(fig, start, pwords, speaker, basis, read_subj, reversible=level is None)
            if level is not None:  # the level's quote starts at the subject; its period words stand before it
                doc.add(self._verb(surface(level, rng)))
                self._level(level, subj_at, pwords, speaker, "known_fact", read_subj, spinnable=False)
        else:
            doc.add(self._verb(surface(fig, rng)))
            self._level(fig, start, pwords, speaker, basis, read_subj)
            if partner is not None:
                self.spun_scope = False
                doc.add(rng.choice(T.LIST_JOINS))
                subj = self._subject_text(partner)
                at = doc.add(subj)
                doc.add(self._verb(surface(partner, rng)))
                self._level(partner, at, pwords, speaker, "known_fact", subj)
        doc.add("。")

    def _subject_text(self, fig: Figure) -> str:
        """The subject and scope as written without noise (快手的直播收入, 快手电商GMV)."""
        name = self.mat.names[fig.subject]
        own = name in fig.scope or fig.scope.startswith(name[:2]) or self.mat.types[fig.subject] == "market"
        scope = fig.scope + ("的比例" if fig.metric == "revenue_share" and "占" in fig.scope else "")  # 广告收入占总收入的比例
        return scope if own else name + self.rng.choice(("", "的")) + scope

    def _verb(self, value: str) -> str:
        """A linking verb, or none before a value that carries its own (超过了80%, 突破万亿)."""
        own = value.startswith(("超", "近", "约", "突破", "高达", "不到", "上"))
        return "" if own else self.rng.choice(T.LEVEL_VERBS)

    spun_scope: bool = False  # the claim being written names a spun quantity (买家 -> 卖家): no fact states it
    invented: bool = False  # the claim being written is an invented figure of an invented company: no fact is about it

    def _label(self, label: str) -> None:
        """The verification label of the claim just written, from what the generator did (a fact restated,
        or restated with a reversed direction or a wrong scale), not from the verdict rules; kept beside the
        annotation (an underscore key is not written) for tests/test_generator.py to compare with the rules."""
        self.doc.claims[-1]["_label"] = "not_enough_info" if self.spun_scope or self.invented else label

    def _annotate(self, fig: Figure, start: int, value: str, value_at: int, pwords: str | None, speaker: str | None,
                  scope: str, change: tuple[str, str] | None) -> str:
        doc = self.doc
        quote = doc.text[start:value_at + len(value)]
        ann: dict[str, Any] = {"value": value}
        try:
            parsed = parse_value(value)
        except SurfaceValueError as e:
            raise GeneratorError(f"{value!r}: {e}") from None
        if parsed.unit is None:
            ann["unit"] = fig.unit
        if fig.annotated_bound:
            ann["bound"] = fig.annotated_bound
        if fig.scope in scope:
            # the fact's own scope words when the text holds them (快手的直播收入 -> 直播收入): the subject's name
            # is not part of the scope, and the verdict rules (claim_verdicts.py) match scopes
            scope = fig.scope
        ann.update(subject=fig.subject, metric=fig.metric, scope=scope)
        if pwords:
            ann["period"] = pwords
        elif fig.undated or change or fig.metric in schema.load().terms_with("metric", "amount"):
            # the period policy: an undated change or amount has no period (GUIDELINES.md, *Periods*, rule 5)
            ann["period_unknown"] = True
        ann["kind"] = fig.kind
        if change:
            ann["change"] = {"basis": change[0], "direction": change[1]}
        if speaker:
            ann["speaker"] = speaker
        ann["en"] = (f"{self.mat.entities_en[fig.subject]}, {fig.metric} ({scope}): {value} as stated"
                     f"{f', {pwords}' if pwords else ''} (generated from {fig.origin}).")
        return doc.claim(start, quote, value_at, ann)

    def _change(self, fig: Figure, start: int, pwords: str | None, speaker: str | None, basis: str, scope: str,
                reversible: bool = True) -> str:
        rng, doc = self.rng, self.doc
        assert fig.change is not None
        cbasis, direction = fig.change
        value = checked_surface(fig, rng)
        if cbasis == "yoy" and direction == "increase" and rng.random() < 0.2:
            mt = "年比年(YoY)增加了"
            at = doc.add(mt)
            value_at = doc.add(value)
            cid = self._annotate(fig, start, value, value_at, pwords, speaker, scope, fig.change)
            self._label("supported")  # the fact restated, in machine-translated words
            doc.add_noise(at, mt + value, {
                "type": "machine_translation", "likely_reading": f"同比增长{value}", "basis": "language",
                "explanation": "年比年(YoY) is a calque of 'year over year' (the generator's own rendering of the machine-translated form).",
                "claims": [cid]})
            return cid
        word = T.DIRECTION_WORDS[direction]
        flipped = rng.random() < 0.35 and reversible
        written = T.ANTONYM[word] if flipped else word
        stated = {v: k for k, v in T.DIRECTION_WORDS.items()}[written]
        bword = T.BASIS_WORDS[cbasis]
        at = doc.add(bword + written)
        value_at = doc.add(value)
        cid = self._annotate(fig, start, value, value_at, pwords, speaker, scope, (cbasis, stated))
        self._label("refuted" if flipped else "supported")  # a reversed direction contradicts the fact
        if flipped:
            doc.add_noise(at, bword + written + value, {
                "type": "antonym_substitution", "likely_reading": bword + word + value, "basis": basis,
                "explanation": f"{word} swapped for its antonym {written} by the generator's spinner.", "claims": [cid]})
        return cid

    def _level(self, fig: Figure, start: int, pwords: str | None, speaker: str | None, basis: str, scope: str,
               spinnable: bool = True) -> str:
        rng, doc = self.rng, self.doc
        value = checked_surface(fig, rng)
        # only an exact figure of a fact is written wrong (超过1亿 written 超过1万 would still be true):
        # a wrong scale word, 亿 as 万 (too small) or, for a four-digit 亿 figure, 亿 as 万亿 (too large);
        # or the number itself changed by a fifth or more, at the same precision
        digits = len(value.split("亿")[0].lstrip("超过约近").split(".")[0])
        to = "万亿" if digits >= 4 else "万"
        exact = fig.bound in ("", "exact") and not self.invented and spinnable
        draw = rng.random()
        wrong = value.replace("亿", to, 1) if exact and "亿" in value and "万" not in value and draw < 0.15 else None
        changed = changed_value(value, fig, rng) if exact and wrong is None and draw > 0.85 else None
        written = self._numerals(wrong or changed or value)
        value_at = doc.add(written)
        cid = self._annotate(fig, start, written, value_at, pwords,
                             speaker, scope, None)
        # a wrong scale word is 10,000 times off the fact; a changed number is 20% or more off it
        self._label("refuted" if wrong or changed else "supported")
        if wrong:
            doc.add_noise(value_at, written, {
                "type": "unit_error", "likely_reading": value, "basis": basis,
                "explanation": f"亿 written as {to} by the generator: ten thousand times too {'large' if to == '万亿' else 'small'}.",
                "claims": [cid]})
        return cid

    def _numerals(self, value: str) -> str:
        """Sometimes the integer of a value in Chinese numerals (1758亿元 -> 一千七百五十八亿元, cn2an), kept only
        when the project's parser reads the same value back."""
        m = re.match(r"(\D*)(\d+)(?!\.)(\D.*)?$", value)
        if m is None or self.rng.random() >= 0.15:
            return value
        cn = m.group(1) + cn2an.an2cn(m.group(2)) + (m.group(3) or "")
        try:
            same = parse_value(cn).value == parse_value(value).value
        except SurfaceValueError:
            return value
        return cn if same else value

    # ---- clauses ------------------------------------------------------------------------------------
    def seed_clause(self, seo: bool) -> None:
        rng, doc = self.rng, self.doc
        piece = rng.choice(self.mat.clauses)
        text = piece.text
        cut = text.find(",")
        if seo and 0 < cut < len(text) - 2:
            kw = rng.choice(T.SEO_KEYWORDS)
            doc.add(text[:cut + 1])
            at = doc.add(kw)
            doc.add_noise(at, kw, {"type": "seo_spam", "basis": "page_structure",
                                   "explanation": "Search keyword stuffed into the middle of a sentence by the generator."})
            doc.add(text[cut + 1:])
        else:
            doc.add(text)

    def own_clause(self) -> None:
        rng, doc = self.rng, self.doc
        text, word, spun, kind, basis = rng.choice(T.SPINNABLE)
        if rng.random() < 0.5:
            k = text.index(word)
            at = doc.add(text[:k])
            doc.add(spun + text[k + len(word):])
            doc.add_noise(at + k, spun, {
                "type": kind, "likely_reading": word, "basis": basis,
                "explanation": f"{word} replaced by {spun} by the generator (the kind of change the seeds show)."})
        else:
            doc.add(text)

    def entity_clause(self) -> None:
        rng, doc = self.rng, self.doc
        entity = rng.choice(sorted(self.mat.garbled))
        name = self._garble(entity, 0.35)
        frame = rng.choice(T.ENTITY_CLAUSES)
        pre, post = frame.split("{n}")
        doc.add(pre)
        self._name(entity, doc.add(name), name)
        doc.add(post)

    def invented_claim(self, before: dt.date) -> None:
        """A figure of an invented company (templates.INVENTED_COMPANIES) for a year or quarter before `before`,
        its value drawn at random: no reference fact is about the company, so it is not_enough_info."""
        rng = self.rng
        entity = rng.choice(sorted(T.INVENTED_COMPANIES))
        metric, scope, unit, scale = rng.choice(T.INVENTED_METRICS)
        year = rng.randint(2019, max(2019, before.year - 1))
        if rng.random() < 0.5:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            q = rng.choice(sorted(QUARTERS))
            start = dt.date(year, q, 1)
            end = dt.date(year, q + 3, 1) - dt.timedelta(days=1) if q < 10 else dt.date(year, 12, 31)
        value = float(rng.randint(3, 999) if rng.random() < 0.7 else rng.randint(10, 999) / 10) * scale
        fig = Figure(INVENTED, entity, metric, scope, value, None, unit, "exact", "actual", start, end, None)
        if rng.random() < 0.4:
            pre, post = rng.choice(T.INVENTED_CLAUSES).split("{n}")
            self.doc.add(pre)
            self.doc.add(self.mat.names[entity])
            self.doc.add(post)
        self.claim_sentence(fig)

    def event_clause(self, ev: dict) -> None:
        at = self.doc.add(ev["quote"])
        self.doc.events.append({"event_id": ev["event_id"], "quote": ev["quote"], "date": ev["date"], "_start": at})
        self.doc.add("。")


def changed_value(value: str, fig: Figure, rng: random.Random) -> str | None:
    """`value` with its number scaled by 0.55-0.8 or 1.25-1.8 at the same number of decimals (1758亿元 ->
    2461亿元), or None when the result would not be a plausible figure (a share above 95%) or would be written
    less precisely than the original."""
    m = re.search(r"\d+(?:\.\d+)?", value)
    if m is None or fig.value is None:
        return None
    places = len(m.group().split(".")[1]) if "." in m.group() else 0
    x = float(m.group())
    f = rng.uniform(0.55, 0.8) if rng.random() < 0.5 else rng.uniform(1.25, 1.8)
    y = round(x * f, places)
    if y <= 0 or abs(y - x) < 0.2 * x or (fig.unit == "percent" and y > 95):
        return None
    written = _num(y)
    # the same written precision: a round 100亿 reads as 50-150亿 (half its last place) and would admit 77亿,
    # and 4.0 written 4 would widen to 3.5-4.5
    if written.endswith("0") or len(written.partition(".")[2]) != places:
        return None
    return value[:m.start()] + written + value[m.end():]


def check_complete(doc: Doc, page_types: set[str]) -> None:
    """Every number the text holds is a claim's value or period, an event date, page noise or an
    exclusion; a number inside a claim's scope words is excluded as part_of_scope (the seeds' rule)."""
    text = doc.text
    covered = []
    for c in doc.claims:
        covered.append((c["_value_at"], c["_value_at"] + len(c["value"])))
        if "period" in c:
            k = c["quote"].find(c["period"])
            covered.append((c["_start"] + k, c["_start"] + k + len(c["period"])))
    for ev in doc.events:
        k = ev["quote"].find(ev["date"])
        covered.append((ev["_start"] + k, ev["_start"] + k + len(ev["date"])))
    covered += [(n["_start"], n["_start"] + len(n["quote"])) for n in doc.noise if n["type"] in page_types]
    covered += [(x["_start"], x["_start"] + len(x["quote"])) for x in doc.excluded]
    claim_spans = [(c["_start"], c["_start"] + len(c["quote"])) for c in doc.claims]
    for s, e, tok in coverage.numbers(text):
        if any(a <= s and e <= b for a, b in covered):
            continue
        if any(a <= s and e <= b for a, b in claim_spans):
            doc.exclude(s, tok, "part_of_scope")
            covered.append((s, e))
            continue
        raise GeneratorError(f"number {tok!r} at {s} is not accounted for: …{text[max(0, s - 15):e + 15]}…")

