"""`dvcbot catalog list|show|stats` on the bundled catalogue and on an import."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main

REAL = Path(__file__).parent / "data" / "real_rows.jsonl"


def config(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "config.yaml"
    path.write_text(f"log_level: WARNING\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
                    + extra, encoding="utf-8")
    return str(path)


def test_stats_prints_coverage_per_channel_and_legacy_records(tmp_path: Path, capsys) -> None:
    assert main(["--config", config(tmp_path), "catalog", "stats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("procedures: 2642\n")
    assert "  documents list          " in out
    for channel in ("online (trực tuyến)", "by post (bưu chính)", "in person (trực tiếp)"):
        assert f"  {channel}" in out
    legacy = [line for line in out.splitlines() if line.startswith("legacy wording")]
    assert legacy and int(legacy[0].split(": ")[1].split()[0]) > 0
    assert "1.010385   cấp huyện" in out or "--all lists them" in out


def test_stats_tell_unparsed_figures_from_records_stating_none(tmp_path: Path, capsys) -> None:
    assert main(["--config", config(tmp_path), "catalog", "stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    total = 2642

    def counts(label: str) -> list[int]:
        line = next(x for x in lines if x.startswith(f"  {label} "))
        return [int(x) for x in line.split() if x.isdigit() and int(x) != total]

    parsed_time, parsed_fee = counts("time limit (+ unit)")[0], counts("fee (amount or free)")[0]
    time_unparsed, time_none = counts("no time limit parsed")
    fee_unparsed, fee_none = counts("no fee parsed")
    assert parsed_time + time_unparsed + time_none == total
    assert parsed_fee + fee_unparsed + fee_none == total
    assert time_none > 100 and fee_none > 300  # "Không có thông tin" and empty cells


def test_list_filters_by_level_and_field(tmp_path: Path, capsys) -> None:
    assert main(["--config", config(tmp_path), "catalog", "list", "--level", "xã",
                 "--field", "ho tich"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("xa" in line.split()[1] and "Hộ tịch" in line for line in lines)
    assert main(["--config", config(tmp_path), "catalog", "list", "--level", "huyện"]) == 2


def test_show_prints_the_parsed_procedure(tmp_path: Path, capsys) -> None:
    path = config(tmp_path)
    assert main(["--config", path, "catalog", "import", str(REAL)]) == 0
    capsys.readouterr()
    assert main(["--config", path, "catalog", "show", "1.007740"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1.007740  Thủ tục hải quan đối với hàng hoá xuất khẩu, nhập khẩu")
    assert "truc_tuyen: time 1 [?]; fee 200 VNĐ(200.000 vnđ" in out and "[200,000 đ]" in out
    assert main(["--config", path, "catalog", "show", "9.999999"]) == 1
    assert "unknown procedure code '9.999999'" in capsys.readouterr().err


def test_import_dry_run_reports_and_writes_nothing(tmp_path: Path, capsys) -> None:
    path = config(tmp_path)
    assert main(["--config", path, "catalog", "import", "--dry-run", str(REAL)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("added ") and "dry run: nothing written" in out
    assert not (tmp_path / "bot.catalog.json.gz").exists()
