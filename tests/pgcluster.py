"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

The server runs as an unprivileged user (initdb refuses root), listens on 127.0.0.1 on a free
port, asks for a password over TCP (so the password code paths are real) and is stopped at
the end of the test session. Each test gets its own database (`fresh_database`).

When PostgreSQL cannot be started the tests that need it FAIL with the reason; set
DVCBOT_SKIP_POSTGRES=1 to skip them instead (documented in README.md).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

SUPERUSER = "dvcbot"
PASSWORD = "test-only-pw-7f3c"  # a throwaway cluster's password, on loopback only
SKIP_ENV = "DVCBOT_SKIP_POSTGRES"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started; the message says why and what to do."""


def find_bindir() -> Path:
    """Debian's /usr/lib/postgresql/<ver>/bin (newest), else `initdb` on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name)
                        if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable("no initdb found (install Debian's `postgresql`: `make postgres`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    """A running throwaway server."""

    root: Path
    port: int
    bindir: Path
    as_user: list[str]

    def url(self, database: str = "postgres", *, password: bool = True) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql://{SUPERUSER}{secret}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True,
                              check=False, timeout=120)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                  "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _as_user(root: Path) -> list[str]:
    """Run as `postgres` (or `nobody`) when we are root; as ourselves otherwise."""
    if os.geteuid() != 0:
        return []
    import pwd
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            for path in (root, *root.rglob("*")):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            return ["runuser", "-u", name, "--"]
    raise PostgresUnavailable("running as root and no `postgres` or `nobody` user to run as")


def start_cluster() -> PgCluster:
    """initdb + pg_ctl start; raises PostgresUnavailable with the server's own words."""
    try:
        return _start(find_bindir())
    except (OSError, subprocess.SubprocessError) as exc:
        raise PostgresUnavailable(f"cannot run PostgreSQL's programs: {exc}") from exc


def _start(bindir: Path) -> PgCluster:
    root = Path(tempfile.mkdtemp(prefix="dvcbot-pg-"))
    (root / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    as_user = _as_user(root)
    cluster = PgCluster(root, _free_port(), bindir, as_user)
    init = cluster._run(str(bindir / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER,
                        "--pwfile", str(root / "pw"), "--auth-local=trust",
                        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-800:]}")
    for _ in range(3):  # another process may take the free port before the server does
        options = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {root}"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                   " -c max_connections=200")
        start = cluster._run(str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l",
                             str(root / "server.log"), "-o", options, "-w", "-t", "60", "start")
        if start.returncode == 0:
            break
        cluster.port = _free_port()
    if start.returncode != 0:
        log = (root / "server.log").read_text(encoding="utf-8", errors="replace")[-800:]
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"pg_ctl start failed: {start.stderr.strip()}\n{log}")
    return cluster


_numbers = itertools.count(1)


async def fresh_database(cluster: PgCluster) -> str:
    """CREATE DATABASE t_<n> TEMPLATE template0 and return its URL (with the password)."""
    name = f"t_{os.getpid()}_{next(_numbers)}"
    conn = await asyncpg.connect(cluster.url())
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    finally:
        await conn.close()
    return cluster.url(name)
