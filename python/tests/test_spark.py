"""signpost.spark on a real Spark session in local[2] mode: a plan's units
as Spark tasks (mapInPandas), parts back as a binary column, merged into
the same files as `signpost run` of the same scenario, seed and
replications.

Needs PyPI's pyspark (and pyarrow) and a Java runtime. Without them these
tests are skipped with the reason, unless SIGNPOST_REQUIRE_SPARK=1 (as in
CI), where a missing piece fails them instead.
"""

import os
import pathlib
import shutil
import sys

import pytest

import signpost
from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "tests" / "cluster"))
from same_results import differences  # noqa: E402

pytestmark = [
    # pyspark 4's notice about pandas 3, which it runs with here.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # The tiny scenario's short warm-up, on purpose (as in conftest).
    pytest.mark.filterwarnings("ignore:.*the statistics window starts:RuntimeWarning"),
]

SEED = 20261202
REPS = 5
UNIT_REPS = 2


def _missing() -> str:
    """Why Spark cannot run here ('' when it can)."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:
        return f"pyspark/pyarrow not installed ({e}): pip install pyspark pyarrow"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime (java on PATH or JAVA_HOME): apt-get install openjdk-17-jre-headless"
    return ""


@pytest.fixture(scope="module")
def spark():
    reason = _missing()
    if reason:
        if os.environ.get("SIGNPOST_REQUIRE_SPARK") == "1":
            pytest.fail(f"SIGNPOST_REQUIRE_SPARK=1 but Spark cannot run: {reason}")
        pytest.skip(f"SKIPPED: spark: {reason}")
    from pyspark.sql import SparkSession

    # The tasks' Python is this one (with signpost installed), as a cluster
    # library makes it on Databricks.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("signpost-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def planned(tmp_path_factory, cli):
    """A plan of the tiny scenario (units of UNIT_REPS replications) and
    `signpost run` of the same scenario, seed and replications."""
    from conftest import TINY

    root = tmp_path_factory.mktemp("spark")
    scenario = root / "tiny.toml"
    scenario.write_text(TINY)
    out = run_cli(cli, "plan", str(scenario), "--reps", str(REPS), "--seed", str(SEED), "--unit-reps", str(UNIT_REPS), "--out", str(root / "plan"))
    assert out.returncode == 0, out.stderr
    out = run_cli(cli, "run", str(scenario), "--reps", str(REPS), "--seed", str(SEED), "--out", str(root / "single"), "--quiet")
    assert out.returncode == 0, out.stderr
    return root


def test_spark_run_writes_the_files_of_signpost_run(spark, planned):
    import signpost.spark

    out = signpost.spark.run(spark, planned / "plan", planned / "spark")
    assert out == planned / "spark"
    assert differences(planned / "single", out) == []


def test_how_units_are_spread_over_tasks_changes_no_byte(spark, planned, tmp_path, cli):
    import signpost.spark

    one_task = signpost.spark.run(spark, planned / "plan", tmp_path / "one", partitions=1, parts_dir=tmp_path / "parts")
    assert differences(planned / "single", one_task) == []
    # The kept parts are the CLI's: `signpost merge` of them, the same files.
    out = run_cli(cli, "merge", str(planned / "plan"), str(tmp_path / "parts"), "--out", str(tmp_path / "cli-merge"))
    assert out.returncode == 0, out.stderr
    assert differences(planned / "single", tmp_path / "cli-merge") == []


def test_the_comparison_can_fail(spark, planned, tmp_path, cli):
    """Another seed's plan, run on Spark, is told apart from the run."""
    import signpost.spark

    out = run_cli(cli, "plan", str(planned / "tiny.toml"), "--reps", str(REPS), "--seed", str(SEED + 1), "--unit-reps", str(UNIT_REPS), "--out", str(tmp_path / "plan"))
    assert out.returncode == 0, out.stderr
    other = signpost.spark.run(spark, tmp_path / "plan", tmp_path / "other")
    assert any(d.startswith("DIFF summary.csv") for d in differences(planned / "single", other))


def test_a_failing_unit_fails_the_job_and_writes_nothing(spark, planned, tmp_path, monkeypatch):
    """Tasks handed a broken plan bundle fail inside Spark; the error
    reaches the driver and no result directory appears."""
    import signpost.spark

    runner = signpost.spark._unit_runner
    monkeypatch.setattr(signpost.spark, "_unit_runner", lambda bundle, threads: runner(bundle[:-1], threads))
    with pytest.raises(Exception, match="not a signpost plan bundle"):
        signpost.spark.run(spark, planned / "plan", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_arguments_are_refused_before_spark_runs(planned, tmp_path):
    import signpost.spark

    with pytest.raises(ValueError, match="not a signpost plan"):
        signpost.spark.run(None, tmp_path / "nothing", tmp_path / "out")
    for name in ("partitions", "threads", "parts_per_fetch"):
        with pytest.raises(ValueError, match=name):
            signpost.spark.run(None, planned / "plan", tmp_path / "out", **{name: 0})
