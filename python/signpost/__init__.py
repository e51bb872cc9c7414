"""signpost: how many GP appointments does active signposting really free,
once the patients who bounce back are counted?

The simulator itself (Rust) runs in ``signpost._signpost``; this module
checks arguments, turns the very CSV bytes the library writes into pandas
DataFrames, and drives the optional progress bar. A run from Python and
``signpost run`` on the command line give the same files for the same
scenario, seed and replications.

Quick start::

    import signpost
    s = signpost.default_scenario().with_overrides({"splw.fte": 4})
    r = signpost.run(s, replications=10)
    r.comparison            # arm minus counterfactual, paired by replication
    r.write("output/mine")  # the same files as `signpost run --out`

Entry points: :func:`load_scenario`, :func:`default_scenario`, :func:`run`,
:func:`psa`, :func:`load_network`, :func:`run_network`, and for a whole
ICB :func:`run_portfolio` (a portfolio file of PCN scenarios). Across many
machines: :func:`plan`, :func:`run_unit` / :func:`run_unit_bytes` and
:func:`merge` / :func:`merge_parts` (``signpost.distributed``).
"""

from __future__ import annotations

import io
import json
import os
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _signpost
from ._signpost import NetworkScenario, Plan, Scenario, ScenarioError, __version__
from ._checks import _real, _whole
from .distributed import load_plan, merge, merge_parts, plan, run_unit, run_unit_bytes

__all__ = [
    "Scenario",
    "NetworkScenario",
    "ScenarioError",
    "Results",
    "PsaResults",
    "NetworkResults",
    "PortfolioResults",
    "load_scenario",
    "default_scenario",
    "load_network",
    "run",
    "psa",
    "run_network",
    "run_portfolio",
    "Plan",
    "plan",
    "load_plan",
    "run_unit",
    "run_unit_bytes",
    "merge",
    "merge_parts",
    "__version__",
]

PathOrText = Union[str, "os.PathLike[str]"]
Progress = Union[bool, None, Callable[[int, int], Any]]

#: The label of scenario text given directly (not a file) in messages.
TEXT_LABEL = "<string>"


# ---------------------------------------------------------------- arguments


def _source(what: str, path_or_text: Any) -> Tuple[str, Optional[str]]:
    """``(path, None)`` for a file, ``(None, text)`` for TOML text: a
    ``str`` holding a newline or ``=`` is text, any other ``str`` or an
    ``os.PathLike`` a path."""
    if isinstance(path_or_text, os.PathLike):
        return os.fspath(path_or_text), None
    if isinstance(path_or_text, str):
        if "\n" in path_or_text or "=" in path_or_text:
            return None, path_or_text
        return path_or_text, None
    raise TypeError(
        f"{what}: expected a path (str or os.PathLike) or TOML text (str), found {type(path_or_text).__name__}"
    )


class _Bar:
    """``progress=True``: a tqdm bar when tqdm is installed, else nothing;
    a callable is called as ``progress(done, total)``."""

    def __init__(self, progress: Progress, desc: str):
        self.bar = None
        self.callback: Optional[Callable[[int, int], Any]] = None
        if progress is None or progress is False:
            return
        if callable(progress):
            self.callback = progress
            return
        if progress is not True:
            raise TypeError(f"progress: must be True, False or a callable(done, total), found {progress!r}")
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=0, desc=desc, unit="run")
        self.callback = self._update

    def _update(self, done: int, total: int) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def __enter__(self) -> Optional[Callable[[int, int], Any]]:
        return self.callback

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------- scenarios


def load_scenario(path_or_text: PathOrText) -> Scenario:
    """Loads a pathway scenario from a file path or from TOML text.

    Like every scenario file, it is merged over the built-in default, so it
    need only hold the keys that differ. A ``str`` holding a newline or
    ``=`` is read as TOML text, any other ``str`` (or a ``pathlib.Path``)
    as a path. Raises :class:`ScenarioError` with the CLI's one-line
    message (file, line, key, rule) when the simulator refuses it.
    """
    path, text = _source("load_scenario", path_or_text)
    if text is not None:
        return _signpost.load_text(text, TEXT_LABEL)
    return _signpost.load_path(path)


