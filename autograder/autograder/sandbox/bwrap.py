"""The bubblewrap command line that puts a kernel in its sandbox, and its scratch folder.

The sandbox starts from an empty root and binds an allowlist, read-only: the system's
programs and libraries (/usr and the /bin, /lib... links or folders), the few files of
/etc that a Python, TensorFlow or matplotlib kernel reads, the Python installation, the
virtual environment, the editable ``dlcourse`` source and the caller's ``ro_binds``.
Nothing of /run (the Unix sockets of host services), /var, /home, /root, /srv, /mnt or
/opt is there unless the interpreter lives in it; /etc/passwd and /etc/group are made up.

The kernel's working folder is a fresh tmpfs of ``Limits.disk_mb`` holding a copy of the
regular files of the submission's folder: each file is opened by the trusted side with
``O_NOFOLLOW`` below a folder descriptor (no symlink, device or fifo is followed or
copied) and bwrap copies its content in from the descriptor (``--file``). The host
folder is never bound; what the kernel writes is discarded with the sandbox.
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from autograder.limits import Limits

# The kernel's working folder in the sandbox (a tmpfs of Limits.disk_mb).
SCRATCH = "/submission"
# System folders bound read-only where they are folders, re-made where they are links.
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What of /etc a kernel reads: the loader's cache, certificates (not private keys), fonts,
# time zone, MIME types, name service and host files, Debian's alternatives links.
_ETC = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl/certs", "ssl/openssl.cnf",
    "ca-certificates", "pki/tls/certs", "fonts", "localtime", "timezone", "mime.types",
    "nsswitch.conf", "host.conf", "hosts", "protocols", "services", "alternatives",
    "os-release", "gai.conf",
)  # fmt: skip
# What some libraries read from /sys: the CPU count and frequency.
_SYS = ("/sys/devices/system/cpu",)


@cache
def bubblewrap_available() -> bool:
    """Whether ``bwrap`` is on PATH and can make the namespaces the sandbox needs.

    bwrap can be installed and still fail (no unprivileged user namespaces, a container
    without the rights to mount), so a trivial sandbox is tried. The answer is cached.
    """
    if shutil.which("bwrap") is None:
        return False
    probe = [
        "bwrap", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "true",
    ]  # fmt: skip
    try:
        done = subprocess.run(probe, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


class Staged:
    """Open file descriptors that bwrap copies into the sandbox (``--file FD DEST``).

    Descriptors reach bwrap through ``pass_fds`` (never inheritable in this process, so a
    kernel started at the same time by another thread cannot get them). Close after the
    kernel started.
    """

    def __init__(self) -> None:
        self.folders: list[str] = []  # relative, parents first
        self.files: list[tuple[str, int, int]] = []  # relative path, mode, descriptor
        self.data: list[tuple[str, int]] = []  # absolute path in the sandbox, descriptor
        self.exclude: tuple[str, ...] = ()  # file name patterns left out

    @classmethod
    def workdir(cls, folder: Path, exclude: Sequence[str] = ()) -> Staged:
        """The regular files and folders below ``folder``, opened without following any
        link; anything else (links, devices, fifos, sockets) is left out, and so are
        files whose name matches a pattern of ``exclude`` (``fnmatch``, e.g. "*.ipynb")."""
        staged = cls()
        staged.exclude = tuple(exclude)
        try:
            top = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                staged._walk(top, "")
            finally:
                os.close(top)
        except BaseException:
            staged.close()
            raise
        return staged

    def _walk(self, folder_fd: int, relative: str) -> None:
        for entry in sorted(os.scandir(folder_fd), key=lambda e: e.name):
            path = f"{relative}{entry.name}"
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
            if entry.is_dir(follow_symlinks=False):
                try:
                    child = os.open(entry.name, flags | os.O_DIRECTORY, dir_fd=folder_fd)
                except OSError:
                    continue  # replaced by a link meanwhile, or unreadable
                try:
                    self.folders.append(path)
                    self._walk(child, f"{path}/")
                finally:
                    os.close(child)
            elif entry.is_file(follow_symlinks=False):
                if any(fnmatch.fnmatch(entry.name, pattern) for pattern in self.exclude):
                    continue
                try:
                    fd = os.open(entry.name, flags, dir_fd=folder_fd)
                except OSError:
                    continue
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):  # swapped for a fifo or device
                    os.close(fd)
                    continue
                os.set_blocking(fd, True)
                # The kernel owns its copies: readable and writable by it, never setuid.
                self.files.append((path, (info.st_mode & 0o755) | 0o600, fd))

    def add_data(self, path: str, content: bytes) -> None:
        """A made-up file at ``path`` in the sandbox (say /etc/passwd)."""
        fd = os.memfd_create("autograder-data", os.MFD_CLOEXEC)
        os.write(fd, content)
        os.lseek(fd, 0, os.SEEK_SET)
        self.data.append((path, fd))

    @property
    def fds(self) -> list[int]:
        return [fd for _, _, fd in self.files] + [fd for _, fd in self.data]

    def copy_to(self, target: Path) -> None:
        """Without bubblewrap: the same copy into a host folder that only this run uses."""
        for folder in self.folders:
            (target / folder).mkdir()
        for relative, mode, fd in self.files:
            os.lseek(fd, 0, os.SEEK_SET)
            out = os.open(target / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                while os.sendfile(out, fd, None, 2**24):
                    pass
            finally:
                os.close(out)

    def close(self) -> None:
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.files, self.data = [], []


def bwrap_command(
    staged: Staged,
    runtime: Path,
    sockets: Path,
    home: str,
    mask: Sequence[Path],
    ro_binds: Sequence[Path],
    limits: Limits,
) -> list[str]:
    """bubblewrap's arguments, up to the kernel's own command.

    ``runtime`` (the connection file) is bound read-only and only ``sockets``, below it,
    writable, for the kernel's ipc sockets: the kernel cannot rewrite its connection file.
    Descriptors in ``staged`` must reach bwrap (``pass_fds``).
    """
    args = ["bwrap"]
    system = [Path(top) for top in _SYSTEM if os.path.lexists(top)]
    for top in system:
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for folder in _SYS:
        args += ["--ro-bind-try", folder, folder]
    staged.add_data("/etc/passwd", _passwd())
    staged.add_data("/etc/group", _group())
    for path, fd in staged.data:
        args += ["--perms", "0644", "--file", str(fd), path]

    # The interpreter and what the caller adds, read-only, parents first; masked folders
    # inside them are hidden, and what is needed under a mask is bound back after it.
    needed = [Path(sys.base_prefix), Path(sys.prefix), *_editable_sources()]
    roots = [folder for folder in system if not folder.is_symlink()]
    binds = [
        folder
        for folder in _folders([*needed, *ro_binds], skip_under=[])
        if not any(folder == top or top in folder.parents for top in roots)
    ]
    binds.sort(key=lambda folder: len(folder.parts))
    for folder in binds:
        args += ["--ro-bind", str(folder), str(folder)]
    visible = [*roots, *binds]
    hidden = [
        folder
        for folder in _folders(mask, skip_under=[])
        if any(top in folder.parents for top in visible)
    ]
    for folder in hidden:
        args += ["--tmpfs", str(folder)]
    for folder in binds:
        if any(top in folder.parents for top in hidden):
            args += ["--ro-bind", str(folder), str(folder)]

    args += ["--dev", "/dev", "--proc", "/proc"]
    memory = str(limits.memory_mb * 2**20)  # a tmpfs holds memory: no more than the budget
    private = [Path("/tmp"), Path("/dev/shm")]
    args += ["--size", memory, "--tmpfs", "/tmp", "--size", memory, "--tmpfs", "/dev/shm"]
    for folder in binds:  # a virtual environment under /tmp (a CI checkout) comes back
        if any(folder == top or top in folder.parents for top in private):
            args += ["--ro-bind", str(folder), str(folder)]
    args += ["--dir", home]
    args += ["--ro-bind", str(runtime), str(runtime), "--bind", str(sockets), str(sockets)]

    args += ["--size", str(limits.disk_mb * 2**20), "--tmpfs", SCRATCH]
    for folder in staged.folders:
        args += ["--perms", "0755", "--dir", f"{SCRATCH}/{folder}"]
    for relative, mode, fd in staged.files:
        args += ["--perms", f"{mode:04o}", "--file", str(fd), f"{SCRATCH}/{relative}"]

    # Last, so bwrap could first make the mount points the binds above needed.
    for folder in [*hidden, Path("/dev"), Path("/")]:  # / is bwrap's own tmpfs
        args += ["--remount-ro", str(folder)]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--die-with-parent"]
    args += ["--new-session"]  # no TIOCSTI into the grader's terminal
    if os.geteuid() == 0:
        args += ["--cap-drop", "ALL"]
    # ipykernel exits when the process JPY_PARENT_PID names is not its parent; in a new
    # pid namespace it never is.
    args += ["--unsetenv", "JPY_PARENT_PID", "--chdir", SCRATCH, "--"]
    return args


def _passwd() -> bytes:
    """The sandbox's /etc/passwd: its own user and nobody, nothing of the host's."""
    uid, gid = os.getuid(), os.getgid()
    lines = [f"{'root' if uid == 0 else 'student'}:x:{uid}:{gid}::/tmp/home:/bin/sh"]
    if uid != 65534:
        lines.append("nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin")
    return ("\n".join(lines) + "\n").encode()


def _group() -> bytes:
    gid = os.getgid()
    lines = [f"{'root' if gid == 0 else 'student'}:x:{gid}:"]
    if gid != 65534:
        lines.append("nogroup:x:65534:")
    return ("\n".join(lines) + "\n").encode()


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
