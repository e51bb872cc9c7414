"""Past one machine: a run, a portfolio run or a PSA cut into units that
run anywhere (Slurm array tasks, Spark tasks) and merge into the very files
the single-machine run writes, as ``signpost plan | run-unit | merge`` do.

Plans and parts also travel as bytes, so Spark tasks need no shared file
system::

    import signpost
    p = signpost.plan("scenario.toml", unit_reps=5, replications=20)
    parts = [signpost.run_unit_bytes(p, i) for i in range(p.units)]  # anywhere
    signpost.merge_parts(p, parts, "output/merged")

A plan argument is a :class:`Plan`, a plan directory's path, or the bytes
of :meth:`Plan.bundle`.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Optional, Sequence, Union

from . import _signpost
from ._checks import _whole
from ._signpost import Plan, Scenario

PlanLike = Union[Plan, bytes, str, "os.PathLike[str]"]


def _plan_arg(plan: Any) -> Any:
    if isinstance(plan, (Plan, bytes)):
        return plan
    if isinstance(plan, (str, os.PathLike)):
        return os.fspath(plan)
    raise TypeError(f"plan: expected a signpost.Plan, a plan directory or a plan bundle (bytes), found {type(plan).__name__}")


def _threads(threads: Any) -> Optional[int]:
    return _whole("threads", threads, 1, _signpost.MAX_THREADS)


def _warn(warned: Sequence[str]) -> None:
    for w in warned:
        warnings.warn(w, RuntimeWarning, stacklevel=3)


def plan(
    path_or_scenario: Union[Scenario, str, "os.PathLike[str]"],
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    unit_reps: int = 1,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    psa: bool = False,
    draws: Optional[int] = None,
    reps_per_draw: Optional[int] = None,
    wtp: Optional[Sequence[float]] = None,
    force: bool = False,
) -> Plan:
    """Cuts a run into units as ``signpost plan`` does, and writes the plan
    directory ``out`` when given.

    ``path_or_scenario``: a scenario or portfolio file's path, scenario
    TOML text, or a :class:`Scenario` without overrides. ``unit_reps``: replications per
    unit (with ``psa=True``, draws per unit). ``replications`` and ``seed``
    override the scenario's; ``psa=True`` plans ``signpost psa`` with
    ``draws`` (default 256), ``reps_per_draw`` (default 1) and ``wtp``.
    """
    unit_reps = _whole("unit_reps", unit_reps, 1)
    replications = _whole("replications", replications)
    seed = _whole("seed", seed)
    if not psa and (draws is not None or reps_per_draw is not None or wtp is not None):
        raise ValueError("plan: draws, reps_per_draw and wtp are for psa=True")
    psa_settings = None
    if psa:
        grid = None if wtp is None else [float(w) for w in wtp]
        psa_settings = (_whole("draws", draws, 1) or 256, _whole("reps_per_draw", reps_per_draw, 1) or 1, grid)
    out = None if out is None else os.fspath(out)
    if isinstance(path_or_scenario, str) and ("\n" in path_or_scenario or "=" in path_or_scenario):
        # TOML text, as load_scenario reads a str holding a newline or `=`.
        path_or_scenario = _signpost.load_text(path_or_scenario, "<string>")
    if isinstance(path_or_scenario, Scenario):
        return _signpost.plan(path_or_scenario, None, out, replications, seed, unit_reps, psa_settings, force)
    if isinstance(path_or_scenario, (str, os.PathLike)):
        return _signpost.plan(None, os.fspath(path_or_scenario), out, replications, seed, unit_reps, psa_settings, force)
    raise TypeError(f"plan: expected a path or a signpost.Scenario, found {type(path_or_scenario).__name__}")


def load_plan(plan: PlanLike) -> Plan:
    """A plan from its directory or its bundle's bytes."""
    return _signpost.load_plan(_plan_arg(plan))


def run_unit(plan: PlanLike, index: int, parts_dir: Union[str, "os.PathLike[str]"], threads: Optional[int] = None) -> str:
    """Runs unit ``index`` and writes its part into ``parts_dir``
    atomically, as ``signpost run-unit`` does; the part's path."""
    index = _whole("index", index)
    return os.fspath(_signpost.run_unit(_plan_arg(plan), index, os.fspath(parts_dir), _threads(threads)))


def run_unit_bytes(plan: PlanLike, index: int, threads: Optional[int] = None) -> bytes:
    """Runs unit ``index``; its part as bytes (for a Spark binary column)."""
    index = _whole("index", index)
    return _signpost.run_unit_bytes(_plan_arg(plan), index, _threads(threads))


def merge(
    plan: PlanLike,
    parts_dir: Union[str, "os.PathLike[str]"],
    out: Union[str, "os.PathLike[str]"],
    force: bool = False,
    charts: bool = True,
    threads: Optional[int] = None,
) -> str:
    """Merges the parts in ``parts_dir`` into the result directory ``out``,
    as ``signpost merge`` does; its path. A missing, repeated, foreign or
    damaged part raises ValueError naming it."""
    path, warned = _signpost.merge(_plan_arg(plan), os.fspath(parts_dir), os.fspath(out), force, charts, _threads(threads))
    _warn(warned)
    return os.fspath(path)


def merge_parts(
    plan: PlanLike,
    parts: Sequence[bytes],
    out: Union[str, "os.PathLike[str]"],
    force: bool = False,
    charts: bool = True,
    threads: Optional[int] = None,
) -> str:
    """Merges parts given as bytes (from :func:`run_unit_bytes`, in any
    order) into the result directory ``out``; its path."""
    parts = list(parts)
    if not all(isinstance(p, bytes) for p in parts):
        raise TypeError("merge_parts: parts must be bytes (from run_unit_bytes)")
    path, warned = _signpost.merge_parts(_plan_arg(plan), parts, os.fspath(out), force, charts, _threads(threads))
    _warn(warned)
    return os.fspath(path)
