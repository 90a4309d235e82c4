"""One table's file from sorted parts, streaming: the parts (each sorted by the table's key, as the pipeline writes
a table) are merged a batch at a time, so that memory holds a few batches per part and one row group, never the
table. Used by the Spark build (scripts/release/spark_build.py), whose tasks write the parts.

A table whose rows fit one row group (WRITER's row_group_size rows and GROUP_BYTES of Arrow) is written exactly as
`write.write_parquet` writes it whole: the same bytes. A larger one is cut at other rows than the embedded build
cuts it (every GROUP_BYTES): the same rows in the same order, which `scripts.diff` reports equal."""
from __future__ import annotations

import bisect
import heapq
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scripts.release.write import WRITER, parquet_writer

# the most Arrow a row group holds before it is written: writing one takes several times its size (the group, its
# dictionaries, the compressed pages), so the driver's memory is bounded by this, not by the table
GROUP_BYTES = 8 * 1024 * 1024
READ_BYTES = 16 * 1024 * 1024  # what the batches in hand, one per part, hold together (about)
BATCH_ROWS = 2048  # rows read from a part at a time, at most
ROW_BYTES = b"kec_part_row_bytes"
PART_GROUP_BYTES = 1024 * 1024  # a part's row groups: a reader decodes one at a time


def write_part(tbl: pa.Table, path: Path) -> None:
    """A part is scratch: fast to write, and in row groups small enough to read a few rows of each part at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    per_row = tbl.nbytes / max(1, tbl.num_rows)
    # the rows' size in memory rides with the part: Parquet's own sizes count dictionary-encoded text as small
    tbl = tbl.replace_schema_metadata((tbl.schema.metadata or {}) | {ROW_BYTES: str(per_row).encode()})
    pq.write_table(tbl, path, compression="lz4", row_group_size=max(16, min(BATCH_ROWS, int(PART_GROUP_BYTES / max(1.0, per_row)))))


def _keys(tbl: pa.Table, key: list[str]) -> list:
    cols = [tbl.column(k).to_pylist() for k in key]
    return cols[0] if len(cols) == 1 else list(zip(*cols))


def batch_rows(files: list[pq.ParquetFile]) -> int:
    """Rows read from each part at a time: READ_BYTES shared by the parts, so that memory does not grow with their
    number (a corpus of many parts reads fewer rows of each at a time)."""
    per_row = max([1.0] + [float((f.schema_arrow.metadata or {}).get(ROW_BYTES, b"1")) for f in files])
    return int(min(BATCH_ROWS, max(16, READ_BYTES / (len(files) * per_row))))


class _Part:
    def __init__(self, path: Path, file: pq.ParquetFile, key: list[str], rows: int):
        self.path, self.key = path, key
        self.batches = file.iter_batches(batch_size=rows, use_threads=False)
        self.rows: pa.Table | None = None
        self.keys: list = []
        self.last = None

    def fill(self) -> bool:
        """A batch in hand, unless the part is done."""
        while self.rows is None or self.rows.num_rows == 0:
            batch = next(self.batches, None)
            if batch is None:
                return False
            self.rows = pa.Table.from_batches([batch])
            self.keys = _keys(self.rows, self.key)
            ordered = [self.last] + self.keys if self.last is not None else self.keys
            if any(a > b for a, b in zip(ordered, ordered[1:])):  # the merge's one assumption
                raise ValueError(f"{self.path}: a part not sorted by {', '.join(self.key)}")
            self.last = self.keys[-1] if self.keys else self.last
        return True

    def take_through(self, last) -> pa.Table:
        assert self.rows is not None
        n = bisect.bisect_right(self.keys, last)
        out, self.rows, self.keys = self.rows.slice(0, n), self.rows.slice(n), self.keys[n:]
        return out


def merged(parts: list[Path], key: list[str], declared: pa.Schema) -> Iterator[tuple[pa.Table, list]]:
    """The parts' rows in key order, as (table slice, its keys): each round takes from every part the rows up to
    the smallest last key in hand, which no row still unread can precede. Cast to the declared schema: Parquet
    reads a list's items back as `element`, where Arrow (and so the embedded build's file) names them `item`."""
    files = [pq.ParquetFile(path) for path in parts]
    rows = batch_rows(files)
    open_parts = [p for p in (_Part(path, f, key, rows) for path, f in zip(parts, files)) if p.fill()]
    while open_parts:
        last = min(p.keys[-1] for p in open_parts)
        slices = [p.take_through(last) for p in open_parts]
        tbl = pa.concat_tables([s for s in slices if s.num_rows])
        order = pc.sort_indices(tbl, sort_keys=[(k, "ascending") for k in key])
        tbl = tbl.take(order).cast(declared)
        yield tbl, _keys(tbl, key)
        open_parts = [p for p in open_parts if p.fill()]


def merge_parts(parts: list[Path], key: list[str], schema: pa.Schema, out: Path) -> tuple[int, list]:
    """Write the merged parts (of the declared `schema`) to out; (rows written, keys found more than once)."""
    repeated: list = []
    rows = 0
    previous = None
    pending: list[pa.Table] = []
    held = 0
    with parquet_writer(out, schema) as writer:
        def flush() -> None:
            nonlocal pending, held
            if pending:
                group = pa.concat_tables(pending).combine_chunks()
                writer.write_table(group, row_group_size=WRITER["row_group_size"])
            pending, held = [], 0

        for tbl, keys in merged(parts, key, schema):
            for k in keys:
                if k == previous:
                    repeated.append(k)
                previous = k
            rows += tbl.num_rows
            pending.append(tbl)
            held += tbl.nbytes
            if held >= GROUP_BYTES or sum(t.num_rows for t in pending) >= WRITER["row_group_size"]:
                flush()
        if rows == 0:
            pending = [schema.empty_table()]
        flush()
    return rows, repeated


def write_lines(rows: Iterable[dict], path: Path) -> None:
    """Rows as JSON lines (the completeness report of one part)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def merged_lines(paths: list[Path], key: str) -> Iterator[dict]:
    """The rows of JSON-lines parts (each sorted by `key`) in key order, streaming."""
    def read(p: Path) -> Iterator[tuple[str, dict]]:
        with p.open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                yield r[key], r
    for _, r in heapq.merge(*(read(p) for p in paths), key=lambda kr: kr[0]):
        yield r
