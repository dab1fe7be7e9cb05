"""Control groups: memory, process and CPU limits the kernel cannot escape.

The polling watchdog (``watchdog.KernelProcesses``) sums the RSS of a process tree every
0.1 s. That misses memory no process maps (a ``memfd`` or tmpfs file whose descriptor was
passed around, pages of a process that forked away), a fork bomb between two polls, and
CPU altogether. The kernel's own cgroup controllers charge every page (anonymous memory,
page cache, tmpfs, ``/dev/shm``, memfd) and every task (threads included) to the group of
the process that made it, and throttle the group's CPU time, whatever the kernel does.

Per execution, one group is made per controller **below this process's own group** (read
from /proc/self/cgroup; never elsewhere in the hierarchy): in the unified (v2) hierarchy
for the controllers it has, in the v1 hierarchies (``memory``, ``pids``, ``cpu``) for the
rest. The kernel is put in them before it runs anything: its command starts with a
``/bin/sh`` launcher that writes its own pid to each group's ``cgroup.procs`` and then
execs bubblewrap (children inherit their parent's groups). Afterwards every process
still in a group is killed (``cgroup.kill`` on v2, SIGKILL through a pidfd otherwise, so
a reused pid is never hit) and the groups are removed.

Where no controller is writable (not root, no systemd delegation) the limits fall back to
polling, and one warning says what is missing.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.limits import Limits

log = logging.getLogger("autograder.sandbox")

CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000  # the CFS period; the quota is ``cpus`` times it
_REMOVE_TIMEOUT_S = 5.0

# Writes its own pid to each file named before "--", then execs the rest: everything the
# kernel (and bwrap) starts is in the groups from its first instruction. It fails closed.
_LAUNCHER = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


@dataclass(frozen=True)
class _Parents:
    """Where this process may make groups: its own group, by controller."""

    v2: Path | None  # this process's group in the unified hierarchy, if it gives any
    v2_controllers: tuple[str, ...]  # controllers made available there
    v1: dict[str, Path]  # controller -> this process's group in that v1 hierarchy
    missing: tuple[str, ...]  # controllers with no writable group


@dataclass
class Cgroups:
    """One execution's groups, their limits, what they saw; ``remove()`` ends them."""

    groups: dict[str, Path]  # controller -> group folder
    v2: Path | None = None  # the v2 group, when some controllers are there
    _peak: int = field(default=0, repr=False)

    @classmethod
    def create(cls, limits: Limits) -> Cgroups | None:
        """Groups for one execution under ``limits``; None where no controller is writable."""
        parents = _parents()
        if not parents.v2_controllers and not parents.v1:
            return None
        name = f"autograder-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        made = cls(groups={})
        try:
            if parents.v2 is not None and parents.v2_controllers:
                made.v2 = parents.v2 / name
                made.v2.mkdir()
                for controller in parents.v2_controllers:
                    made.groups[controller] = made.v2
            for controller, parent in parents.v1.items():
                if controller not in made.groups:
                    folder = parent / name
                    folder.mkdir()
                    made.groups[controller] = folder
            made._set_limits(limits)
        except OSError:
            made.remove()
            raise
        return made

    def _set_limits(self, limits: Limits) -> None:
        memory = str(limits.memory_mb * 2**20)
        quota = max(1000, math.ceil(limits.cpus * CPU_PERIOD_US))  # the kernel's minimum
        if (group := self.groups.get("memory")) is not None:
            if group == self.v2:
                _write(group / "memory.max", memory)
                _write(group / "memory.swap.max", "0", optional=True)
                _write(group / "memory.oom.group", "1", optional=True)  # kill all, not one
            else:
                _write(group / "memory.limit_in_bytes", memory)
                _write(group / "memory.memsw.limit_in_bytes", memory, optional=True)
                _write(group / "memory.swappiness", "0", optional=True)
        if (group := self.groups.get("pids")) is not None:
            _write(group / "pids.max", str(limits.processes))
        if (group := self.groups.get("cpu")) is not None:
            if group == self.v2:
                _write(group / "cpu.max", f"{quota} {CPU_PERIOD_US}")
            else:
                _write(group / "cpu.cfs_period_us", str(CPU_PERIOD_US))
                _write(group / "cpu.cfs_quota_us", str(quota))

    def launcher(self) -> list[str]:
        """The command prefix that moves the kernel into the groups before it runs."""
        procs = [str(folder / "cgroup.procs") for folder in dict.fromkeys(self.groups.values())]
        return ["/bin/sh", "-c", _LAUNCHER, "autograder-cgroup", *procs, "--"]

    @property
    def limits_memory(self) -> bool:
        return "memory" in self.groups

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer ended in the group: the memory cap."""
        group = self.groups.get("memory")
        if group is None:
            return 0
        name = "memory.events" if group == self.v2 else "memory.oom_control"
        return _field(group / name, "oom_kill")

    def memory_bytes(self) -> int:
        """What the group holds now: processes' memory, page cache, tmpfs, memfd."""
        group = self.groups.get("memory")
        if group is None:
            return 0
        name = "memory.current" if group == self.v2 else "memory.usage_in_bytes"
        used = _number(group / name)
        self._peak = max(self._peak, used)
        return used

    def peak_bytes(self) -> int:
        """The most the group held (v1 keeps it; on v2, memory.peak or what was seen)."""
        group = self.groups.get("memory")
        if group is None:
            return 0
        name = "memory.peak" if group == self.v2 else "memory.max_usage_in_bytes"
        with contextlib.suppress(OSError, ValueError):
            self._peak = max(self._peak, _number(group / name))
        return self._peak

    def cpu_seconds(self) -> float:
        """CPU time used by the group, where a controller counts it (else 0)."""
        group = self.groups.get("cpu")
        with contextlib.suppress(OSError, ValueError):
            if group is not None and group == self.v2:
                return _field(group / "cpu.stat", "usage_usec") / 1e6
            if group is not None:  # v1: cpuacct is often mounted with cpu
                return _number(group / "cpuacct.usage") / 1e9
        return 0.0

    def kill(self) -> None:
        """SIGKILL every process in the groups (new ones too, until none is left)."""
        folders = list(dict.fromkeys(self.groups.values()))
        if self.v2 is not None:
            _write(self.v2 / "cgroup.kill", "1", optional=True)
        deadline = time.monotonic() + _REMOVE_TIMEOUT_S
        while time.monotonic() < deadline:
            pids = {pid for folder in folders for pid in _pids(folder)}
            if not pids:
                return
            for pid in pids:
                _kill(pid, folders)
            time.sleep(0.01)
        log.warning("processes of a sandboxed kernel survived SIGKILL: %s", sorted(pids))

    def remove(self) -> None:
        """Kill what is left, then remove the groups (retrying while the last ones exit)."""
        self.kill()
        for folder in dict.fromkeys(self.groups.values()):
            deadline = time.monotonic() + _REMOVE_TIMEOUT_S
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        log.warning("could not remove the cgroup %s: %s", folder, error)
                        break
                    self.kill()
                    time.sleep(0.01)


