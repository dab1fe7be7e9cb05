"""The bubblewrap command line that puts a kernel in its sandbox."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path


@cache
def bubblewrap_available() -> bool:
    """Whether ``bwrap`` is on PATH and can make the namespaces the sandbox needs.

    bwrap can be installed and still fail (no unprivileged user namespaces, a container
    without the rights to mount), so a trivial sandbox is tried. The answer is cached.
    """
    if shutil.which("bwrap") is None:
        return False
    probe = [
        "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "true",
    ]  # fmt: skip
    try:
        done = subprocess.run(probe, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def bwrap_command(
    workdir: Path,
    runtime: Path,
    home: str,
    mask: Sequence[Path],
    ro_binds: Sequence[Path],
    memory_mb: int,
) -> list[str]:
    """bubblewrap's arguments, up to the kernel's own command."""
    size = str(memory_mb * 2**20)  # a tmpfs holds memory: no more than the whole budget
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/dev/shm"]
    hidden = _folders([*mask, Path("/root"), Path.home()], skip_under=[Path("/tmp")])
    hidden = [folder for folder in hidden if folder != Path("/")]  # a HOME of / hides all
    for folder in hidden:
        args += ["--tmpfs", str(folder)]
    # Put back, read-only, what the kernel needs from under the hidden folders.
    needed = [Path(sys.base_prefix), Path(sys.prefix), *_editable_sources(), *ro_binds]
    for folder in _folders(needed, skip_under=[]):
        args += ["--ro-bind", str(folder), str(folder)]
    for folder in (workdir, runtime):  # the only writable host folders
        args += ["--bind", str(folder), str(folder)]
    args += ["--dir", home]
    # Last, so bwrap could first make the mount points the binds above needed.
    for folder in [*hidden, Path("/dev")]:
        args += ["--remount-ro", str(folder)]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--die-with-parent"]
    args += ["--new-session"]  # no TIOCSTI into the grader's terminal
    if os.geteuid() == 0:
        args += ["--cap-drop", "ALL"]
    # ipykernel exits when the process JPY_PARENT_PID names is not its parent; in a new
    # pid namespace it never is.
    args += ["--unsetenv", "JPY_PARENT_PID", "--chdir", str(workdir), "--"]
    return args


def _folders(paths: Sequence[Path], skip_under: Sequence[Path]) -> list[Path]:
    """Existing folders among ``paths``, resolved, without duplicates or ones in ``skip_under``."""
    found: list[Path] = []
    for path in paths:
        folder = Path(path).resolve()
        if not folder.is_dir() or folder in found:
            continue
        if any(folder == top or top in folder.parents for top in skip_under):
            continue
        found.append(folder)
    return found


def _editable_sources() -> list[Path]:
    """The folders holding the course's editable packages (dlcourse lives in lib/)."""
    spec = importlib.util.find_spec("dlcourse")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(location).parent for location in spec.submodule_search_locations]
