"""Shared fixtures: the repository, the CLI binary and a small scenario that
runs in well under a second."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# A small PCN for eight weeks after four of warm-up, with one arm.
TINY = """\
name = "tiny"
seed = 7
replications = 3
[time]
warmup_days = 28
horizon_days = 56
[population]
list_size = 5000
[[arms]]
name = "trained"
set = { "navigation.mode" = "active", "navigation.training" = "enhanced" }
"""

# The same without arms: its base runs as the arm `base`.
TINY_NO_ARMS = TINY.split("[[arms]]")[0]


@pytest.fixture(scope="session")
def cli() -> str:
    """The `signpost` binary: $SIGNPOST_BIN, else target/release/signpost
    (built by `cargo build --release`)."""
    path = os.environ.get("SIGNPOST_BIN") or str(ROOT / "target" / "release" / "signpost")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} not found: run `cargo build --release` first or set SIGNPOST_BIN")
    return path


@pytest.fixture
def tiny_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def run_cli(cli: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=600)
