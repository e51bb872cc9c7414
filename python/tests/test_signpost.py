"""The Python package against the CLI: same files for the same scenario,
seed and replications; overrides and arms as TOML writes them; errors;
interruption; the GIL released during a run."""

import json
import pathlib
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

import signpost
from conftest import ROOT, TINY, TINY_NO_ARMS, run_cli

CONTRACT = {
    "summary": ["arm", "metric", "mean", "sd", "ci_low", "ci_high", "n"],
    "comparison": ["arm", "metric", "diff_mean", "diff_ci_low", "diff_ci_high", "n"],
    "replications": ["arm", "replication", "metric", "value"],
    "timeseries": ["arm", "week", "metric", "mean", "p05", "p95"],
}
# run.json fields that measure the run rather than its results.
VOLATILE = {"wall_seconds", "events_per_second", "threads"}
# report.html's line on the run's timing.
TIMING = re.compile(rb"\d+ threads?; [\d,]+ events in [\d.]+ s \([\d,]+ events/s\)")


def files_in(d: pathlib.Path) -> dict:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def same_files(cli_dir: pathlib.Path, py_dir: pathlib.Path) -> None:
    """Every file byte for byte, run.json but for the run's timing."""
    a, b = files_in(cli_dir), files_in(py_dir)
    assert sorted(a) == sorted(b)
    for name in a:
        if name == "run.json":
            ja, jb = json.loads(a[name]), json.loads(b[name])
            for k in VOLATILE:
                ja.pop(k, None), jb.pop(k, None)
            assert ja == jb
        elif name == "report.html":
            assert TIMING.sub(b"", a[name]) == TIMING.sub(b"", b[name])
        else:
            assert a[name] == b[name], name


def test_run_writes_the_cli_files_byte_for_byte(cli, tiny_file, tmp_path):
    out = run_cli(cli, "run", str(tiny_file), "--reps", "3", "--seed", "11", "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    r = signpost.run(signpost.load_scenario(str(tiny_file)), replications=3, seed=11)
    r.write(tmp_path / "py")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert TIMING.search((tmp_path / "py" / "report.html").read_bytes()), "the one line allowed to differ is found"


def test_dataframes_have_the_contract_columns_and_the_files_values(tiny_file):
    r = signpost.run(signpost.load_scenario(tiny_file), threads=1)
    for name, columns in CONTRACT.items():
        frame = getattr(r, name)
        assert list(frame.columns) == columns
        assert len(frame) == r.files[f"{name}.csv"].count(b"\n") - 1
    assert set(r.summary["arm"]) == {"counterfactual", "trained"}
    assert r.summary["n"].max() == 3 and (r.summary["n"] <= 3).all()
    net = r.comparison.set_index(["arm", "metric"]).loc[("trained", "gp_appointments_saved_net"), "diff_mean"]
    assert net > 0
    assert r.run_info["replications"] == 3
    assert "<table" in r._repr_html_() and "gp_appointments_saved_net" in r._repr_html_()
    assert r.report_html().lstrip().lower().startswith("<!doctype html")


def test_results_do_not_depend_on_threads(tiny_file):
    s = signpost.load_scenario(tiny_file)
    one, two = signpost.run(s, threads=1), signpost.run(s, threads=2)
    for name in ("summary.csv", "comparison.csv", "replications.csv", "timeseries.csv"):
        assert one.files[name] == two.files[name]


def test_with_overrides_equals_the_key_written_in_toml():
    written = signpost.load_scenario(TINY_NO_ARMS + "[splw]\nfte = 4\n")
    overridden = signpost.load_scenario(TINY_NO_ARMS).with_overrides({"splw.fte": 4})
    assert overridden.to_dict()["splw"]["fte"] == 4
    assert overridden.resolved_toml() == written.resolved_toml()
    a, b = signpost.run(written, replications=2), signpost.run(overridden, replications=2)
    for name in ("summary.csv", "comparison.csv", "replications.csv", "timeseries.csv", "scenario.toml"):
        assert a.files[name] == b.files[name], name


def test_add_arm_equals_an_arm_written_in_toml(cli, tmp_path):
    s = signpost.load_scenario(TINY_NO_ARMS)
    s.add_arm("more_splw", {"navigation.mode": "active", "splw.fte": 4.0}, description="Four link workers")
    assert s.arms == ["counterfactual", "more_splw"]
    written = signpost.load_scenario(
        TINY_NO_ARMS
        + '[[arms]]\nname = "more_splw"\ndescription = "Four link workers"\nset = { "navigation.mode" = "active", "splw.fte" = 4.0 }\n'
    )
    a, b = signpost.run(s), signpost.run(written)
    for name in ("summary.csv", "comparison.csv", "replications.csv", "timeseries.csv", "scenario.toml"):
        assert a.files[name] == b.files[name], name
    # The scenario's text is a file the CLI runs to the same results.
    path = tmp_path / "added.toml"
    path.write_text(s.text)
    out = run_cli(cli, "run", str(path), "--out", str(tmp_path / "cli"), "--quiet", "--no-charts")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "cli" / "comparison.csv").read_bytes() == a.files["comparison.csv"]