def default_scenario() -> Scenario:
    """The built-in default scenario (``scenarios/default.toml``): a
    50,000-patient PCN for one year, with four arms beside the
    counterfactual."""
    return _signpost.default_scenario()


def load_network(path_or_text: PathOrText) -> NetworkScenario:
    """Loads a queueing-network scenario (a file with a ``[network]`` table,
    such as ``scenarios/validation/mmc.toml``) from a path or TOML text."""
    path, text = _source("load_network", path_or_text)
    if text is not None:
        return _signpost.load_network_text(text, TEXT_LABEL)
    return _signpost.load_network_path(path)


# ---------------------------------------------------------------- results


#: Columns that hold names, never numbers (an arm may be called "1" or "NA").
_TEXT_COLUMNS = ("arm", "metric", "pcn", "level", "node", "parameter", "group", "need", "place", "event", "reason")


def _csv(data: bytes, text_columns: Sequence[str] = _TEXT_COLUMNS):
    """A CSV file of the output contract as a DataFrame, its columns exactly
    the file's header. Only an empty field is missing (NaN): an arm called
    "NA" stays a name."""
    import pandas as pd

    header = data.split(b"\n", 1)[0].decode("utf-8").split(",")
    dtype = {c: str for c in text_columns if c in header}
    return pd.read_csv(io.BytesIO(data), dtype=dtype, keep_default_na=False, na_values=[""])


class _FileResults:
    """What every kind of result shares: the files the library builds, as
    bytes, with DataFrames parsed from them, and ``write``."""

    #: DataFrame attributes: name -> file.
    _tables: Dict[str, str] = {}

    def __init__(self, raw: Any):
        self._raw = raw
        self._files: Dict[str, bytes] = dict(_signpost.result_files(raw, False))
        self._frames: Dict[str, Any] = {}

    def _frame(self, file: str):
        if file not in self._frames:
            if file not in self._files:
                raise AttributeError(f"this run wrote no {file}")
            self._frames[file] = _csv(self._files[file])
        return self._frames[file]

    def __getattr__(self, name: str):
        tables = type(self)._tables
        if name in tables:
            return self._frame(tables[name])
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(type(self)._tables))

    @property
    def files(self) -> Dict[str, bytes]:
        """The result files without charts, name -> bytes, as the library
        made them (the DataFrames are parsed from these very bytes)."""
        return dict(self._files)

    @property
    def run_info(self) -> Dict[str, Any]:
        """``run.json``: provenance (version, scenario and its SHA-256,
        seed, replications, threads, wall seconds, events, arms)."""
        return json.loads(self._files["run.json"])

    def write(self, dir: PathOrText, force: bool = False, charts: bool = True) -> str:
        """Writes the same files as the CLI's ``--out dir`` (without
        ``charts``, as ``--no-charts``). The directory appears only when
        complete; existing results are refused (``ValueError``) unless
        ``force``. Returns the directory."""
        if not isinstance(dir, (str, os.PathLike)):
            raise TypeError(f"write: dir must be a path, found {type(dir).__name__}")
        return str(_signpost.write_result(self._raw, os.fspath(dir), bool(force), bool(charts)))

    def to_polars(self) -> Dict[str, Any]:
        """Every table as a polars DataFrame, name -> frame (needs polars)."""
        try:
            import polars as pl
        except ImportError as e:
            raise ImportError("to_polars needs polars: pip install polars") from e
        out = {}
        for name, file in type(self)._tables.items():
            if file in self._files:
                data = self._files[file]
                header = data.split(b"\n", 1)[0].decode("utf-8").split(",")
                text = {c: pl.Utf8 for c in _TEXT_COLUMNS if c in header}
                out[name] = pl.read_csv(io.BytesIO(data), schema_overrides=text, null_values=[""], infer_schema_length=None)
        return out

    def report_html(self) -> str:
        """``report.html`` as a string: charts inline, one self-contained
        page (the CLI's report for the same run)."""
        for name, data in _signpost.result_files(self._raw, True):
            if name == "report.html":
                return data.decode("utf-8")
        raise ValueError("this kind of result has no report")


