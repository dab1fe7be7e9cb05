"""A throwaway PostgreSQL server for the tests, from Debian's ``postgresql`` package.

``start_server()`` runs initdb and pg_ctl in a fresh folder under /var/tmp: the server
listens only on a Unix socket in that folder (``listen_addresses = ''``: no TCP port),
trusts local connections, and skips every fsync (its data is thrown away). ``stop()``
stops it and removes the folder. The folder is under /var/tmp, not /tmp: /tmp may be a
private mount of the process that created it (a sandbox), and pytest's own temporary
folders are private to their user, while the server may run as another one.

initdb refuses to run as root: as root, the server runs as the ``postgres`` user (made by
Debian's package; ``nobody`` otherwise), which owns the folder. The superuser is always
called ``postgres``.

A kernel in the grading sandbox never sees the socket: the sandbox binds nothing of /var
(see autograder.sandbox.bwrap), and only the trusted grader talks to the gradebook.

``missing_reason()`` says whether the server can be started here; the conftest fixture
skips or fails on it (see ``postgres_server`` in conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

INSTALL_SCRIPT = "scripts/install-system-packages"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file: there is no TCP listener
START_TIMEOUT_S = 60

# Settings of a server whose data does not matter: nothing is synced to disk.
SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "logging_collector": "off",
}


def bin_folder() -> Path | None:
    """The folder of initdb and pg_ctl: Debian's newest version, or the ones on PATH."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def could_install() -> bool:
    """Whether scripts/install-system-packages could have installed PostgreSQL here."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def missing_reason() -> str | None:
    """None when a server can be started here; otherwise why not."""
    if bin_folder() is None:
        return "PostgreSQL's initdb and pg_ctl are not installed (Debian package postgresql)"
    if os.geteuid() == 0 and _server_user() is None:
        return "running as root and there is no 'postgres' or 'nobody' user to run the server"
    return None


def _server_user() -> pwd.struct_passwd | None:
    """The unprivileged user that runs the server when this process is root."""
    for name in (SUPERUSER, "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    return None


@dataclass
class PostgresServer:
    """A running throwaway server; ``folder`` holds its data, log and socket."""

    folder: Path
    bin: Path
    user: pwd.struct_passwd | None  # who runs it, when this process is root

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def socket_folder(self) -> Path:
        return self.folder

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3, Unix socket)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_folder}"

    def create_database(self, prefix: str = "gradebook") -> str:
        """A new empty database with a unique name; its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        """Run one statement (autocommit) as the superuser; its rows, if any."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_folder), port=PORT, user=SUPERUSER, dbname=database,
            autocommit=True,
        ) as connection:  # fmt: skip
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def run(self, *command: str | Path) -> subprocess.CompletedProcess:
        """Run a PostgreSQL program as the server's user."""
        args = [str(part) for part in command]
        if self.user is not None:
            args = [
                "setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                "--clear-groups", "--", *args,
            ]  # fmt: skip
        environment = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        environment.pop("PGDATA", None)
        return subprocess.run(
            args, capture_output=True, text=True, check=False, env=environment,
            cwd=self.folder,
        )  # fmt: skip

    def start(self) -> None:
        initdb = self.run(
            self.bin / "initdb", "--pgdata", self.data, "--username", SUPERUSER,
            "--auth", "trust", "--encoding", "UTF8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed ({initdb.returncode}):\n{initdb.stderr}")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# the tests' throwaway server\n")
            conf.write(f"unix_socket_directories = '{self.socket_folder}'\n")
            for key, value in SETTINGS.items():
                conf.write(f"{key} = {value}\n")
        started = self.run(
            self.bin / "pg_ctl", "start", "--pgdata", self.data, "--log", self.log,
            "--wait", f"--timeout={START_TIMEOUT_S}", "--silent",
        )  # fmt: skip
        if started.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(
                f"pg_ctl start failed ({started.returncode}):\n{started.stderr}\n{log[-3000:]}"
            )

    def stop(self) -> None:
        """Stop the server (fast, then immediate) and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    done = self.run(
                        self.bin / "pg_ctl", "stop", "--pgdata", self.data, "--mode", mode,
                        "--wait", "--timeout=30", "--silent",
                    )  # fmt: skip
                    if done.returncode == 0:
                        break
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server(base: Path | str = "/var/tmp") -> PostgresServer:
    """initdb and start a server in a fresh folder under ``base``; stop() removes it.

    Raises RuntimeError when it cannot start (the message has the server's log).
    """
    bin = bin_folder()
    if bin is None:
        raise RuntimeError(missing_reason())
    user = _server_user() if os.geteuid() == 0 else None
    # Short: a Unix socket's path is limited to about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="pg-test-", dir=base))
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    server = PostgresServer(folder=folder, bin=bin, user=user)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
