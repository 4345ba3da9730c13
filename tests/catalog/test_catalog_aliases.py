"""Names people use for catalogue procedures (knowledge/aliases.yaml): loading and ranking."""

from __future__ import annotations

from bot.catalog.aliases import FILE_NAME, load_aliases, unknown_alias_codes
from bot.cli import main
from bot.config import load_config
from bot.core.brain import build_brain

# "Cấp giấy phép chặt hạ, dịch chuyển cây xanh": people say "đốn cây", the name says "chặt hạ".
CODE = "1.002693"
QUESTION = "xin phep don cay sua truoc nha o dau"


def test_bad_entries_are_reported_with_their_line_and_good_ones_kept(tmp_path) -> None:
    (tmp_path / FILE_NAME).write_text(
        "aliases:\n"
        '  "1.000001":\n'
        "    - sang tên sổ đỏ\n"
        '  "1.000002": a name, not a list\n'
        '  "1.000003":\n'
        "    - ''\n"
        "    - Sang ten so do\n"
        "    - đốn cây\n"
        "extra: 1\n", encoding="utf-8")
    aliases, errors = load_aliases(tmp_path)
    found = sorted((e.line, e.problem) for e in errors)
    assert found == [(4, "aliases: 1.000002: expected a list of names"),
                     (6, "aliases: 1.000003: empty name"),
                     (7, "aliases: 1.000003: 'Sang ten so do' is already a name of 1.000001"),
                     (9, "unknown top-level key 'extra'")]
    assert aliases == {"1.000001": ("sang tên sổ đỏ",), "1.000003": ("đốn cây",)}
    assert all(str(e).startswith(f"{tmp_path / FILE_NAME}:") for e in errors)
    assert unknown_alias_codes(tmp_path, aliases, {"1.000001"}) == [
        f"{tmp_path / FILE_NAME}: aliases: 1.000003 is not in the catalogue"]


def test_an_alias_brings_its_procedure_first(kb_copy) -> None:
    path = kb_copy.knowledge / FILE_NAME
    path.unlink(missing_ok=True)
    config = load_config(str(kb_copy.config_path))
    before = build_brain(config).index.match(QUESTION)
    assert before.best is None or before.best.topic_id != f"tthc-{CODE}"
    path.write_text(f'aliases:\n  "{CODE}":\n    - xin phép đốn cây\n', encoding="utf-8")
    after = build_brain(config).index.match(QUESTION)
    assert after.best is not None and after.best.topic_id == f"tthc-{CODE}"


def test_kb_check_names_the_bad_line(kb_copy, capsys) -> None:
    (kb_copy.knowledge / FILE_NAME).write_text('aliases:\n  "1.002693": đốn cây\n',
                                               encoding="utf-8")
    assert main(["--config", str(kb_copy.config_path), "kb", "check"]) == 1
    err = capsys.readouterr().err
    assert f"{kb_copy.knowledge / FILE_NAME}:2: aliases: 1.002693: expected a list" in err
