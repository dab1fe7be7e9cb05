"""The kernel's process tree: its memory measured, its limits enforced, all of it killed.

Where the kernel runs in control groups (``cgroups.Cgroups``) the kernel's OOM killer
enforces the memory cap and this only reports it (the group's usage, peak and OOM kills);
elsewhere it polls the tree's RSS, and the sandbox's in-memory file systems, itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from typing import Any

import psutil

from autograder.limits import Limits
from autograder.sandbox.bwrap import SCRATCH
from autograder.sandbox.cgroups import Cgroups

POLL_S = 0.1  # how often the watchdog measures memory
WRITABLE_TMPFS = ("/tmp", "/dev/shm", SCRATCH)  # where the sandboxed kernel writes memory


class KernelProcesses:
    """The kernel's process tree: measures its memory, enforces limits, kills all of it.

    ``root`` is the process the kernel manager started: bwrap, or the kernel itself (the
    cgroup launcher execs it, keeping its pid). From the host, processes in bwrap's pid
    namespace are ordinary descendants of it. ``cgroups``: the run's groups, if any.
    """

    def __init__(
        self,
        root: psutil.Process,
        sandboxed: bool,
        limits: Limits,
        cgroups: Cgroups | None = None,
    ) -> None:
        self.root = root
        self.sandboxed = sandboxed
        self.cgroups = cgroups
        self.limit_bytes = limits.memory_mb * 2**20
        self.hard_deadline = float("inf")
        self._peak_bytes = 0
        self._killed_for: str | None = None  # "memory", "notebook_timeout"
        self._kernel: psutil.Process | None = None
        self._seen: set[psutil.Process] = set()  # without a sandbox: kill these too
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kernel-watchdog", daemon=True)

    @property
    def killed_for(self) -> str | None:
        """Why the kernel was stopped, if it was. An OOM kill in the memory group counts
        as soon as the group says so: the cell loop may see the kernel die before the
        watchdog's next look, and must report "memory", not a dead kernel."""
        if self._killed_for is None and self.cgroups is not None and self.cgroups.oom_kills():
            with self._lock:
                if self._killed_for is None:
                    self._killed_for = "memory"
        return self._killed_for

    @property
    def peak_bytes(self) -> int:
        if self.cgroups is not None and self.cgroups.limits_memory:
            return max(self._peak_bytes, self.cgroups.peak_bytes())
        return self._peak_bytes

    def tree(self) -> list[psutil.Process]:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []
        if not self.sandboxed:
            with self._lock:
                self._seen.update(procs)
        return procs

    def kernel_pid(self) -> int | None:
        """The kernel's pid on the host: in the sandbox, the oldest child of bwrap's init."""
        if self._kernel is None:
            if not self.sandboxed:
                self._kernel = self.root
            else:
                with contextlib.suppress(psutil.Error, IndexError, ValueError):
                    init = self.root.children()[0]
                    self._kernel = min(init.children(), key=lambda p: p.create_time())
        return self._kernel.pid if self._kernel else None

    def memory_bytes(self) -> int:
        if self.cgroups is not None and self.cgroups.limits_memory:
            return self.cgroups.memory_bytes()  # every page, memfd and tmpfs included
        total = 0
        for proc in self.tree():
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        if self.sandboxed:  # files in the sandbox's tmpfs are memory too
            with contextlib.suppress(psutil.Error, IndexError, OSError):
                inside = self.root.children()[0].pid
                for mount in WRITABLE_TMPFS:
                    fs = os.statvfs(f"/proc/{inside}/root{mount}")
                    total += (fs.f_blocks - fs.f_bfree) * fs.f_frsize
        return total

    def kill(self, cause: str | None) -> None:
        """SIGKILL the whole tree; ``cause`` (the first one given) says why."""
        with self._lock:
            if cause and self._killed_for is None:
                self._killed_for = cause
        procs = set(self.tree())
        with self._lock:
            procs |= self._seen
        # The kernel manager started root in its own session: its group is root's pid (the
        # check keeps a reused pid safe).
        if self.root.is_running():
            with contextlib.suppress(OSError):
                os.killpg(self.root.pid, signal.SIGKILL)
        for proc in procs:  # psutil checks that a pid was not reused
            with contextlib.suppress(psutil.Error):
                proc.kill()
        if self.cgroups is not None:  # what left the tree (a double fork) is still here
            self.cgroups.kill()

    def start_watchdog(self) -> None:
        self._thread.start()

    def stop_watchdog(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        enforced = self.cgroups is not None and self.cgroups.limits_memory
        while not self._stop.wait(POLL_S):
            used = self.memory_bytes()
            self._peak_bytes = max(self._peak_bytes, used)
            # With a memory group the OOM killer holds the cap (a child it killed ends
            # the whole run, as the polling would); without, this does.
            if self.killed_for == "memory" or (not enforced and used > self.limit_bytes):
                self.kill("memory")
                return
            if time.monotonic() > self.hard_deadline:
                self.kill("notebook_timeout")
                return
            if not self.sandboxed:  # forget the dead, so the set stays small
                with self._lock:
                    self._seen = {proc for proc in self._seen if proc.is_running()}


class ConsoleTail:
    """Drains the kernel's console (stdout and stderr), keeping the last few KB."""

    def __init__(self, stream: Any, keep: int = 4096) -> None:
        self._stream = stream
        self._keep = keep
        self._data = b""
        if stream is not None:
            threading.Thread(target=self._drain, name="kernel-console", daemon=True).start()

    def _drain(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := os.read(self._stream.fileno(), 65536):
                self._data = (self._data + chunk)[-self._keep :]

    def text(self) -> str:
        time.sleep(0.2)  # let the last lines of a kernel that just failed arrive
        return self._data.decode(errors="replace").strip()
