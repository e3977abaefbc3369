"""CPU time and memory of this process's descendants, read from /proc (Linux).

Used by ``bench/ehr_bench.py`` to count the import workers, which run under a fork server
(they are its children, not ours, so ``RUSAGE_CHILDREN`` never sees them).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class Descendants:
    """CPU and peak RSS of this process's descendants (the fork server and its workers).

    CPU: user + system of each live descendant plus what it reaped (the fork server reaps
    the workers), read from /proc at the end. Peak RSS: each worker's VmHWM, sampled every
    0.2 s (a worker's last 0.2 s may be missed; its peak comes earlier).
    """

    def __init__(self) -> None:
        self._peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> tuple[float, float]:
        """(CPU seconds of the descendants, largest descendant peak RSS in MB)."""
        self._done.set()
        self._thread.join()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = sum(sum(map(int, _stat(pid)[11:15])) for pid in _descendants()) / ticks
        return cpu, self._peak_kb / 1024

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            for pid in _descendants():
                self._peak_kb = max(self._peak_kb, _hwm_kb(pid))


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (state is field 0)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ["0"] * 20
    return text.rsplit(")", 1)[1].split()


def _descendants() -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _hwm_kb(pid: int) -> int:
    return _status_kb(pid, "VmHWM:")


def rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmRSS:")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
