"""Publish the dataset repository to the Hugging Face Hub:
`python -m scripts.publish [--repo-id ORG/NAME] [--dry-run] [--squash-history]`.

What is uploaded is the policy of scripts/docs/licence.py: the newest release folder `v<version>/` and the files
at the dataset repository's root (card, datasheet, LICENSE.md, CHANGELOG.md, croissant.json, views.sql,
figures/), with the card, Croissant, the datasheet and LICENSE.md rendered for the repository id given
(default: `hub-repo-id` in pyproject.toml). Earlier release folders are deleted from the Hub's current
revision, and the upload is tagged v<version>. `--squash-history` (a takedown) also squashes the Hub
repository's history into that commit and deletes the tags of earlier releases.

Refuses, cheapest check first: an invalid repository id, a card that does not describe the newest release,
a file set with a symlink or a path outside dataset/, and, unless --dry-run, a work tree with uncommitted
changes or no token; then a release that does not validate or does not rebuild from its source/ byte for byte
(stopping at the first failing stage).
`--dry-run` renders the repository into a temporary folder, prints its path and what would be uploaded
with sizes, and touches no network. The token comes from HF_TOKEN or
`hf auth login`; it is never printed."""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from scripts import cli, paths

RELEASE_FOLDER = re.compile(r"^v\d+\.\d+\.\d+$")
# earlier release folders on the Hub: deleted by the upload (the current one is uploaded again)
OLD_RELEASES = ["v[0-9]*/*"]


# the files of the Hub repository besides the release (the build writes all but CHANGELOG)
TOP_LEVEL = ("README.md", "DATASHEET.md", "LICENSE.md", "CHANGELOG.md", "croissant.json", "views.sql")


class UploadError(Exception):
    pass


def files_to_upload(dataset_root: Path, version: str) -> list[str]:
    """Exactly the files the newest release's manifest and the card name: that manifest, the
    tables and the build inputs (source/) it lists, the top-level documents, the figures the card and datasheet show. Earlier
    releases stay in the code repository only (the takedown policy). Refuses a symlink or a
    listed path that leaves dataset/: nothing else is uploaded."""
    from scripts.release import source  # reads pyarrow: after argument parsing
    names = [n for n in TOP_LEVEL if (dataset_root / n).exists()]
    for doc in ("README.md", "DATASHEET.md"):
        if (dataset_root / doc).exists():
            names += re.findall(r"figures/[A-Za-z0-9_.-]+", (dataset_root / doc).read_text(encoding="utf-8"))
    m = dataset_root / f"v{version}" / "manifest.json"
    try:
        manifest = json.loads(m.read_text(encoding="utf-8"))
        listed = [f"v{version}/{e['file']}" for e in manifest["tables"].values()]
        # the generated splits' files (<split>/<table>.parquet) that the card's configs also name
        listed += [f"v{version}/{e['file']}" for s in manifest.get("splits", {}).values() for e in s["tables"].values()]
        # the build inputs the release ships (source/, scripts/release/source.py), so that the Hub copy can be rebuilt
        listed += [f"v{version}/{source.FOLDER}/{n}" for n in source.shipped(manifest)]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UploadError(f"{m}: cannot read the tables it lists ({e})") from None
    names += [m.relative_to(dataset_root).as_posix()] + listed
    inside = dataset_root.resolve()
    for n in sorted(set(names)):
        p = dataset_root / n
        if p.is_symlink() or not p.resolve().is_relative_to(inside) or not p.is_file():
            raise UploadError(f"{n}: a symlink, missing, or outside {dataset_root.name}/: refusing to upload it")
    return sorted(set(names))


def card_versions(dataset_root: Path) -> set[str]:
    """The release versions the card's configs point at (`path: v<version>/<table>.parquet`)."""
    card = dataset_root / "README.md"
    if not card.exists():
        return set()
    # read as YAML: the card writes each config on one line, in flow style
    head = yaml.safe_load(card.read_text(encoding="utf-8").split("---")[1]) or {}
    return {m[1] for c in head.get("configs", []) for f in c.get("data_files", [])
            if (m := re.match(r"v([0-9][^/\s]*)/", f.get("path", "")))}


def repo_id_problem(repo_id: str) -> str | None:
    if repo_id.count("/") != 1:
        return f"--repo-id {repo_id!r}: give the full Hub id, ORG/NAME (the card's hf:// paths need both)"
    from huggingface_hub.utils import HFValidationError, validate_repo_id  # after argument parsing: a quick --help
    try:
        validate_repo_id(repo_id)
    except HFValidationError as e:
        return f"--repo-id {repo_id!r}: {e}"
    return None


