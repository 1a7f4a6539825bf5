"""The committed reflex.lock is the one the build uses, so front-end installs are reproducible."""

import json

from conftest import REPO_ROOT


def _lock(folder) -> tuple[dict, str]:
    lock = folder / "reflex.lock"
    return json.loads((lock / "package.json").read_text()), (lock / "bun.lock").read_text()


def test_the_build_leaves_the_committed_lock_unchanged(app_server):
    assert _lock(app_server.app_dir) == _lock(REPO_ROOT), (
        f"building the app changed reflex.lock: copy {app_server.app_dir / 'reflex.lock'} "
        "over the repository's and commit it"
    )