class Results(_FileResults):
    """A pathway run. DataFrames with exactly the columns of the output
    contract (README, "Output reference"):

    - ``summary``: ``arm,metric,mean,sd,ci_low,ci_high,n``
    - ``comparison``: ``arm,metric,diff_mean,diff_ci_low,diff_ci_high,n``
      (arm minus counterfactual, paired by replication)
    - ``replications``: ``arm,replication,metric,value``
    - ``timeseries``: ``arm,week,metric,mean,p05,p95``
    - ``journeys`` (when episodes were traced): the CLI's ``journeys.csv``
    """

    _tables = {
        "summary": "summary.csv",
        "comparison": "comparison.csv",
        "replications": "replications.csv",
        "timeseries": "timeseries.csv",
        "journeys": "journeys.csv",
    }

    @property
    def arms(self) -> List[str]:
        """The arms, the counterfactual first."""
        return list(self._raw.arms)

    @property
    def warning(self) -> Optional[str]:
        """The CLI's warm-up warning, if the window starts in a transient."""
        return self._raw.warning

    def __repr__(self) -> str:
        r = self._raw
        return (
            f"<signpost.Results {r.name!r}: {len(r.arms)} arms x {r.replications} replications, "
            f"seed {r.seed}, {r.events} events in {r.wall_seconds:.2f} s>"
        )

    def comparison_table(self, metrics: Optional[Sequence[str]] = None):
        """The comparison as a table: one row per metric, one column per
        arm, each cell ``mean (low to high)`` of arm minus counterfactual."""
        import pandas as pd

        c = self.comparison
        if metrics is not None:
            c = c[c["metric"].isin(list(metrics))]

        def cell(row) -> str:
            if pd.isna(row["diff_mean"]):
                return "–"
            if pd.isna(row["diff_ci_low"]):
                return f"{row['diff_mean']:,.4g}"
            return f"{row['diff_mean']:,.4g} ({row['diff_ci_low']:,.4g} to {row['diff_ci_high']:,.4g})"

        cells = c.assign(cell=c.apply(cell, axis=1))
        table = cells.pivot(index="metric", columns="arm", values="cell")
        return table.loc[list(dict.fromkeys(c["metric"])), list(dict.fromkeys(c["arm"]))]

    def _repr_html_(self) -> str:
        r = self._raw
        head = (
            f"<p><b>signpost</b> {r.name}: {r.replications} replications, seed {r.seed}; "
            "each arm minus the counterfactual, mean (95% CI over replications)</p>"
        )
        return head + self.comparison_table().to_html()


class PsaResults(_FileResults):
    """A probabilistic sensitivity analysis: ``draws`` (``psa.csv``, one row
    per draw and arm), ``summary`` (``psa_summary.csv``: uncertainty
    intervals), ``ceac`` (``ceac.csv``) and ``voi`` (``voi.csv``: EVPI and
    EVPPI), each exactly the CLI's file."""

    _tables = {
        "draws": "psa.csv",
        "summary": "psa_summary.csv",
        "ceac": "ceac.csv",
        "voi": "voi.csv",
    }

    def __repr__(self) -> str:
        r = self._raw
        return f"<signpost.PsaResults {r.name!r}: {r.draws} draws of {len(r.parameters)} parameters, EVPI {r.evpi_per_year:,.0f} GBP per PCN-year>"

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False)


class NetworkResults(_FileResults):
    """A queueing-network run: ``summary`` and ``replications``, exactly the
    CLI's files."""

    _tables = {"summary": "summary.csv", "replications": "replications.csv"}

    def __repr__(self) -> str:
        r = self._raw
        return f"<signpost.NetworkResults {r.name!r}: {r.replications} replications, {r.events} events>"

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False)

    def report_html(self) -> str:
        raise ValueError("a network run has no report.html (as on the command line)")