@cache
def _parents() -> _Parents:
    """Where groups can be made, found once; warns once about what is missing."""
    mounts = _mounts()
    own = _own_groups()
    v2, v2_controllers = None, ()
    if "" in own and "cgroup2" in mounts:
        mount_root, mountpoint = mounts["cgroup2"]
        folder = _under(mountpoint, mount_root, own[""])
        if folder is not None and os.access(folder, os.W_OK):
            v2, v2_controllers = folder, _enable_v2(folder)
    v1: dict[str, Path] = {}
    for controller in CONTROLLERS:
        if controller in v2_controllers or controller not in mounts or controller not in own:
            continue
        mount_root, mountpoint = mounts[controller]
        folder = _under(mountpoint, mount_root, own[controller])
        if folder is not None and os.access(folder, os.W_OK):
            v1[controller] = folder
    missing = tuple(c for c in CONTROLLERS if c not in v2_controllers and c not in v1)
    if missing:
        limit = {"memory": "memory", "pids": "processes", "cpu": "CPU"}
        log.warning(
            "cgroups: no writable %s controller below this process's group (not root, and "
            "no delegation such as `systemd-run --user --scope -p Delegate=yes`): the %s "
            "limit%s fall back to polling or do not hold",
            ", ".join(missing),
            ", ".join(limit[c] for c in missing),
            "s" if len(missing) > 1 else "",
        )
    return _Parents(v2, v2_controllers, v1, missing)


