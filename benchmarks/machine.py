"""What machine a benchmark ran on, and how busy other work kept it meanwhile."""

from __future__ import annotations

import os
import platform
import resource
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _version(package: str) -> str:
    """An installed package's version, or "absent"."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def machine_info() -> dict[str, object]:
    """Cores, memory, OS, Python and engine versions."""
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "tantivy": _version("tantivy"),
        "rjieba": _version("rjieba"),
        "sqlite": sqlite3.sqlite_version,
        "cpu": _cpu_model(),
    }


def _cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, when there is one."""
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _busy_seconds() -> float:
    """CPU seconds all processes on the machine spent busy since boot (0 where /proc is absent)."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return 0.0
    fields = [int(x) for x in stat.read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _CLK_TCK


def _own_seconds() -> float:
    """CPU seconds used by this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class LoadMeter:
    """Measures, over a phase, how many cores other work kept busy besides the benchmark."""

    start_wall: float = field(default_factory=time.perf_counter)
    start_busy: float = field(default_factory=_busy_seconds)
    start_own: float = field(default_factory=_own_seconds)

    def other_cores(self) -> float:
        """Average cores used by other processes since the meter started."""
        wall = time.perf_counter() - self.start_wall
        if wall <= 0:
            return 0.0
        others = (_busy_seconds() - self.start_busy) - (_own_seconds() - self.start_own)
        return max(0.0, others / wall)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (file-backed mapped pages included)."""
    # VmHWM first: ru_maxrss survives execve on Linux, so a child would report its parent's peak.
    hwm = rss_breakdown_mb().get("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_breakdown_mb() -> dict[str, float]:
    """Current RSS split into anonymous and file-backed memory, from /proc/self/status."""
    out: dict[str, float] = {}
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM", "RssAnon", "RssFile"}:
                out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out
