"""A signpost plan run on Apache Spark (Databricks, or any Spark 3.0+
session, Spark Connect included): each unit of the plan is one Spark
task, its part comes back to the driver as a binary column, and the parts
are merged in unit order into the very files ``signpost run`` (or
``psa``, or the portfolio run) writes on one machine.

    import signpost, signpost.spark
    signpost.plan("scenarios/default.toml", "plan", unit_reps=10, replications=1000)
    signpost.spark.run(spark, "plan", "out")

The executors need the ``signpost`` package installed (a cluster library
on Databricks) but no shared file system: the plan's bundle (a few
kilobytes a scenario) travels inside the task, and each part comes back as
bytes. Only the driver reads ``plan_dir`` and writes ``out``. The driver
holds a bounded batch of parts at a time (``parts_per_fetch``), writes them
to a parts directory, and the merge reads them back one at a time, so its
memory stays flat in the number of units.

Results do not depend on how the units are spread over tasks or executors,
nor on task retries: a unit's random numbers depend only on the master seed
and its replications (or draws), and the merge checks that every unit is
there exactly once.
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import warnings
from typing import TYPE_CHECKING, Any, Iterator, Optional, Union

import signpost

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = ["run", "run_parts", "RESULT_SCHEMA"]

PathLike = Union[str, "os.PathLike[str]"]

#: The schema of the DataFrame :func:`run_parts` returns: the unit's index
#: in the plan and its part (the bytes ``signpost run-unit`` writes).
RESULT_SCHEMA = "unit long, part binary"


def _part_name(unit: int) -> str:
    """The part's file name, as ``signpost run-unit`` names it (merge reads
    any ``*.part`` file, by its header; the name is for people)."""
    return f"unit-{unit:06d}.part"


def _unit_runner(bundle: bytes, threads: int):
    """The function ``mapInPandas`` calls in each task: every unit of the
    task's batches, one row each (unit, part)."""

    def run_units(batches: Iterator["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:
        import pandas

        for batch in batches:
            for unit in batch["id"]:
                part = signpost.run_unit_bytes(bundle, int(unit), threads=threads)
                yield pandas.DataFrame({"unit": [int(unit)], "part": [part]})

    return run_units


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: must be a whole number >= 1, found {value!r}")
    return value


def run_parts(spark: Any, plan: Any, *, partitions: Optional[int] = None, threads: int = 1) -> Any:
    """The plan's units as a Spark DataFrame of parts (:data:`RESULT_SCHEMA`),
    one row per unit, computed lazily: nothing runs until it is collected.

    ``plan``: a plan directory, a :class:`signpost.Plan` or its bundle's
    bytes; the plan travels inside each task (its bundle: a few kilobytes a
    scenario), so executors need no shared file system. ``partitions``
    (default: one per unit) is how many Spark tasks share the units;
    ``threads`` the worker threads of each unit (match it to
    ``spark.task.cpus``; it never changes a result)."""
    loaded = plan if isinstance(plan, signpost.Plan) else signpost.load_plan(plan)
    units = loaded.units
    partitions = units if partitions is None else _positive("partitions", partitions)
    threads = _positive("threads", threads)
    ids = spark.range(0, units, 1, min(partitions, units))
    return ids.mapInPandas(_unit_runner(loaded.bundle(), threads), RESULT_SCHEMA)


def run(
    spark: Any,
    plan_dir: PathLike,
    out: PathLike,
    *,
    partitions: Optional[int] = None,
    threads: int = 1,
    parts_per_fetch: int = 256,
    parts_dir: Optional[PathLike] = None,
    force: bool = False,
) -> pathlib.Path:
    """Runs every unit of the plan in ``plan_dir`` (or a
    :class:`signpost.Plan`) on ``spark`` and merges the parts into ``out``:
    the files ``signpost run`` of the planned scenario, seed and
    replications writes (byte for byte, apart from the run facts). Returns
    ``out``.

    The units run in one Spark job, as parallel as the cluster allows; their
    parts are kept by Spark (``persist``: memory, spilling to the executors'
    disks) and then fetched to the driver ``parts_per_fetch`` at a time, so
    the driver holds at most that many parts at once (a fetch is one Spark
    job, about 70 ms in local mode, so fetching one part at a time would be
    slow for thousands of units). ``parts_dir`` keeps the parts (on the driver's file
    system) for a later ``signpost merge``; by default they go to a
    temporary directory removed afterwards. A failed task fails the Spark
    job (after Spark's retries) and nothing is written to ``out``."""
    parts_per_fetch = _positive("parts_per_fetch", parts_per_fetch)
    plan = signpost.load_plan(plan_dir)
    parts = run_parts(spark, plan, partitions=partitions, threads=threads)
    with tempfile.TemporaryDirectory(prefix="signpost-parts-") as tmp:
        target = pathlib.Path(parts_dir) if parts_dir is not None else pathlib.Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        for row in _computed_then_fetched(parts, plan.units, parts_per_fetch):
            # Written whole then renamed, as `signpost run-unit` does, so a
            # driver that dies mid-way leaves no part merge would accept.
            name = _part_name(row["unit"])
            pending = target / f".{name}.pending"
            pending.write_bytes(row["part"])
            os.replace(pending, target / name)
        return pathlib.Path(signpost.merge(plan, target, out, force=force))


def _computed_then_fetched(parts: Any, units: int, parts_per_fetch: int) -> Iterator[Any]:
    """The rows of ``parts``: all computed first, in parallel, then brought
    to the driver a few partitions at a time. (``toLocalIterator`` alone
    would run one Spark job per partition, one after another: no parallelism
    at all.)"""
    try:
        cached = parts.persist()
    except Exception as e:  # e.g. serverless compute, which has no cache
        warnings.warn(f"signpost.spark: cannot persist the parts ({e}); collecting them all on the driver at once", RuntimeWarning)
        yield from parts.collect()
        return
    try:
        cached.count()  # every unit runs here
        fetches = max(1, -(-units // parts_per_fetch))
        yield from cached.coalesce(fetches).toLocalIterator()
    finally:
        cached.unpersist()
