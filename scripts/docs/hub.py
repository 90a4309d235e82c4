"""The files of the dataset repository that name where it is published (card, Croissant, the datasheet's
Hub copy, LICENSE.md) and the views, rendered for one Hub repository id. The build renders them for the
id declared in pyproject.toml; `publish --repo-id` renders them again for the id it is given."""
from __future__ import annotations

import json
from pathlib import Path

from scripts import paths
from scripts.docs import card, croissant, datasheet, licence
from scripts.docs import sql_views as views


def render_files(root: Path, dataset_root: Path, version: str, repo_id: str | None = None,
                 ctx: dict | None = None) -> dict[str, str]:
    """File name (relative to the dataset repository's root) -> content, for repository `repo_id`."""
    repo_id = repo_id or paths.declared("hub-repo-id", root)
    code_url = paths.declared("code-url", root)
    release = paths.release_dir(version, dataset_root)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    rows = {n: t["rows"] for n, t in manifest["tables"].items()}
    ctx = ctx if ctx is not None else datasheet.context(release, root)
    return {
        "README.md": card.render(version, rows, ctx, release, repo_id=repo_id, code_url=code_url, root=root,
                                 splits=manifest.get("splits")),
        "croissant.json": croissant.render(release, repo_id=repo_id),
        "views.sql": views.render(version),
        "DATASHEET.md": datasheet.render(release, root, prefix="", repo_id=repo_id, code_url=code_url, ctx=ctx),
        licence.TERMS_FILE: licence.license_md(code_url),
    }