def _enable_v2(folder: Path) -> tuple[str, ...]:
    """Controllers of ours that children of ``folder`` can have (enabling them if we may).

    v2 lets a group hand controllers to children only while it holds no process itself
    (the root group excepted): where enabling fails with EBUSY, this process's group
    members move to a leaf ``autograder-grader`` first, as systemd's delegation expects.
    """
    available = _read(folder / "cgroup.controllers").split()
    wanted = [c for c in CONTROLLERS if c in available]
    enabled = set(_read(folder / "cgroup.subtree_control").split())
    for controller in wanted:
        if controller in enabled:
            continue
        try:
            _write(folder / "cgroup.subtree_control", f"+{controller}")
        except OSError as error:
            if error.errno != errno.EBUSY:
                continue
            with contextlib.suppress(OSError):
                leaf = folder / "autograder-grader"
                leaf.mkdir(exist_ok=True)
                for pid in _pids(folder):
                    _write(leaf / "cgroup.procs", str(pid), optional=True)
                _write(folder / "cgroup.subtree_control", f"+{controller}")
        enabled = set(_read(folder / "cgroup.subtree_control").split())
    return tuple(c for c in wanted if c in enabled)


def _mounts() -> dict[str, tuple[str, Path]]:
    """cgroup mounts from /proc/self/mountinfo: "cgroup2" or a v1 controller ->
    (the hierarchy's folder that is mounted, where)."""
    found: dict[str, tuple[str, Path]] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            left, _, right = line.partition(" - ")
            fields, after = left.split(), right.split()
            if len(fields) < 5 or len(after) < 3:
                continue
            root, mountpoint = fields[3], Path(_unescape(fields[4]))
            if after[0] == "cgroup2":
                found.setdefault("cgroup2", (root, mountpoint))
            elif after[0] == "cgroup":
                for option in after[2].split(","):
                    if option in CONTROLLERS:
                        found.setdefault(option, (root, mountpoint))
    return found


def _own_groups() -> dict[str, str]:
    """This process's group per v1 controller, and under "" its v2 group."""
    own: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path
    return own


def _under(mountpoint: Path, mount_root: str, group: str) -> Path | None:
    """The folder of ``group`` where its hierarchy's ``mount_root`` is mounted, if visible."""
    if group != mount_root and not group.startswith(mount_root.rstrip("/") + "/"):
        return None
    folder = mountpoint / group[len(mount_root) :].lstrip("/")
    return folder if (folder / "cgroup.procs").is_file() else None


def _unescape(path: str) -> str:
    return path.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")


def _pids(folder: Path) -> list[int]:
    with contextlib.suppress(OSError, ValueError):
        return [int(pid) for pid in _read(folder / "cgroup.procs").split()]
    return []


def _kill(pid: int, folders: list[Path]) -> None:
    """SIGKILL ``pid`` only while it is still in one of ``folders`` (a pidfd pins it)."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return  # gone already
    try:
        groups = Path(f"/proc/{pid}/cgroup").read_text()
        names = {folder.name for folder in folders}
        if any(line.rsplit("/", 1)[-1] in names for line in groups.splitlines()):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(pidfd)


def _read(path: Path) -> str:
    return path.read_text()


def _number(path: Path) -> int:
    return int(_read(path).split()[0])


def _field(path: Path, key: str) -> int:
    """The value of ``key`` in a "key value" per line file such as memory.events."""
    with contextlib.suppress(OSError, ValueError):
        for line in _read(path).splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    return 0


def _write(path: Path, value: str, optional: bool = False) -> None:
    try:
        with open(path, "w") as file:
            file.write(value)
    except OSError:
        if not optional:
            raise
