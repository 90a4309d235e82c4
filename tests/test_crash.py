"""Nothing half-done after a crash: a build killed with SIGKILL while it stages the release,
or right after it renamed the release into place, leaves debris that the next normal
build removes; after that build the card describes the newest release. A staging folder
of a build still running beside it is left alone. The killed builds are processes of their
own, forked from a server that imported the build once (tests/helpers.py)."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from helpers import build_process

from scripts.build import build
from scripts.build import main as build_main
from scripts.release.write import STAGING

NEW = "0.7.99"  # a version no one releases: the build writes a new folder in the scratch project


def _debris(project):
    folders = [project / "dataset", project / "dataset" / "figures", project]
    return sorted(p.name for f in folders if f.is_dir() for p in f.iterdir()
                  if p.name.startswith(STAGING) or p.name.endswith(".tmp"))


def _card_version(project) -> set[str]:
    card = (project / "dataset" / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"path: v([0-9.]+)/", card))


def _kill_when(project, ready, timeout=240.0) -> bool:
    """Start a build as a process of its own and SIGKILL it as soon as ready() holds.
    Returns whether it was killed (False: it finished first)."""
    p = build_process(project, project.parent / "build.log")
    deadline = time.monotonic() + timeout
    try:
        while p.is_alive() and time.monotonic() < deadline:
            if ready():
                os.kill(p.pid, signal.SIGKILL)
                p.join()
                return True
            time.sleep(0.002)
        return False
    finally:
        if p.is_alive():
            p.kill()
        p.join()


@pytest.fixture
def new_version(project):
    toml = project / "pyproject.toml"
    toml.write_text(re.sub(r'(?m)^version = "[^"]+"', f'version = "{NEW}"', toml.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    return project


def test_killed_while_staging_then_a_normal_build(new_version):
    project = new_version
    staged = lambda: any(p.name.startswith(STAGING) for p in (project / "dataset").iterdir())  # noqa: E731
    assert _kill_when(project, staged), "the build finished before it was seen staging"
    assert _debris(project), "a SIGKILL while staging leaves the staging folder (the next build must remove it)"
    assert not (project / "dataset" / f"v{NEW}").exists()
    build(root=project, quiet=True)
    assert _debris(project) == []
    assert _card_version(project) == {NEW}


def test_killed_right_after_the_rename_then_a_normal_build(new_version):
    project = new_version
    assert _kill_when(project, lambda: (project / "dataset" / f"v{NEW}").exists())
    assert (project / "dataset" / f"v{NEW}" / "manifest.json").exists()
    s = build(root=project, quiet=True)
    assert s["status"] == "unchanged"
    assert _debris(project) == []
    assert _card_version(project) == {NEW}
    assert f"v{NEW}" in (project / "DATASHEET.md").read_text(encoding="utf-8")


def test_debris_of_a_dead_build_goes_that_of_a_live_one_stays(project):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        dead = max(int(open("/proc/sys/kernel/pid_max").read()) - 1, 2 ** 22)
        while os.path.exists(f"/proc/{dead}"):
            dead -= 1
        for name in (f"{STAGING}{dead}-x1", f"{STAGING}legacy", f"{STAGING}{sleeper.pid}-x2"):
            (project / "dataset" / name / "v9.9.9").mkdir(parents=True)
        for name in (f".README.md.{dead}.tmp", ".views.sql.tmp"):
            (project / "dataset" / name).write_text("half", encoding="utf-8")
        build(root=project, quiet=True)
        assert _debris(project) == [f"{STAGING}{sleeper.pid}-x2"]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_disk_full_while_staging_leaves_nothing(new_version):
    project = new_version
    before = sorted(p.name for p in (project / "dataset").iterdir())
    log = project.parent / "build.log"
    p = build_process(project, log, max_file_bytes=40 * 1024)
    p.join(300)
    err = log.read_text(encoding="utf-8")
    assert p.exitcode == 1, err
    assert err.startswith("build failed: ") and "File too large" in err, err
    assert "Traceback" not in err
    assert sorted(p.name for p in (project / "dataset").iterdir()) == before
    assert _debris(project) == []


def test_unwritable_dataset_folder_is_one_line(project, capsys):
    shutil.rmtree(project / "dataset")
    (project / "dataset").write_text("not a folder", encoding="utf-8")
    assert build_main(["--quiet", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("build failed: ") and "dataset" in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