class PortfolioResults(_FileResults):
    """A whole-ICB run, exactly the CLI's files for ``signpost run
    PORTFOLIO``:

    - ``pcns``: ``pcns.csv``, a row per PCN (``level == "pcn"``) and for the
      ICB (``"icb"``) and policy arm: net GP appointments freed, per 1,000
      patients a year and the share freed, each with its 95% CI, and the
      seed each PCN ran with;
    - ``icb_summary``, ``icb_comparison``, ``icb_replications``: the ICB
      roll-up (per-replication sums over PCNs) in the columns of
      ``summary.csv``, ``comparison.csv`` and ``replications.csv``;
    - :meth:`pcn_table`: one PCN's own contract files.
    """

    _tables = {
        "pcns": "pcns.csv",
        "icb_summary": "icb/summary.csv",
        "icb_comparison": "icb/comparison.csv",
        "icb_replications": "icb/replications.csv",
    }

    @property
    def arms(self) -> List[str]:
        """The arms, the counterfactual first."""
        return list(self._raw.arms)

    @property
    def pcn_names(self) -> List[str]:
        """The PCNs, in the portfolio's order."""
        return list(self._raw.pcns)

    @property
    def warnings(self) -> List[Tuple[str, str]]:
        """``(pcn, warning)`` for each PCN whose window starts in a
        start-up transient (the CLI prints these)."""
        return list(self._raw.warnings)

    def pcn_table(self, pcn: str, table: str = "summary"):
        """One PCN's ``summary``, ``comparison``, ``replications`` or
        ``timeseries`` table (``pcns/PCN/TABLE.csv``) as a DataFrame."""
        if not isinstance(pcn, str) or not isinstance(table, str):
            raise TypeError("pcn_table: pcn and table must be strings")
        if pcn not in self.pcn_names:
            raise ValueError(f"pcn_table: no PCN {pcn!r}; the PCNs are {', '.join(self.pcn_names)}")
        if table not in ("summary", "comparison", "replications", "timeseries"):
            raise ValueError(f"pcn_table: table must be summary, comparison, replications or timeseries, found {table!r}")
        return self._frame(f"pcns/{pcn}/{table}.csv")

    def __repr__(self) -> str:
        r = self._raw
        return f"<signpost.PortfolioResults {r.name!r}: {len(r.pcns)} PCNs x {len(r.arms)} arms x {r.replications} replications>"

    def _repr_html_(self) -> str:
        return self.pcns.to_html(index=False)


# ---------------------------------------------------------------- running


def run(
    scenario: Union[Scenario, NetworkScenario],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    precision: Optional[float] = None,
    max_replications: Optional[int] = None,
    journeys: Optional[int] = None,
    progress: Progress = False,
) -> Union[Results, "NetworkResults"]:
    """Runs every arm of ``scenario`` and the counterfactual, with common
    random numbers, as ``signpost run`` does.

    - ``replications``: per arm (default: the scenario's, 10 for the
      default scenario); ``seed``: master seed (default: the scenario's).
    - ``threads``: worker threads (default: every core).
    - ``precision``: add replications until every arm's net GP
      appointments freed has a 95% CI half-width within this fraction of
      its mean (``--precision``), up to ``max_replications`` (default
      1000); not with ``replications``.
    - ``journeys``: trace this many episodes per arm and replication
      (default: the scenario's ``report.journeys``).
    - ``progress``: True for a tqdm bar (when tqdm is installed), or a
      callable ``progress(done, total)`` over arm-replications.

    The GIL is released while the simulator runs; Ctrl-C stops the run
    within a fraction of a second and raises KeyboardInterrupt. A
    :class:`NetworkScenario` is run by :func:`run_network`.
    """
    if isinstance(scenario, NetworkScenario):
        if precision is not None or max_replications is not None or journeys is not None:
            raise ValueError("run: precision, max_replications and journeys are for pathway scenarios, not networks")
        return run_network(scenario, replications=replications, seed=seed, threads=threads)
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"run: scenario must be a signpost.Scenario (from load_scenario or default_scenario), found {type(scenario).__name__}"
        )
    replications = _whole("replications", replications)
    seed = _whole("seed", seed)
    threads = _whole("threads", threads, 1, _signpost.MAX_THREADS)
    precision = _real("precision", precision)
    max_replications = _whole("max_replications", max_replications)
    journeys = _whole("journeys", journeys, 0, 2**32 - 1)
    with _Bar(progress, scenario.name) as callback:
        raw = _signpost.run(scenario, replications, seed, threads, precision, max_replications, journeys, callback)
    if raw.warning:
        warnings.warn(raw.warning, RuntimeWarning, stacklevel=2)
    return Results(raw)


