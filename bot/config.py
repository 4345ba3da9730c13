"""Configuration: typed sections loaded from YAML with `file:line: key: problem` errors.

Secrets never live in the file: they are read from environment variables (see `Secrets`).
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.datapaths import bundled_dir
from bot.yamlio import LineDict, YamlError, load_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class StorageConfig:
    """Where the SQLite file (or the PostgreSQL database) lives and how long logs are kept."""

    path: str = "data/dvcbot.sqlite3"
    retention_days: int = 365
    url: str = ""  # postgresql://user@host/db: PostgreSQL instead of the SQLite file


@dataclass
class MatchingConfig:
    """Score thresholds (0-100) for the three outcomes: answer, suggest, fallback."""

    answer_threshold: float = 54.0
    suggest_threshold: float = 30.0
    margin: float = 8.0
    max_suggestions: int = 3


@dataclass
class FlowsConfig:
    """Guided flows: after `expiry_hours` idle, a returning citizen is asked to resume."""

    expiry_hours: float = 24.0


@dataclass
class LinksConfig:
    """Host patterns that answers may link to; `*.gov.vn` matches every subdomain."""

    allow: list[str] = field(default_factory=lambda: [
        "*.gov.vn",
        "apps.apple.com/vn/app/vneid/*",
        "play.google.com/store/apps/details?id=com.vnid",
    ])


@dataclass
class HttpConfig:
    """The one aiohttp server shared by webhooks, /healthz and staff pages."""

    host: str = "127.0.0.1"
    port: int = 8080


@dataclass
class TelegramConfig:
    """Telegram Bot API channel; the token comes from DVCBOT_TELEGRAM_TOKEN."""

    enabled: bool = True
    mode: str = "polling"
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    username: str = ""
    webhook_url: str = ""
    webhook_path: str = "/telegram/webhook"
    staff_ids: list[int] = field(default_factory=list)


@dataclass
class ZaloBotConfig:
    """Zalo Bot Platform channel; the token comes from DVCBOT_ZALO_BOT_TOKEN."""

    enabled: bool = True
    mode: str = "polling"
    base_url: str = "https://bot-api.zaloplatforms.com"
    webhook_url: str = ""
    webhook_path: str = "/zalo-bot/webhook"


@dataclass
class ZaloOAConfig:
    """Zalo Official Account channel; keys come from DVCBOT_ZALO_OA_* variables."""

    enabled: bool = True
    app_id: str = ""
    base_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    webhook_path: str = "/zalo-oa/webhook"
    max_event_age_seconds: int = 300
    reply_reference: str = "quote"


@dataclass
class StaffConfig:
    """The staff web console under /staff/ on the shared HTTP server (bot/staff/)."""

    enabled: bool = False
    bot_name: str = "Trợ lý Dịch vụ công"
    session_hours: int = 8
    secure_cookie: str = "auto"  # auto (HTTPS, or said by a trusted proxy) | always | never
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    zalo_qr_url: str = ""  # the Zalo bot's or OA's own link, printed as a QR code on posters


@dataclass
class CatalogConfig:
    """The national procedure catalogue: where imports are stored and what this office serves."""

    path: str = ""  # "" = beside the database: data/dvcbot.sqlite3 -> data/dvcbot.catalog.json.gz
    levels: list[str] = field(default_factory=list)  # bo | tinh | xa | khac; empty = all
    fields: list[str] = field(default_factory=list)  # linh_vuc names; empty = all


@dataclass
class Config:
    """The whole configuration; every key is documented in config.example.yaml."""

    knowledge_dir: str = str(bundled_dir("knowledge"))  # the checkout's, or the wheel's copy
    flows_dir: str = str(bundled_dir("flows"))
    log_level: str = "INFO"
    storage: StorageConfig = field(default_factory=StorageConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    flows: FlowsConfig = field(default_factory=FlowsConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    zalo_bot: ZaloBotConfig = field(default_factory=ZaloBotConfig)
    zalo_oa: ZaloOAConfig = field(default_factory=ZaloOAConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    catalog: CatalogConfig = field(default_factory=CatalogConfig)
    source: str = field(default="(built-in defaults)", metadata={"internal": True})


@dataclass(frozen=True)
class Secrets:
    """Secrets read from the environment, never from a file."""

    telegram_token: str = ""
    telegram_webhook_secret: str = ""
    zalo_bot_token: str = ""
    zalo_bot_webhook_secret: str = ""
    zalo_oa_secret_key: str = ""
    zalo_oa_app_secret: str = ""
    zalo_oa_refresh_token: str = ""
    zalo_oa_access_token: str = ""
    pseudonym_key: str = ""
    database_url: str = ""  # DVCBOT_DATABASE_URL: full PostgreSQL URL, overrides storage.url

    @classmethod
    def from_env(cls, env: typing.Mapping[str, str] | None = None) -> Secrets:
        """Read every secret from `DVCBOT_<NAME>` variables.

        Args:
            env: the environment; defaults to `os.environ`.

        Returns:
            The secrets, empty strings where a variable is unset.
        """
        env = os.environ if env is None else env
        values = {f.name: env.get(f"DVCBOT_{f.name.upper()}", "").strip()
                  for f in dataclasses.fields(cls)}
        return cls(**values)


_CHOICES = {
    ("telegram", "mode"): ("polling", "webhook"),
    ("zalo_bot", "mode"): ("polling", "webhook"),
    ("zalo_oa", "reply_reference"): ("quote", "recipient", "none"),
    ("staff", "secure_cookie"): ("auto", "always", "never"),
    ("", "log_level"): ("DEBUG", "INFO", "WARNING", "ERROR"),
}
_PATH_KEYS = {("", "knowledge_dir"), ("", "flows_dir"), ("storage", "path"),
              ("catalog", "path")}
_CATALOG_LEVELS = ("bo", "tinh", "xa", "khac")


class ConfigError(YamlError):
    """An invalid configuration value; `str()` is `file:line: key: problem`."""


def _check_value(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (list, tuple):
        (item,) = typing.get_args(hint)[:1]
        return isinstance(value, list) and all(_check_value(v, item) for v in value)
    if origin in (typing.Union, types.UnionType):
        return any(_check_value(value, h) for h in typing.get_args(hint))
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _apply(target: Any, data: LineDict, path: str, section: str, base: Path) -> None:
    hints = typing.get_type_hints(type(target))
    fields = {f.name: f for f in dataclasses.fields(target) if not f.metadata.get("internal")}
    for key, value in data.items():
        line = data.line_of(key)
        dotted = f"{section}.{key}" if section else key
        if key not in fields:
            raise ConfigError(path, line, f"{dotted}: unknown key")
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, LineDict):
                raise ConfigError(path, line, f"{dotted}: expected a mapping")
            _apply(getattr(target, key), value, path, key, base)
            continue
        if value is None:
            continue
        if not _check_value(value, hint):
            name = getattr(hint, "__name__", str(hint))
            raise ConfigError(path, line, f"{dotted}: expected {name}, got {value!r}")
        choices = _CHOICES.get((section, key))
        if choices and value not in choices:
            raise ConfigError(path, line, f"{dotted}: must be one of {', '.join(choices)}")
        if (section, key) in _PATH_KEYS and value:
            value = str((base / value).resolve()) if not Path(value).is_absolute() else value
        setattr(target, key, value)


def _line_of(data: LineDict, dotted: str) -> int:
    """The line of a dotted key ("matching.answer_threshold"), or of its nearest parent."""
    node: object = data
    line = data.line
    for part in dotted.split("."):
        if not isinstance(node, LineDict) or part not in node:
            break
        line = node.line_of(part)
        node = node[part]
    return line


def load_config(path: str | Path | None) -> Config:
    """Load and validate a config file; `None` gives the built-in defaults.

    Args:
        path: the YAML file. Relative paths inside it are resolved from its folder.

    Returns:
        The validated Config.

    Raises:
        YamlError: the file is unreadable, is not YAML, or has an invalid key or value.
    """
    config = Config()
    if path is None:
        return config
    data = load_file(path)
    if data is None:
        data = LineDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, LineDict):
        raise ConfigError(path, getattr(data, "line", 1), "the config must be a mapping")
    _apply(config, data, str(path), "", Path(path).resolve().parent)
    numbers = [("matching.answer_threshold", config.matching.answer_threshold),
               ("matching.suggest_threshold", config.matching.suggest_threshold)]
    for name, number in numbers:
        if not 0 <= number <= 100:
            raise ConfigError(path, _line_of(data, name), f"{name}: must be between 0 and 100")
    bad_levels = [x for x in config.catalog.levels if x not in _CATALOG_LEVELS]
    if bad_levels:
        raise ConfigError(path, _line_of(data, "catalog.levels"),
                          f"catalog.levels: {bad_levels[0]!r} is not one of "
                          f"{', '.join(_CATALOG_LEVELS)}")
    _check_storage_url(path, data, config.storage.url)
    config.source = str(path)
    return config


def _check_storage_url(path: str | Path, data: LineDict, url: str) -> None:
    """storage.url: a PostgreSQL URL without a password (secrets never live in the file)."""
    if not url:
        return
    line = _line_of(data, "storage.url")
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(path, line, "storage.url: must start with postgresql://")
    parts = urlsplit(url)
    if parts.password is not None or "password" in parse_qs(parts.query):
        raise ConfigError(path, line, "storage.url: a password must not be written in the "
                          "config file; put it in DVCBOT_DATABASE_URL (the full URL), "
                          "PGPASSWORD or ~/.pgpass")
