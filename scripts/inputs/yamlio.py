"""YAML reading that remembers line numbers, so that every error in a reviewed
data file can name the file, the line and the field (PyYAML drops marks once a
document is constructed; this keeps them)."""
from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

import schema
from scripts.errors import InputError

M = TypeVar("M", bound=BaseModel)


class LineDict(dict):
    """A mapping that knows the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0
    item_lines: list


# libyaml's parser when it is there (about 8x faster on large annotation files, same marks)
_BASE = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


MAX_DEPTH = 64  # far beyond any annotation file; a deeper one would exhaust Python's stack


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    depth = 0


@contextlib.contextmanager
def _nested(loader, node):
    """Count nesting while constructing: a file nested thousands deep is refused with its
    line before it exhausts Python's stack."""
    loader.depth += 1
    try:
        if loader.depth > MAX_DEPTH:
            raise InputError(loader.name, node.start_mark.line + 1, f"YAML exceeds the maximum nesting depth ({MAX_DEPTH} levels)")
        yield
    finally:
        loader.depth -= 1


def _mapping(loader, node):
    with _nested(loader, node):
        return _mapping_body(loader, node)


def _mapping_body(loader, node):
    loader.flatten_mapping(node)
    d = LineDict()
    d.line = node.start_mark.line + 1
    d.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError(loader.name, key_node.start_mark.line + 1,
                             f"a mapping key must be a plain scalar, not a {key_node.id}")
        key = loader.construct_object(key_node, deep=True)
        if key in d:
            raise InputError(loader.name, key_node.start_mark.line + 1, f"duplicate key {key!r}")
        d[key] = loader.construct_object(value_node, deep=True)
        d.key_lines[key] = key_node.start_mark.line + 1
    return d


def _sequence(loader, node):
    with _nested(loader, node):
        return _sequence_body(loader, node)


def _sequence_body(loader, node):
    lst = LineList(loader.construct_object(n, deep=True) for n in node.value)
    lst.line = node.start_mark.line + 1
    lst.item_lines = [n.start_mark.line + 1 for n in node.value]
    return lst


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
# Dates stay strings: the models parse them, so that a bad date is reported with
# its line like any other field instead of as a YAML constructor error. Numbers are
# YAML 1.2's: YAML 1.1 reads digits with underscores as one integer, which turned the
# document id 886_9671518887900496 into 8869671518887900496; sexagesimal 1:30 stays a string too.
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", _INT, _FLOAT)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(r"^(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                                                 r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def decode_utf8(path: Path, data: bytes) -> str:
    """Bytes -> str, or an InputError naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(path, line, f"not valid UTF-8: byte {data[e.start]:#04x} at offset {e.start} ({e.reason})") from None


def load_yaml(path: Path) -> Any:
    text = decode_utf8(path, Path(path).read_bytes())
    loader = _Loader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise InputError(path, (mark.line + 1) if mark else 0, f"YAML syntax error: {e.problem or e}") from None
    finally:
        loader.dispose()


def line_of(data: Any, loc: tuple) -> int:
    """The line of the deepest node along a pydantic error location."""
    line = getattr(data, "line", 0)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def parse(model: type[M], data: Any, path: Path, context: dict | None = None) -> M:
    """Validate data against a pydantic model; the first error becomes an
    InputError with file, line and field."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as e:
        raise InputError(path, line_of(data, tuple(e.errors()[0]["loc"])), error_reason(e)) from None


def error_reason(e: ValidationError) -> str:
    """`field.path: message` of pydantic's first error (a JSON syntax error has no field: `(document)`)."""
    err = e.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "(document)"
    return f"{field}: {err['msg'].removeprefix('Value error, ')}"


def parse_list(path: Path, model: type[M], key, what: str) -> list[tuple[M, int, Any]]:
    """A YAML file that is a list of `model` items: (item, line, raw) for each,
    refusing a file that is not a list and two items with the same key."""
    raw = load_yaml(path)
    if not isinstance(raw, LineList):
        raise InputError(path, 1, f"expected a list of {what}")
    out, seen = [], set()
    for i, item in enumerate(raw):
        obj = parse(model, item, path)
        line = raw.item_lines[i]
        k = key(obj)
        if k in seen:
            raise InputError(path, line, f"duplicate {what[:-1] if what.endswith('s') else what} id {k}")
        seen.add(k)
        out.append((obj, line, item))
    return out


def vocab_validator(vocab: str):
    """A pydantic field validator that admits only the terms of a schema vocabulary."""
    def check(v: Any) -> Any:
        terms = schema.load().vocab[vocab]
        if v is not None and v not in terms:
            raise ValueError(f"{v!r} is not in vocabulary {vocab} ({', '.join(terms)})")
        return v
    return check
