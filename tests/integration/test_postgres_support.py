"""The throwaway test server cleans up after killed runs and never touches live ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.postgres_support import FOLDER_PREFIX, OWNER_FILE, reap_orphans


def test_orphaned_servers_are_stopped_and_removed_live_ones_kept(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a test run that was killed: its pid no longer exists
    postmaster = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        orphan = tmp_path / f"{FOLDER_PREFIX}orphan"
        (orphan / "pgdata").mkdir(parents=True)
        (orphan / OWNER_FILE).write_text(str(gone.pid))
        (orphan / "pgdata" / "postmaster.pid").write_text(f"{postmaster.pid}\n{orphan / 'pgdata'}\n")
        live = tmp_path / f"{FOLDER_PREFIX}live"
        live.mkdir()
        (live / OWNER_FILE).write_text(str(os.getpid()))
        foreign = tmp_path / f"{FOLDER_PREFIX}being-set-up"  # no owner file yet: left alone
        foreign.mkdir()

        assert reap_orphans(tmp_path) == 1
        assert postmaster.wait(timeout=10) != 0  # stopped by the reaper
        assert not orphan.exists() and live.exists() and foreign.exists()
    finally:
        if postmaster.poll() is None:
            postmaster.kill()
