"""plan / run_unit / merge from Python (issue #18): the same files as
``signpost run``, whether parts travel as bytes (Spark) or through a
directory (Slurm), in any order; bad parts refused naming them."""

import random

import pytest

import signpost
from conftest import run_cli
from test_signpost import files_in, same_files


def test_parts_as_bytes_in_any_order_merge_into_the_cli_run(cli, tiny_file, tmp_path):
    out = run_cli(cli, "run", str(tiny_file), "--reps", "5", "--seed", "4", "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    p = signpost.plan(tiny_file, unit_reps=2, replications=5, seed=4)
    assert (p.kind, p.units) == ("run", 4)  # the warm-up diagnostic, then 0..2, 2..4, 4..5
    bundle = p.bundle()
    order = list(range(p.units))
    random.Random(1).shuffle(order)
    parts = [signpost.run_unit_bytes(bundle, i, threads=1 + i % 2) for i in order]
    signpost.merge_parts(bundle, parts, tmp_path / "merged")
    same_files(tmp_path / "cli", tmp_path / "merged")


def test_a_plan_directory_and_a_parts_directory_give_the_same_files(tiny_file, tmp_path):
    p = signpost.plan(tiny_file, out=tmp_path / "plan", unit_reps=3, replications=3)
    assert signpost.load_plan(tmp_path / "plan").id == p.id == signpost.load_plan(p.bundle()).id
    for i in reversed(range(p.units)):
        signpost.run_unit(tmp_path / "plan", i, tmp_path / "parts")
    signpost.merge(tmp_path / "plan", tmp_path / "parts", tmp_path / "a", charts=False)
    parts = [signpost.run_unit_bytes(p, i) for i in range(p.units)]
    assert parts == [(tmp_path / "parts" / f"unit-{i:06}.part").read_bytes() for i in range(p.units)]
    signpost.merge_parts(p, parts, tmp_path / "b", charts=False)
    a, b = files_in(tmp_path / "a"), files_in(tmp_path / "b")
    assert sorted(a) == sorted(b) == sorted(["summary.csv", "comparison.csv", "replications.csv", "timeseries.csv", "run.json", "scenario.toml"])


def test_missing_repeated_and_damaged_parts_are_refused(tiny_file, tmp_path):
    p = signpost.plan(tiny_file, unit_reps=2, replications=3)
    parts = [signpost.run_unit_bytes(p, i) for i in range(p.units)]
    with pytest.raises(ValueError, match="unit 1 missing"):
        signpost.merge_parts(p, [parts[0], parts[2]], tmp_path / "x")
    with pytest.raises(ValueError, match="unit 2 given twice"):
        signpost.merge_parts(p, parts + [parts[2]], tmp_path / "x")
    with pytest.raises(ValueError, match="truncated"):
        signpost.merge_parts(p, parts[:2] + [parts[2][:-1]], tmp_path / "x")
    other = signpost.plan(tiny_file, unit_reps=2, replications=3, seed=99)
    with pytest.raises(ValueError, match="another plan"):
        signpost.merge_parts(p, parts[:2] + [signpost.run_unit_bytes(other, 2)], tmp_path / "x")
    with pytest.raises(ValueError, match="unit 9"):
        signpost.run_unit_bytes(p, 9)
    with pytest.raises(TypeError):
        signpost.run_unit_bytes(42, 0)
    with pytest.raises(ValueError, match="plan bundle"):
        signpost.load_plan(b"not a plan")
    assert not (tmp_path / "x").exists()


def test_a_psa_plan_runs_as_signpost_psa(cli, tmp_path):
    text = (
        'name = "tiny_psa"\nseed = 3\n[time]\nwarmup_days = 14\nhorizon_days = 28\n[population]\nlist_size = 3000\n'
        '[[arms]]\nname = "trained"\nset = { "navigation.mode" = "active", "navigation.training" = "enhanced" }\n'
        '[uncertainty]\n"bounce.return_probability" = { dist = "beta", mean = 0.85, sd = 0.05 }\n'
    )
    path = tmp_path / "psa.toml"
    path.write_text(text)
    out = run_cli(cli, "psa", str(path), "--draws", "5", "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    p = signpost.plan(path, psa=True, draws=5, unit_reps=2)
    assert (p.kind, p.units) == ("psa", 3)
    signpost.merge_parts(p, [signpost.run_unit_bytes(p, i) for i in range(p.units)], tmp_path / "merged")
    a, b = files_in(tmp_path / "cli"), files_in(tmp_path / "merged")
    assert sorted(a) == sorted(b)
    for name in a:
        if name not in ("run.json", "report.html"):
            assert a[name] == b[name], name


def test_scenario_text_and_scenario_objects_plan_alike():
    from conftest import TINY

    a = signpost.plan(TINY, unit_reps=2)
    b = signpost.plan(signpost.load_scenario(TINY), unit_reps=2)
    assert a.id == b.id and a.units == 3  # warm-up + replications 0..2, 2..3
    with pytest.raises(ValueError, match="overrides"):
        signpost.plan(signpost.load_scenario(TINY).with_overrides({"splw.fte": 4}))
    with pytest.raises(ValueError, match="unit_reps"):
        signpost.plan(TINY, unit_reps=0)
