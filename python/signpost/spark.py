"""A signpost plan run on Apache Spark (Databricks, or any Spark 3.0+
session, Spark Connect included): each unit of the plan is one Spark task, its part
comes back to the driver as a binary column, and the parts are merged in
unit order into the very files ``signpost run`` (or ``psa``, or the
portfolio run) writes on one machine.

    import signpost, signpost.spark
    signpost.plan("scenarios/default.toml", "plan", replications=1000, unit_replications=10)
    signpost.spark.run(spark, "plan", "out")

The executors need the ``signpost`` package installed (a cluster library
on Databricks) but no shared file system: the plan's files (a few
kilobytes a scenario) travel inside the task, and each part comes back as
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
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Union

import signpost

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = ["run", "run_parts", "plan_files", "RESULT_SCHEMA"]

PathLike = Union[str, "os.PathLike[str]"]

#: The schema of the DataFrame :func:`run_parts` returns: the unit's index
#: in the plan, the part file's name and its bytes.
RESULT_SCHEMA = "unit long, name string, part binary"


def plan_files(plan_dir: PathLike) -> Dict[str, bytes]:
    """Every file of the plan directory, by its path inside it (``/``
    separated), as bytes: what a task needs to run any unit."""
    root = pathlib.Path(plan_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a plan directory (make one with signpost.plan or `signpost plan`)")
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _write_tree(root: pathlib.Path, files: Dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _unit_runner(files: Dict[str, bytes], threads: int):
    """The function ``mapInPandas`` calls in each task: the plan is laid out
    once per task in a temporary directory, then each unit of the batch
    runs there and its part is yielded as one row."""

    def run_units(batches: Iterator["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:
        import pandas

        with tempfile.TemporaryDirectory(prefix="signpost-unit-") as tmp:
            plan_dir = pathlib.Path(tmp) / "plan"
            _write_tree(plan_dir, files)
            for batch in batches:
                for unit in batch["id"]:
                    parts_dir = pathlib.Path(tmp) / f"parts-{int(unit)}"
                    part_path = pathlib.Path(signpost.run_unit(plan_dir, int(unit), parts_dir, threads=threads))
                    yield pandas.DataFrame(
                        {"unit": [int(unit)], "name": [part_path.name], "part": [part_path.read_bytes()]}
                    )
                    part_path.unlink()

    return run_units


def _unit_count(files: Dict[str, bytes]) -> int:
    table = files.get("units.tsv")
    if table is None:
        raise ValueError("the plan has no units.tsv: not a signpost plan")
    lines = [line for line in table.decode("utf-8").splitlines() if line.strip()]
    return len(lines) - 1


def run_parts(spark: Any, plan_dir: PathLike, *, partitions: Optional[int] = None, threads: int = 1) -> Any:
    """The plan's units as a Spark DataFrame of parts (:data:`RESULT_SCHEMA`),
    one row per unit, computed lazily: nothing runs until it is collected.

    ``partitions`` (default: one per unit) is how many Spark tasks share the
    units; ``threads`` the worker threads of each unit (match it to
    ``spark.task.cpus``; it never changes a result)."""
    files = plan_files(plan_dir)
    units = _unit_count(files)
    if units < 1:
        raise ValueError(f"{plan_dir}: the plan has no units")
    partitions = units if partitions is None else partitions
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise ValueError(f"partitions: must be a whole number >= 1, found {partitions!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads: must be a whole number >= 1, found {threads!r}")
    ids = spark.range(0, units, 1, min(partitions, units))
    return ids.mapInPandas(_unit_runner(files, threads), RESULT_SCHEMA)


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
    """Runs every unit of the plan in ``plan_dir`` on ``spark`` and merges
    the parts into ``out``: the files ``signpost run`` of the planned
    scenario, seed and replications writes (byte for byte, apart from the
    run facts). Returns ``out``.

    The units run in one Spark job, as parallel as the cluster allows; their
    parts are kept by Spark (``persist``: memory, spilling to the executors'
    disks) and then fetched to the driver ``parts_per_fetch`` at a time, so
    the driver holds at most that many parts at once (a fetch is one Spark
    job, about 0.1 s, so fetching one part at a time would be slow for
    thousands of units). ``parts_dir`` keeps the parts (on the driver's file
    system) for a later ``signpost merge``; by default they go to a
    temporary directory removed afterwards. A failed task fails the Spark
    job (after Spark's retries) and nothing is written to ``out``."""
    if isinstance(parts_per_fetch, bool) or not isinstance(parts_per_fetch, int) or parts_per_fetch < 1:
        raise ValueError(f"parts_per_fetch: must be a whole number >= 1, found {parts_per_fetch!r}")
    parts = run_parts(spark, plan_dir, partitions=partitions, threads=threads)
    units = _unit_count(plan_files(plan_dir))
    with tempfile.TemporaryDirectory(prefix="signpost-parts-") as tmp:
        target = pathlib.Path(parts_dir) if parts_dir is not None else pathlib.Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        for row in _computed_then_fetched(parts, units, parts_per_fetch):
            # Written whole then renamed, as `signpost run-unit` does, so a
            # driver that dies mid-way leaves no part merge would accept.
            pending = target / f".{row['name']}.pending"
            pending.write_bytes(row["part"])
            os.replace(pending, target / row["name"])
        return pathlib.Path(signpost.merge(plan_dir, target, out, force=force))


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
