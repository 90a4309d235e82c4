"""dataset/croissant.json: Croissant (MLCommons) metadata for the current release,
generated from schema/ with mlcroissant's own classes: one RecordSet per table,
one Field per column with its type and description."""
from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import absl.logging
import mlcroissant as mlc

import schema
from scripts import paths
from scripts.docs import licence, rai

PARQUET = "application/x-parquet"


# The one mapping from schema/ type names (the grammar in schema/tables.yaml) to Croissant data types.
DATA_TYPES = {"string": mlc.DataType.TEXT, "int64": mlc.DataType.INTEGER, "float64": mlc.DataType.FLOAT,
              "bool": mlc.DataType.BOOL, "date32": mlc.DataType.DATE, "timestamp": mlc.DataType.DATETIME}
CONFORMS_TO = ["http://mlcommons.org/croissant/1.1", "http://mlcommons.org/croissant/RAI/1.0"]
KEYWORDS = ["claims", "provenance", "noise", "chinese", "e-commerce", "kuaishou", "fact-checking", "synthetic"]


def _data_type(mlc, type_name: str):
    """timestamp[ms,Asia/Shanghai] is a timestamp; a type the mapping does not know stops the build."""
    base = type_name.split("[", 1)[0]
    if base not in DATA_TYPES:
        raise ValueError(f"schema/tables.yaml: type {type_name!r} has no Croissant data type (scripts/docs/croissant.py)")
    return DATA_TYPES[base]


def date_published(version: str, root: Path = paths.ROOT) -> datetime.datetime:
    """The release date: when dataset/v<version>/manifest.json was first committed; for a release not committed
    (a build of another project folder), the date of the code's HEAD commit, so that a rebuild gives the same bytes."""
    def git(*args: str) -> list[str]:
        return subprocess.run(["git", "log", *args], cwd=root, capture_output=True, text=True).stdout.split()
    out = git("--diff-filter=A", "--format=%cI", "--", f"dataset/v{version}/manifest.json") or git("-1", "--format=%cI")
    if not out:
        raise RuntimeError(f"{root}: no git history to date release v{version} by (datePublished)")
    return datetime.datetime.fromisoformat(out[-1])


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

    # mlcroissant logs through absl; the tests run `mlcroissant validate` and fail on any warning.
    absl.logging.set_verbosity(absl.logging.ERROR)

    repo_id = repo_id or paths.declared("hub-repo-id")
    url = f"https://huggingface.co/datasets/{repo_id}"
    sch = schema.load()
    files, sets = [], []
    # each table's own file, then its generated splits' files (<split>/<table>.parquet) as record sets <table>_<split>
    parts = [(name, name, manifest["tables"][name], "", None) for name in schema.table_names()]
    splits = manifest.get("splits", {})
    parts += [(name, f"{name}_{split}", entry,
               f" Split `{split}`: generated (synthetic) documents, scripts/generate.py --seed {spec['generator']['seed']} "
               f"--docs {spec['generator']['docs']}, generator of release v{version}.", spec["generator"])
              for split, spec in sorted(splits.items()) for name, entry in spec["tables"].items()]
    for name, set_id, entry, note, generator in parts:
        fid = entry["file"] if set_id != name else f"{name}.parquet"
        files.append(mlc.FileObject(id=fid, name=fid, content_url=f"v{version}/{entry['file']}",
                                    encoding_formats=[PARQUET], sha256=entry["sha256"],
                                    extra_properties={"license": licence.file_licences(name, repo_id)}))
        t = sch.tables[name]
        sets.append(mlc.RecordSet(id=set_id, name=set_id, description=f"{t.description} One record = {t.row}.{note}",
                                  key=[f"{set_id}/{k}" for k in t.key],
                                  extra_properties=_origin(generator, version),
                                  fields=[_field(mlc, set_id, c, fid) for c in t.columns]))
    return mlc.Metadata(
        name="kuaishou-ecommerce-claims",
        description="Quantitative claims, entities, mentions, events and labelled noise from five noisy Chinese web "
                    "articles about Kuaishou e-commerce, with character-level provenance."
                    + (f" The build inputs (seed texts, annotations, reference facts, schema) are shipped in "
                       f"v{version}/source/ with their sha256 in manifest.json." if manifest.get("source") else ""),
        url=url, license=licence.dataset_licences(repo_id), version=version,
        cite_as=f"kuaishou-ecommerce-claims v{version}, {url}", in_language=["zh", "en"],
        conforms_to=CONFORMS_TO, date_published=date_published(version), keywords=KEYWORDS, same_as=[url],
        creators=[mlc.Organization(name="kuaishou-ecommerce-claims maintainers", url=paths.declared("code-url"))],
        distribution=files, record_sets=sets,
        extra_properties={"isAccessibleForFree": True, **rai.properties(has_synthetic=bool(splits))})


def _origin(generator: dict | None, version: str) -> dict:
    """Whether a RecordSet holds rows of the five real documents or of generated ones (with the generator's seed
    and the release whose generator wrote them), as PROV-O derivation and a schema.org additionalType."""
    if generator is None:
        return {"sc:additionalType": "real", "prov:wasDerivedFrom": "seeds/ and seeds/annotations/ (five real web articles)",
                "prov:wasGeneratedBy": f"python -m scripts.build, release v{version}"}
    return {"sc:additionalType": "generated",
            "prov:wasDerivedFrom": "seeds/ (facts, entities, clauses) through scripts/generate.py",
            "prov:wasGeneratedBy": f"python -m scripts.generate --seed {generator['seed']} --docs {generator['docs']} "
                                   f"(generator of release v{version}), then python -m scripts.build"}


def render(release: Path, repo_id: str | None = None) -> str:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    jsonld = metadata(manifest["version"], manifest, repo_id).to_json()
    # the RecordSets' prov: properties need the PROV-O prefix, which mlcroissant's context does not declare
    jsonld["@context"]["prov"] = "http://www.w3.org/ns/prov#"
    return json.dumps(jsonld, ensure_ascii=False, indent=2, default=str) + "\n"
