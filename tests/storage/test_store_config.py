"""Choosing the store: storage.url, DVCBOT_DATABASE_URL, passwords never in the config file;
the commands (`dvcbot staff`, `report`, `export`, `purge`) on PostgreSQL."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, Secrets, StorageConfig, load_config
from bot.privacy import logfilter
from bot.storage.factory import database_url, describe, open_store, safe_url
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SQLiteStore
from tests.conftest import DVCBOT, FLOWS_DIR, KNOWLEDGE_DIR
from tests.pgcluster import PASSWORD


def test_a_password_in_the_config_file_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    for url in ("postgresql://dvcbot:s3cret-pw@db.example/dvcbot",
                "postgresql://dvcbot@db.example/dvcbot?password=s3cret-pw"):
        path.write_text(f"log_level: INFO\nstorage:\n  url: {url}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert str(caught.value).startswith(f"{path}:3: storage.url: a password")
        assert "DVCBOT_DATABASE_URL" in str(caught.value)
        assert "s3cret-pw" not in str(caught.value)


def test_storage_url_without_password_selects_postgresql(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("storage:\n  url: postgresql://dvcbot@db.example/dvcbot\n", "utf-8")
    config = load_config(path)
    assert isinstance(open_store(config, Secrets()), PostgresStore)
    assert isinstance(open_store(Config(), Secrets()), SQLiteStore)
    path.write_text("storage:\n  url: mysql://x@y/z\n", "utf-8")
    with pytest.raises(ConfigError, match="must start with postgresql://"):
        load_config(path)


def test_the_environment_url_overrides_and_its_password_is_masked_in_logs() -> None:
    config = Config(storage=StorageConfig(url="postgresql://dvcbot@db.example/dvcbot"))
    secrets = Secrets(database_url="postgresql://ops:Very-Secret-99@10.0.0.5:5433/prod")
    assert database_url(config, secrets) == secrets.database_url
    try:
        store = open_store(config, secrets)
        assert describe(store) == "postgresql://ops@10.0.0.5:5433/prod"
        line = logfilter.clean_line("connect failed for password Very-Secret-99 on 10.0.0.5")
        assert "Very-Secret-99" not in line
    finally:
        logfilter.uninstall()
    assert safe_url("postgresql://a@h/d") == "postgresql://a@h/d"


def _dvcbot(config: Path, *args: str, env: dict[str, str], stdin: str = ""
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DVCBOT, "--config", str(config), *args], input=stdin, text=True,
                          capture_output=True, timeout=120, check=False,
                          env={**os.environ, **env}, cwd=config.parent)


def test_commands_work_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    no_password = pg_url.replace(f":{PASSWORD}@", "@")
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge_dir: {KNOWLEDGE_DIR}\nflows_dir: {FLOWS_DIR}\n"
                      f"log_level: WARNING\nstorage:\n  path: {tmp_path / 'no.sqlite3'}\n"
                      f"  url: {no_password}\n", encoding="utf-8")
    by_env = {"DVCBOT_DATABASE_URL": pg_url}
    by_pgpassword = {"PGPASSWORD": PASSWORD}  # libpq's variable, read by the driver
    added = _dvcbot(config, "staff", "add", "chi-lan", "--role", "admin", "--password-stdin",
                    env=by_env, stdin="mat-khau-rat-dai-1\n")
    assert added.returncode == 0, added.stderr
    listed = _dvcbot(config, "staff", "list", env=by_pgpassword)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("chi-lan\tadmin")
    chat = _dvcbot(config, "chat", env=by_env, stdin="lam giay khai sinh\nnuoi ca canh\n")
    assert chat.returncode == 0, chat.stderr
    report = _dvcbot(config, "report", "--format", "json", env=by_pgpassword)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["totals"]["turns"] == 2
    export = _dvcbot(config, "export", "--format", "csv", env=by_env)
    assert export.returncode == 0 and len(export.stdout.strip().splitlines()) == 3
    purge = _dvcbot(config, "purge", "--days", "1", env=by_env)
    assert purge.returncode == 0, purge.stderr
    assert not (tmp_path / "no.sqlite3").exists()  # nothing went to SQLite
    wrong = _dvcbot(config, "report", env={"PGPASSWORD": "wrong-password"})
    assert wrong.returncode == 1 and "wrong-password" not in wrong.stderr + wrong.stdout
    assert wrong.stderr.startswith("cannot open the PostgreSQL database postgresql://dvcbot@")
    assert "Traceback" not in wrong.stderr
