"""Which catalogue the bot uses, its filters, and a running bot picking up a new import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import Reloader, open_assistant
from bot.catalog.effective import bundled_path, effective_catalog, store_path
from bot.catalog.importer import import_files
from bot.config import Config, ConfigError, Secrets, load_config
from bot.core.brain import build_brain
from bot.knowledge.loader import KnowledgeError

DATA = Path(__file__).parent / "data"
REAL = DATA / "real_rows.jsonl"
SECRETS = Secrets(pseudonym_key="catalog-test-key-0123456789")


def config_for(tmp_path: Path, extra: str = "") -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(f"log_level: WARNING\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
                    + extra, encoding="utf-8")
    return load_config(path)


def test_without_an_import_the_bundled_catalogue_is_used(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    assert store_path(config) == tmp_path / "bot.catalog.json.gz"
    catalog = effective_catalog(config)
    assert catalog.source == str(bundled_path())
    assert len(catalog) == 2642
    assert catalog.procedures["1.000178"].name.startswith("Giải quyết khiếu nại")


def test_an_import_replaces_the_bundled_catalogue(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    import_files([REAL], store_path(config))  # type: ignore[arg-type]
    catalog = effective_catalog(config)
    assert catalog.source == str(tmp_path / "bot.catalog.json.gz")
    assert len(catalog) == len(REAL.read_text("utf-8").splitlines())


def test_catalog_path_from_the_config_is_relative_to_the_config(tmp_path: Path) -> None:
    config = config_for(tmp_path, "catalog:\n  path: national/my.json.gz\n")
    assert store_path(config) == tmp_path / "national" / "my.json.gz"


def test_levels_and_fields_keep_what_a_province_serves(tmp_path: Path) -> None:
    every = effective_catalog(config_for(tmp_path))
    local = effective_catalog(config_for(tmp_path, "catalog:\n  levels: [tinh, xa]\n"))
    assert 0 < len(local) < len(every)
    assert all({"tinh", "xa"} & set(p.levels) for p in local.procedures.values())
    assert local.version != every.version
    commune = sum("xa" in p.levels for p in every.procedures.values())
    only_xa = effective_catalog(config_for(tmp_path, "catalog:\n  levels: [xa]\n"))
    assert len(only_xa) == commune
    civil = effective_catalog(config_for(
        tmp_path, "catalog:\n  levels: [tinh, xa]\n  fields: [hộ tịch, 'Đất đai']\n"))
    assert civil.procedures
    assert {p.field for p in civil.procedures.values()} <= {"Hộ tịch", "Đất đai"}
    assert all({"tinh", "xa"} & set(p.levels) for p in civil.procedures.values())


def test_an_unknown_level_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config.yaml:5: catalog.levels: 'huyen' is not"):
        config_for(tmp_path, "catalog:\n  levels: [tinh, huyen]\n")


def test_the_brain_carries_the_catalogue(tmp_path: Path) -> None:
    brain = build_brain(config_for(tmp_path, "catalog:\n  levels: [xa]\n"))
    assert brain.catalog.procedures and all("xa" in p.levels
                                            for p in brain.catalog.procedures.values())


def test_a_damaged_store_is_a_knowledge_error_naming_the_file(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    store = tmp_path / "bot.catalog.json.gz"
    store.write_text("not a catalogue", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=str(store)):
        build_brain(config)


async def test_a_running_bot_picks_up_a_new_import_without_restart(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    store = store_path(config)
    assert store is not None
    async with open_assistant(config, SECRETS) as assistant:
        reloader = Reloader(assistant, config)
        assert len(assistant.brain.catalog) == 2642  # the bundled one
        assert reloader.check() is None
        import_files([REAL], store)
        new = reloader.check()
        assert new is not None and assistant.brain is new
        assert len(new.catalog) == len(REAL.read_text("utf-8").splitlines())
        assert reloader.check() is None

        one = tmp_path / "one.jsonl"
        first = json.loads(REAL.read_text("utf-8").splitlines()[0])
        one.write_text(json.dumps(dict(first, ten_thu_tuc="Tên đã sửa")), encoding="utf-8")
        import_files([one], store)
        newer = reloader.check()
        assert newer is not None and assistant.brain is newer
        assert newer.catalog.procedures[first["ma_thu_tuc"]].name == "Tên đã sửa"
        assert newer.catalog.version != new.catalog.version

        store.write_text("damaged", encoding="utf-8")  # a broken store keeps the last good
        assert reloader.check() is None and assistant.brain is newer
