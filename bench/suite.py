"""What every benchmark workload shares: the figure it reports, timing by median, peak memory.

A workload is a module in ``bench/workloads/`` with ``QUICK_SCALE`` (the fraction of its full size
``--quick`` runs) and ``run(scale, repeats) -> list[Figure]``. ``bench/run.py`` runs each one in a
fresh process, so the peak memory a workload reports is its own.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

_TARGET = re.compile(r"^\s*(>=|<=|==|<|>)\s*([0-9.eE+-]+)\s*$")
_OPERATORS = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass
class Figure:
    """One measured figure, next to the anchor it is judged against and its target."""

    key: str  # stable across commits, e.g. "city.rows_per_s"
    label: str  # what a reader of the table sees
    value: float
    unit: str  # "rows/s", "s", "MiB", "requests", "letters/s"
    target: str | None = None  # ">= 2000000", "< 4096", "== 3"
    anchor: str | None = None  # what the value is compared with, measured in the same run
    anchor_value: float | None = None
    size: float | None = None  # the work done (rows, letters): growth is judged per size
    exact: bool = False  # a count, not a timing: --quick fails when it misses its target
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.anchor_value:
            return None
        return self.value / self.anchor_value

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        match = _TARGET.match(self.target)
        if match is None:
            raise ValueError(f"{self.key}: target {self.target!r} is not like '>= 2000000'")
        return _OPERATORS[match[1]](self.value, float(match[2]))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"ratio": self.ratio, "met": self.met}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def median_seconds(work: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The median wall time of ``repeats`` calls of ``work``, and the last call's result."""
    times, result = [], None
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


class PeakMemory:
    """The process's peak resident memory (MiB) while a block runs.

    Linux lets a process reset its own high-water mark (``/proc/self/clear_refs``), so the figure
    is the block's own peak, the data it started with included. Elsewhere a thread samples RSS.
    """

    def __init__(self) -> None:
        self.mib = 0.0

    @contextmanager
    def measure(self) -> Iterator[PeakMemory]:
        if _reset_high_water_mark():
            yield self
            self.mib = _high_water_mark_kib() / 1024
            return
        stop = threading.Event()
        process = psutil.Process()
        peak = [process.memory_info().rss]

        def sample() -> None:
            while not stop.wait(0.005):
                peak[0] = max(peak[0], process.memory_info().rss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield self
        finally:
            stop.set()
            sampler.join()
            self.mib = max(peak[0], process.memory_info().rss) / 2**20


def _reset_high_water_mark() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _high_water_mark_kib() > 0


def _high_water_mark_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
