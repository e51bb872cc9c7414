"""Type stubs of the compiled module (the Python-facing API is in
signpost/__init__.py)."""

from os import PathLike
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

__version__: str
DEFAULT_LABEL: str
MAX_REPLICATIONS: int
MAX_THREADS: int

class ScenarioError(ValueError): ...

Progress = Optional[Callable[[int, int], Any]]
Files = List[Tuple[str, bytes]]

class Scenario:
    text: str
    label: str
    name: str
    seed: int
    replications: int
    arms: List[str]
    overrides: List[Tuple[str, Any]]
    def with_overrides(self, overrides: Dict[str, Any]) -> "Scenario": ...
    def add_arm(self, name: str, overrides: Dict[str, Any], description: Optional[str] = ...) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def resolved_toml(self) -> str: ...

class NetworkScenario:
    name: str
    label: str
    nodes: List[str]
    seed: int
    replications: int

class RunResult:
    name: str
    replications: int
    seed: int
    threads: int
    events: int
    wall_seconds: float
    arms: List[str]
    horizon_days: float
    warning: Optional[str]

class PsaResult:
    name: str
    draws: int
    reps_per_draw: int
    seed: int
    parameters: List[str]
    evpi_per_year: float
    fixed_by_arm: List[Tuple[str, str]]

class NetworkResult:
    name: str
    replications: int
    events: int
    wall_seconds: float

class PortfolioResult:
    name: str
    pcns: List[str]
    arms: List[str]
    replications: int
    warnings: List[Tuple[str, str]]

def load_text(text: str, label: str) -> Scenario: ...
def load_path(path: Union[str, PathLike]) -> Scenario: ...
def default_scenario() -> Scenario: ...
def is_network(text: str) -> bool: ...
def run(scenario: Scenario, replications: Optional[int], seed: Optional[int], threads: Optional[int], precision: Optional[float], max_replications: Optional[int], journeys: Optional[int], progress: Progress) -> RunResult: ...
def psa(scenario: Scenario, draws: Optional[int], reps_per_draw: Optional[int], seed: Optional[int], threads: Optional[int], wtp: Optional[Sequence[float]], progress: Progress) -> PsaResult: ...
def load_network_text(text: str, label: str) -> NetworkScenario: ...
def load_network_path(path: Union[str, PathLike]) -> NetworkScenario: ...
def run_network(scenario: NetworkScenario, replications: Optional[int], seed: Optional[int], threads: Optional[int]) -> NetworkResult: ...
def run_portfolio(path: Union[str, PathLike], replications: Optional[int], seed: Optional[int], threads: Optional[int], progress: Progress) -> PortfolioResult: ...
def result_files(result: Union[RunResult, PsaResult, NetworkResult, PortfolioResult], charts: bool = ...) -> Files: ...
def write_result(result: Union[RunResult, PsaResult, NetworkResult, PortfolioResult], dir: Union[str, PathLike], force: bool = ..., charts: bool = ...) -> str: ...

class Plan:
    id: str
    name: str
    kind: str
    units: int
    unit_table: str
    def bundle(self) -> bytes: ...

PlanArg = Union[Plan, bytes, str, PathLike]

def plan(scenario: Optional[Scenario], path: Optional[str], out: Optional[str], replications: Optional[int], seed: Optional[int], unit_reps: int, psa: Optional[Tuple[int, int, Optional[List[float]]]], force: bool) -> Plan: ...
def load_plan(plan: PlanArg) -> Plan: ...
def run_unit(plan: PlanArg, index: int, parts_dir: str, threads: Optional[int] = ..., progress: Progress = ...) -> str: ...
def run_unit_bytes(plan: PlanArg, index: int, threads: Optional[int] = ..., progress: Progress = ...) -> bytes: ...
def merge(plan: PlanArg, parts_dir: str, out: str, force: bool = ..., charts: bool = ..., threads: Optional[int] = ...) -> Tuple[str, List[str]]: ...
def merge_parts(plan: PlanArg, parts: List[bytes], out: str, force: bool = ..., charts: bool = ..., threads: Optional[int] = ...) -> Tuple[str, List[str]]: ...
