"""The core never imports a chat SDK; `telegram` is imported only by the Telegram channel."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
CORE_PACKAGES = ["core", "language", "knowledge", "matching", "flows", "storage", "privacy"]
CHAT_SDKS = {"telegram", "aiohttp", "zalo", "zalo_bot", "zalo_oa", "bot.channels",
             "bot.httpserver", "bot.runner"}


def imported_modules(path: Path) -> set[str]:
    """Every module name an import statement in `path` names (including relative ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(BOT.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    return any(name == sdk or name.startswith(sdk + ".") for sdk in CHAT_SDKS)


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_import_no_chat_sdk(package: str) -> None:
    files = sorted((BOT / package).rglob("*.py"))
    assert files, f"bot/{package} has no sources"
    offenders = {f"{path.relative_to(BOT.parent)}: {name}"
                 for path in files for name in imported_modules(path) if _forbidden(name)}
    assert not offenders


def test_telegram_is_imported_only_by_the_telegram_channel() -> None:
    allowed = BOT / "channels" / "telegram"
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if allowed in path.parents:
            continue
        for name in imported_modules(path):
            if name == "telegram" or name.startswith("telegram."):
                offenders.append(f"{path.relative_to(BOT.parent)}: {name}")
    assert not offenders


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    probe = BOT / "core" / "assistant.py"
    assert "bot.config" in imported_modules(probe)
    assert _forbidden("telegram.ext") and _forbidden("aiohttp") and not _forbidden("aiosqlite")


def test_importing_the_core_loads_no_chat_sdk_at_runtime() -> None:
    modules = [f"bot.{p}" for p in CORE_PACKAGES] + ["bot.core.assistant", "bot.core.router",
                                                     "bot.storage.sqlite", "bot.flows.engine"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('telegram', 'aiohttp') or m.startswith('bot.channels'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""