def test_default_scenario_is_the_cli_default():
    s = signpost.default_scenario()
    assert s.name == "default" and s.replications == 10
    assert s.arms[0] == "counterfactual" and len(s.arms) == 5
    assert s.text == (ROOT / "scenarios" / "default.toml").read_text()
    d = s.to_dict()
    assert d["name"] == "default" and isinstance(d["arms"], list)


def test_scenario_errors_carry_the_cli_message(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[splw]\nfte = -2\n')
    with pytest.raises(signpost.ScenarioError) as e:
        signpost.load_scenario(str(bad))
    out = run_cli(cli, "check", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: {e.value}"
    assert "splw.fte" in str(e.value) and ":3:" in str(e.value) and "\n" not in str(e.value)
    assert isinstance(e.value, ValueError)


def test_bad_overrides_and_arms_raise_scenario_errors():
    s = signpost.load_scenario(TINY)
    with pytest.raises(signpost.ScenarioError, match="splw.ftee"):
        s.with_overrides({"splw.ftee": 4})
    with pytest.raises(signpost.ScenarioError, match="splw.fte"):
        s.with_overrides({"splw.fte": -1})
    with pytest.raises(signpost.ScenarioError, match="reserved"):
        s.add_arm("counterfactual", {})
    with pytest.raises(signpost.ScenarioError, match="used twice"):
        s.add_arm("trained", {"splw.fte": 2})
    assert s.arms == ["counterfactual", "trained"], "a refused arm leaves the scenario as it was"
    with pytest.raises(signpost.ScenarioError, match="TOML syntax"):
        signpost.load_scenario("name = \n")
    with pytest.raises(signpost.ScenarioError, match="cannot read"):
        signpost.load_scenario("no/such/file.toml")
    with pytest.raises(signpost.ScenarioError, match="network"):
        signpost.load_scenario(ROOT / "scenarios" / "validation" / "mm1.toml")


def test_wrong_argument_types_and_values():
    s = signpost.load_scenario(TINY)
    with pytest.raises(TypeError):
        signpost.run("tiny.toml")
    with pytest.raises(TypeError):
        signpost.run(s, replications="3")
    with pytest.raises(TypeError):
        signpost.run(s, replications=2.0)
    with pytest.raises(TypeError):
        signpost.run(s, seed=True)
    with pytest.raises(TypeError):
        signpost.run(s, progress="yes")
    with pytest.raises(TypeError):
        s.with_overrides([("splw.fte", 4)])
    with pytest.raises(TypeError):
        s.with_overrides({"splw.fte": None})
    with pytest.raises(TypeError):
        s.with_overrides({4: 4})
    with pytest.raises(TypeError):
        s.add_arm(3, {})
    with pytest.raises(TypeError):
        signpost.load_scenario(b"name = 'x'")
    with pytest.raises(ValueError, match="replications"):
        signpost.run(s, replications=0)
    with pytest.raises(ValueError, match="seed"):
        signpost.run(s, seed=-1)
    with pytest.raises(ValueError, match="threads"):
        signpost.run(s, threads=0)
    with pytest.raises(ValueError, match="precision"):
        signpost.run(s, precision=1.5)
    with pytest.raises(ValueError, match="precision"):
        signpost.run(s, precision=0.1, replications=5)


def test_write_refuses_existing_results_unless_forced(tiny_file, tmp_path):
    r = signpost.run(signpost.load_scenario(tiny_file), replications=2)
    r.write(tmp_path / "out", charts=False)
    with pytest.raises(ValueError, match="already exist"):
        r.write(tmp_path / "out", charts=False)
    r.write(tmp_path / "out", force=True, charts=False)


def test_progress_callback_counts_arm_replications(tiny_file):
    seen = []
    signpost.run(signpost.load_scenario(tiny_file), replications=4, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (8, 8)
    assert all(d <= t for d, t in seen)
    signpost.run(signpost.load_scenario(tiny_file), replications=2, progress=True)


def test_precision_runs_to_a_target(tiny_file):
    r = signpost.run(signpost.load_scenario(tiny_file), precision=0.5, max_replications=6)
    assert 2 <= r.run_info["replications"] <= 6
    assert "precision" in r.run_info


def test_the_gil_is_released_during_a_run(tiny_file):
    s = signpost.load_scenario(tiny_file)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (signpost.run(s, replications=6, threads=1), done.set()))
    ticks = 0
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert ticks > 20, "the main thread ran while the simulator did"


INTERRUPTED = """
import signpost, sys, time
s = signpost.default_scenario()
print("running", flush=True)
t = time.monotonic()
try:
    signpost.run(s, replications=1000)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    raise
"""


def test_ctrl_c_stops_a_run_within_a_second():
    p = subprocess.Popen([sys.executable, "-c", INTERRUPTED], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "running"
    time.sleep(1.5)
    assert p.poll() is None, "the run should still be going"
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    stopped = time.monotonic() - sent
    assert "interrupted" in out
    assert "KeyboardInterrupt" in err
    assert p.returncode != 0
    assert stopped < 2.0, f"took {stopped:.2f} s to stop"


def test_run_network_equals_the_cli(cli, tmp_path):
    path = ROOT / "scenarios" / "validation" / "mm1.toml"
    out = run_cli(cli, "run", str(path), "--reps", "3", "--seed", "5", "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    r = signpost.run_network(str(path), replications=3, seed=5)
    r.write(tmp_path / "py")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert list(r.summary.columns)[:2] == ["node", "metric"] or "metric" in r.summary.columns
    net = signpost.load_network(path)
    assert signpost.run(net, replications=2).replications.shape[0] > 0


PSA_TOML = TINY + """
[uncertainty]
"bounce.return_probability" = { dist = "beta", mean = 0.85, sd = 0.05 }
"navigation.tiers.enhanced.identify" = { dist = "pert", low = 0.25, mode = 0.38, high = 0.5 }
"""


def test_psa_equals_the_cli(cli, tmp_path):
    path = tmp_path / "psa.toml"
    path.write_text(PSA_TOML)
    out = run_cli(cli, "psa", str(path), "--draws", "6", "--seed", "3", "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    r = signpost.psa(signpost.load_scenario(str(path)), draws=6, seed=3)
    r.write(tmp_path / "py")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert list(r.draws.columns[:2]) == ["draw", "seed"]
    assert len(r.draws) == 6 * 2
    with pytest.raises(signpost.ScenarioError, match="no \\[uncertainty\\]"):
        signpost.psa(signpost.load_scenario(TINY), draws=2)


def test_psa_sees_base_overrides():
    s = signpost.load_scenario(PSA_TOML)
    a = signpost.psa(s, draws=2, seed=1)
    b = signpost.psa(s.with_overrides({"population.list_size": 6000}), draws=2, seed=1)
    assert a.files["psa.csv"] != b.files["psa.csv"]


def test_to_polars():
    pl = pytest.importorskip("polars")
    r = signpost.run(signpost.load_scenario(TINY), replications=2)
    frames = r.to_polars()
    assert isinstance(frames["summary"], pl.DataFrame)
    assert frames["summary"].columns == CONTRACT["summary"]


def write_portfolio(tmp_path: pathlib.Path) -> pathlib.Path:
    """Two tiny PCNs (one with a larger list) and their portfolio."""
    for name, list_size in (("north", 5000), ("river", 6000)):
        text = TINY.replace('name = "tiny"', f'name = "{name}"').replace("list_size = 5000", f"list_size = {list_size}")
        (tmp_path / f"{name}.toml").write_text(text)
    path = tmp_path / "portfolio.toml"
    path.write_text('[portfolio]\nname = "vale"\nseed = 4\nreplications = 2\npcns = ["north.toml", "river.toml"]\n')
    return path


def test_run_portfolio_equals_the_cli(cli, tmp_path):
    path = write_portfolio(tmp_path)
    out = run_cli(cli, "run", str(path), "--out", str(tmp_path / "cli"), "--quiet")
    assert out.returncode == 0, out.stderr
    r = signpost.run_portfolio(path)
    r.write(tmp_path / "py")
    a, b = files_in(tmp_path / "cli"), files_in(tmp_path / "py")
    assert sorted(a) == sorted(b)
    for name in a:
        if name.endswith(".json"):
            ja, jb = json.loads(a[name]), json.loads(b[name])
            for k in VOLATILE:
                ja.pop(k, None), jb.pop(k, None)
            assert ja == jb, name
        else:
            assert a[name] == b[name], name
    assert r.pcn_names == ["north", "river"]
    pcns = r.pcns
    assert list(pcns.columns[:5]) == ["level", "pcn", "list_size", "seed", "arm"]
    assert set(pcns["level"]) == {"pcn", "icb"}
    icb = r.icb_summary
    north = r.pcn_table("north")
    river = r.pcn_table("river")
    key = (icb["arm"] == "counterfactual") & (icb["metric"] == "gp_appointments")
    each = [t[(t["arm"] == "counterfactual") & (t["metric"] == "gp_appointments")]["mean"].item() for t in (north, river)]
    assert icb[key]["mean"].item() == pytest.approx(sum(each))
    with pytest.raises(ValueError, match="no PCN"):
        r.pcn_table("castle")
    with pytest.raises(TypeError):
        signpost.run_portfolio(3)
    bad = tmp_path / "bad.toml"
    bad.write_text('[portfolio]\nname = "vale"\npcns = ["missing.toml"]\n')
    with pytest.raises(signpost.ScenarioError, match="missing.toml"):
        signpost.run_portfolio(bad)
