"""Publish dataset/ to the Hugging Face Hub: `python -m scripts.publish --repo-id ORG/NAME [--dry-run]`.

Uploads the dataset folder (every release, the card, CHANGELOG, croissant.json,
views.sql, figures) and tags the upload v<version>. Refuses a release that does
not validate. The token comes only from the environment (HF_TOKEN) or the
huggingface_hub login; it is never printed."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import huggingface_hub

from scripts import paths
from scripts.validate import validate


def card_versions(dataset_root: Path) -> set[str]:
    """The release versions the card's configs point at (`path: v<version>/<table>.parquet`)."""
    card = dataset_root / "README.md"
    if not card.exists():
        return set()
    return set(re.findall(r"(?m)^\s*path: v([0-9][^/\s]*)/", card.read_text(encoding="utf-8")))


# the files of the Hub repository besides the releases (the build writes all but CHANGELOG and LICENSE)
TOP_LEVEL = ("README.md", "DATASHEET.md", "LICENSE.md", "CHANGELOG.md", "croissant.json", "views.sql")


class UploadError(Exception):
    pass


def files_to_upload(dataset_root: Path) -> list[str]:
    """Exactly the files the release manifests and the card name: each release's manifest and
    the tables it lists, the top-level documents, the figures the card and datasheet show.
    Refuses a symlink or a listed path that leaves dataset/: nothing else is uploaded."""
    names = [n for n in TOP_LEVEL if (dataset_root / n).exists()]
    for doc in ("README.md", "DATASHEET.md"):
        if (dataset_root / doc).exists():
            names += re.findall(r"figures/[A-Za-z0-9_.-]+", (dataset_root / doc).read_text(encoding="utf-8"))
    for m in sorted(dataset_root.glob("v*/manifest.json")):
        try:
            tables = json.loads(m.read_text(encoding="utf-8"))["tables"]
            listed = [f"{m.parent.name}/{e['file']}" for e in tables.values()]
        except (ValueError, KeyError, TypeError) as e:
            raise UploadError(f"{m.relative_to(dataset_root)}: cannot read the tables it lists ({e})") from None
        names += [m.relative_to(dataset_root).as_posix()] + listed
    inside = dataset_root.resolve()
    for n in sorted(set(names)):
        p = dataset_root / n
        if p.is_symlink() or not p.resolve().is_relative_to(inside) or not p.is_file():
            raise UploadError(f"{n}: a symlink, missing, or outside {dataset_root.name}/: refusing to upload it")
    return sorted(set(names))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo-id", required=True, help="Hub dataset repository, e.g. my-org/kuaishou-ecommerce-claims")
    ap.add_argument("--dry-run", action="store_true", help="print what would be uploaded and the tag; no network")
    ap.add_argument("--root", type=Path, default=paths.ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = args.root.resolve()
    version = paths.version(root)
    dataset_root = root / "dataset"
    release = paths.release_dir(version, dataset_root)
    tag = f"v{version}"

    described = card_versions(dataset_root)
    if described != {version}:
        print(f"publish: refusing to publish: dataset/README.md describes {', '.join(sorted(described)) or 'no release'}, "
              f"not the newest release v{version}; run `python -m scripts.build`", file=sys.stderr)
        return 1
    try:
        files = files_to_upload(dataset_root)
    except UploadError as e:
        print(f"publish: {e}", file=sys.stderr)
        return 1
    token = None
    if not args.dry_run:  # before the long validation: without a token there is nothing to do
        token = huggingface_hub.get_token()
        if not token:
            print("publish: no Hugging Face token. Set HF_TOKEN in the environment or run "
                  "`huggingface-cli login`, then try again.", file=sys.stderr)
            return 2
    problems = validate(release)
    if problems:
        print(f"publish: refusing to publish {release}: it does not validate "
              f"({len(problems)} problem(s); run `python -m scripts.validate`)", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"would upload {len(files)} files from {dataset_root} to datasets/{args.repo_id} and tag {tag}:")
        for f in files:
            print(f"  {f}")
        return 0

    api = huggingface_hub.HfApi(token=token)
    try:
        api.create_repo(args.repo_id, repo_type="dataset", exist_ok=True)
        api.upload_folder(repo_id=args.repo_id, repo_type="dataset", folder_path=str(dataset_root),
                          allow_patterns=files, commit_message=f"Release {tag}")
        api.create_tag(args.repo_id, tag=tag, repo_type="dataset", exist_ok=True)
    except Exception as e:  # network and permission errors: one clear line, never the token
        print(f"publish: upload to datasets/{args.repo_id} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"published {len(files)} files to datasets/{args.repo_id} and tagged {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
