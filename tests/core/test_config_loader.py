"""Config loading: defaults, relative paths, and `file:line: key: problem` on every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, MatchingConfig, Secrets, load_config
from bot.yamlio import YamlError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.flows.expiry_hours == 24
    assert Path(config.knowledge_dir) == PROJECT_ROOT / "knowledge"


def test_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing\n"))
    assert config.matching == Config().matching
    assert config.source == str(tmp_path / "config.yaml")


def test_the_example_config_is_valid_and_equals_the_defaults() -> None:
    config = load_config(PROJECT_ROOT / "config.example.yaml")
    defaults = Config()
    for section in ("matching", "flows", "links", "http", "telegram"):
        assert getattr(config, section) == getattr(defaults, section), section


def test_values_are_read_and_relative_paths_resolved(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, (
        "knowledge_dir: kb\nflows_dir: /abs/flows\nlog_level: DEBUG\n"
        "storage:\n  path: data/x.sqlite3\n  retention_days: 30\n"
        "matching:\n  answer_threshold: 70\n  margin: 4.5\n"
        "flows:\n  expiry_hours: 1\n")))
    assert config.knowledge_dir == str(tmp_path / "kb")
    assert config.flows_dir == "/abs/flows"
    assert config.storage.path == str(tmp_path / "data" / "x.sqlite3")
    assert (config.storage.retention_days, config.log_level) == (30, "DEBUG")
    assert (config.matching.answer_threshold, config.matching.margin) == (70, 4.5)
    assert config.matching.suggest_threshold == MatchingConfig().suggest_threshold  # default
    assert config.flows.expiry_hours == 1


@pytest.mark.parametrize(("text", "line", "message"), [
    ("log_level: INFO\ncolour: red\n", 2, "colour: unknown key"),
    ("matching:\n  answer_threshold: high\n", 2,
     "matching.answer_threshold: expected float, got 'high'"),
    ("matching:\n  margin: 3\n  max_suggestions: 2.5\n", 3,
     "matching.max_suggestions: expected int"),
    ("storage:\n  path: x\n  colour: red\n", 3, "storage.colour: unknown key"),
    ("storage: data.sqlite3\n", 1, "storage: expected a mapping"),
    ("\n\ntelegram:\n  mode: carrier-pigeon\n", 4, "telegram.mode: must be one of"),
    ("log_level: LOUD\n", 1, "log_level: must be one of"),
    ("http:\n  port: '8080'\n", 2, "http.port: expected int"),
    ("flows:\n  expiry_hours: true\n", 2, "flows.expiry_hours: expected float"),
    ("links:\n  allow: '*.gov.vn'\n", 2, "links.allow: expected list"),
    ("matching:\n  suggest_threshold: 20\n  answer_threshold: 150\n", 3,
     "matching.answer_threshold: must be between 0 and 100"),
])
def test_invalid_values_say_file_line_key_problem(tmp_path: Path, text: str, line: int,
                                                  message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:{line}: {message}")
    assert (info.value.path, info.value.line) == (str(path), line)


def test_yaml_syntax_error_says_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "matching:\n  margin: 3\n  bad: [unclosed\n")
    with pytest.raises(YamlError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:")
    assert info.value.line >= 3


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "log_level: INFO\nlog_level: DEBUG\n")
    with pytest.raises(YamlError) as info:
        load_config(path)
    assert info.value.line == 2 and "duplicate key" in str(info.value)


def test_a_list_is_not_a_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, "- a\n- b\n"))


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(YamlError):
        load_config(tmp_path / "nope.yaml")


def test_secrets_come_only_from_the_environment(tmp_path: Path) -> None:
    secrets = Secrets.from_env({"DVCBOT_TELEGRAM_TOKEN": " 123:abc ",
                                "DVCBOT_PSEUDONYM_KEY": "k", "TELEGRAM_TOKEN": "ignored"})
    assert secrets.telegram_token == "123:abc" and secrets.pseudonym_key == "k"
    assert Secrets.from_env({}).telegram_token == ""
    with pytest.raises(ConfigError):  # a token in the file is an unknown key, not a secret
        load_config(write(tmp_path, "telegram:\n  token: 123:abc\n"))