def psa(
    scenario: Scenario,
    draws: Optional[int] = None,
    reps_per_draw: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    wtp: Optional[Sequence[float]] = None,
    progress: Progress = False,
) -> PsaResults:
    """Probabilistic sensitivity analysis over the scenario's
    ``[uncertainty]`` priors, as ``signpost psa`` runs it: ``draws``
    parameter draws (default 256), each running every arm for
    ``reps_per_draw`` replications (default 1) with common random numbers;
    ``wtp`` is the willingness-to-pay grid of the acceptability curve [GBP
    per GP appointment freed]. Overrides made with ``with_overrides`` apply
    to every draw, except on keys that have a prior."""
    if not isinstance(scenario, Scenario):
        raise TypeError(f"psa: scenario must be a signpost.Scenario, found {type(scenario).__name__}")
    draws = _whole("draws", draws)
    reps_per_draw = _whole("reps_per_draw", reps_per_draw)
    seed = _whole("seed", seed)
    threads = _whole("threads", threads, 1, _signpost.MAX_THREADS)
    if wtp is not None:
        if isinstance(wtp, (str, bytes)) or not isinstance(wtp, (list, tuple)):
            raise TypeError(f"wtp: must be a list of numbers, found {type(wtp).__name__}")
        wtp = [_real("wtp", w) for w in wtp]
    with _Bar(progress, f"{scenario.name} psa") as callback:
        raw = _signpost.psa(scenario, draws, reps_per_draw, seed, threads, wtp, callback)
    return PsaResults(raw)


def run_network(
    scenario: Union[NetworkScenario, PathOrText],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> NetworkResults:
    """Runs a queueing-network scenario (a :class:`NetworkScenario`, or a
    path or TOML text that :func:`load_network` reads), as ``signpost run``
    does: ``summary`` holds each node's measures with their confidence
    intervals, to set against queueing theory."""
    if not isinstance(scenario, NetworkScenario):
        scenario = load_network(scenario)
    replications = _whole("replications", replications)
    seed = _whole("seed", seed)
    threads = _whole("threads", threads, 1, _signpost.MAX_THREADS)
    return NetworkResults(_signpost.run_network(scenario, replications, seed, threads))


def run_portfolio(
    path: PathOrText,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> PortfolioResults:
    """Runs a portfolio file (a whole ICB: PCN scenario files with shared
    arms, as ``signpost init --by-pcn`` writes) as ``signpost run
    PORTFOLIO`` does: every PCN x arm x replication in one pool, each PCN
    with its own seed derived from the portfolio's ``seed`` and its name,
    and the ICB rolled up from per-replication sums. ``replications``
    defaults to the portfolio's."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"run_portfolio: path must be a path to a portfolio file, found {type(path).__name__}")
    replications = _whole("replications", replications)
    seed = _whole("seed", seed)
    threads = _whole("threads", threads, 1, _signpost.MAX_THREADS)
    with _Bar(progress, f"{os.fspath(path)}") as callback:
        raw = _signpost.run_portfolio(os.fspath(path), replications, seed, threads, callback)
    for pcn, warning in raw.warnings:
        warnings.warn(f"{pcn}: {warning}", RuntimeWarning, stacklevel=2)
    return PortfolioResults(raw)
