"""dataset/croissant.json: Croissant (MLCommons) metadata for the current release,
generated from schema/ with mlcroissant's own classes: one RecordSet per table,
one Field per column with its type and description."""
from __future__ import annotations

import json
from pathlib import Path

import absl.logging
import mlcroissant as mlc

import schema
from scripts import paths
from scripts.docs import licence

PARQUET = "application/x-parquet"


def _data_type(mlc, type_name: str):
    return {"string": mlc.DataType.TEXT, "int64": mlc.DataType.INTEGER, "float64": mlc.DataType.FLOAT,
            "bool": mlc.DataType.BOOL, "date32": mlc.DataType.DATE}.get(type_name, mlc.DataType.DATE)


def _field(mlc, table: str, col, file_id: str, prefix: str = ""):
    t = col.type.replace(" ", "")
    repeated = t.startswith("list<")
    inner = t[5:-1] if repeated else t
    fid = f"{table}/{prefix}{col.name}"
    source = mlc.Source(file_object=file_id, extract=mlc.Extract(column=col.name))
    structs = schema.load().structs
    if inner in structs:
        subs = [mlc.Field(id=f"{fid}/{c.name}", name=c.name, description=c.description,
                          data_types=[_data_type(mlc, c.type)],
                          source=mlc.Source(file_object=file_id, extract=mlc.Extract(column=col.name),
                                            transforms=[mlc.Transform(json_path=c.name)]))
                for c in structs[inner]]
        return mlc.Field(id=fid, name=col.name, description=col.description, repeated=repeated, sub_fields=subs,
                         source=source)
    return mlc.Field(id=fid, name=col.name, description=col.description, data_types=[_data_type(mlc, inner)],
                     repeated=repeated or None, source=source)


def metadata(version: str, manifest: dict, repo_id: str | None = None):

    # mlcroissant logs its recommendations (datePublished) as warnings on every build; the
    # tests read the metadata back with mlcroissant and fail on any real issue.
    absl.logging.set_verbosity(absl.logging.ERROR)

    repo_id = repo_id or paths.declared("hub-repo-id")
    url = f"https://huggingface.co/datasets/{repo_id}"
    sch = schema.load()
    files, sets = [], []
    # each table's own file, then its generated splits' files (<split>/<table>.parquet) as record sets <table>_<split>
    parts = [(name, name, manifest["tables"][name], "") for name in schema.table_names()]
    parts += [(name, f"{name}_{split}", entry, f" Split `{split}`: generated documents.")
              for split, spec in sorted(manifest.get("splits", {}).items()) for name, entry in spec["tables"].items()]
    for name, set_id, entry, note in parts:
        fid = entry["file"] if set_id != name else f"{name}.parquet"
        files.append(mlc.FileObject(id=fid, name=fid, content_url=f"v{version}/{entry['file']}",
                                    encoding_formats=[PARQUET], sha256=entry["sha256"],
                                    extra_properties={"license": licence.file_licences(name, repo_id)}))
        t = sch.tables[name]
        sets.append(mlc.RecordSet(id=set_id, name=set_id, description=f"{t.description} One record = {t.row}.{note}",
                                  key=[f"{set_id}/{k}" for k in t.key],
                                  fields=[_field(mlc, set_id, c, fid) for c in t.columns]))
    return mlc.Metadata(
        name="kuaishou-ecommerce-claims",
        description="Quantitative claims, entities, mentions, events and labelled noise from five noisy Chinese web "
                    "articles about Kuaishou e-commerce, with character-level provenance.",
        url=url, license=licence.dataset_licences(repo_id), version=version,
        cite_as=f"kuaishou-ecommerce-claims v{version}, {url}", in_language=["zh", "en"],
        distribution=files, record_sets=sets)


def render(release: Path, repo_id: str | None = None) -> str:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    md = metadata(manifest["version"], manifest, repo_id)
    return json.dumps(md.to_json(), ensure_ascii=False, indent=2, default=str) + "\n"