def uncommitted(root: Path) -> str | None:
    """Why the work tree cannot be published as it is committed, or None when it is clean."""
    r = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    if r.returncode != 0:
        return f"{root} is not a git work tree, so what is published could not be traced to a commit"
    changes = r.stdout.splitlines()
    if changes:
        return (f"{len(changes)} uncommitted change(s) in {root} (first: {changes[0].strip()}); "
                "commit them first, so the upload matches a commit")
    return None


def stage(root: Path, dataset_root: Path, version: str, repo_id: str, files: list[str]) -> Path:
    """A copy of what is uploaded, with the repository's own files rendered for repo_id."""
    from scripts.docs import hub
    out = Path(tempfile.mkdtemp(prefix="kuaishou-ecommerce-claims-publish-"))
    for f in files:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(dataset_root / f, out / f)
    for name, text in hub.render_files(root, dataset_root, version, repo_id).items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="publish", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo-id", help="Hub dataset repository ORG/NAME (default: hub-repo-id in pyproject.toml)")
    ap.add_argument("--dry-run", action="store_true",
                    help="render the repository into a temporary folder, list what would be uploaded; no network")
    ap.add_argument("--squash-history", action="store_true",
                    help="takedown: squash the Hub repository's history and delete earlier release tags")
    ap.add_argument("--root", type=Path, default=paths.ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    import huggingface_hub  # the slow imports after parsing: --help and a mistake answer at once

    from scripts.validate import validate
    root = args.root.resolve()
    repo_id = args.repo_id or paths.declared("hub-repo-id", root)
    problem = repo_id_problem(repo_id)
    if problem:
        print(f"publish: {problem}", file=sys.stderr)
        return 2
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
        files = files_to_upload(dataset_root, version)
    except UploadError as e:
        print(f"publish: {e}", file=sys.stderr)
        return 1
    # the cheap refusals (file set above, work tree and token here) come before the long validation
    dirty = uncommitted(root)
    token = None
    if not args.dry_run:
        if dirty:
            print(f"publish: refusing to publish: {dirty}", file=sys.stderr)
            return 1
        token = huggingface_hub.get_token()
        if not token:
            print("publish: no Hugging Face token. Set HF_TOKEN in the environment or run `hf auth login`, "
                  "then try again.", file=sys.stderr)
            return 2
    # rebuild=True: what the Hub gets must rebuild byte for byte from the inputs it ships (scripts/release/rebuild.py)
    problems = validate(release, first_failure=True, rebuild=True)
    if problems:
        print(f"publish: refusing to publish {release}: it does not validate "
              f"({len(problems)} problem(s); run `python -m scripts.validate`)", file=sys.stderr)
        return 1
    staged = stage(root, dataset_root, version, repo_id, files)
    sizes = {f: (staged / f).stat().st_size for f in files}
    if args.dry_run:
        print(f"would upload {len(files)} files ({human(sum(sizes.values()))}) to datasets/{repo_id}, "
              f"delete earlier release folders there{', squash its history' if args.squash_history else ''} "
              f"and tag {tag}:")
        for f in files:
            print(f"  {f}  ({human(sizes[f])})")
        print(f"rendered repository for {repo_id} (card, Croissant, datasheet, LICENSE.md): {staged}")
        if dirty:
            print(f"note: a real upload would refuse: {dirty}")
        return 0
    try:
        api = huggingface_hub.HfApi(token=token)
        print(f"uploading {len(files)} files ({human(sum(sizes.values()))}) to datasets/{repo_id}…")
        try:
            api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
            api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(staged), allow_patterns=files,
                              delete_patterns=OLD_RELEASES, commit_message=f"Release {tag}")
            if args.squash_history:
                api.super_squash_history(repo_id, repo_type="dataset", commit_message=f"Release {tag} (history squashed)")
                for ref in api.list_repo_refs(repo_id, repo_type="dataset").tags:
                    if ref.name != tag:
                        api.delete_tag(repo_id, tag=ref.name, repo_type="dataset")
            api.create_tag(repo_id, tag=tag, repo_type="dataset", exist_ok=True)
        except Exception as e:  # network and permission errors: one clear line, never the token
            print(f"publish: upload to datasets/{repo_id} failed: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        print(f"published {len(files)} files to datasets/{repo_id} and tagged {tag}")
        return 0
    finally:
        shutil.rmtree(staged, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
