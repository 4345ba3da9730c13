"""Import: formats, idempotence, bad rows as FILE:line, --replace, interrupted writes."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog import store as store_module
from bot.catalog.importer import _import_lock, import_files
from bot.catalog.parser import TEXT_FIELDS
from bot.catalog.store import CatalogError, load_catalog

DATA = Path(__file__).parent / "data"
REAL = DATA / "real_rows.jsonl"
SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "national" / "tthc-sample.jsonl.gz"
DVCBOT = str(Path(sys.executable).with_name("dvcbot"))


def rows() -> list[dict]:
    return [json.loads(line) for line in REAL.read_text("utf-8").splitlines()]


def dvcbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.yaml"
    if not config.exists():
        config.write_text(f"log_level: WARNING\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n",
                          encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}
    return subprocess.run([DVCBOT, "--config", str(config), "catalog", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_the_sample_imports_2642_procedures_then_nothing_changes(tmp_path: Path) -> None:
    first = dvcbot(tmp_path, "import", str(SAMPLE))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("added 2642, changed 0, unchanged 0\n")
    store = tmp_path / "bot.catalog.json.gz"  # beside the database by default
    assert len(load_catalog(store)) == 2642
    again = dvcbot(tmp_path, "import", str(SAMPLE))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("added 0, changed 0, unchanged 2642\n")


def test_bad_rows_are_named_by_file_and_line_and_the_good_ones_kept(tmp_path: Path) -> None:
    good = REAL.read_text("utf-8").splitlines()
    no_code = {k: v for k, v in rows()[1].items() if k != "ma_thu_tuc"}
    number_name = dict(rows()[2], ten_thu_tuc=12345)
    lines = [good[0], json.dumps(no_code, ensure_ascii=False), good[3],
             json.dumps(number_name, ensure_ascii=False), "", good[4], good[5][:300]]
    bad = tmp_path / "export.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = dvcbot(tmp_path, "import", str(bad))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(bad))]
    assert problems == [f"{bad}:2: no ma_thu_tuc",
                        f"{bad}:4: ten_thu_tuc: expected text, got a number 12345",
                        f"{bad}:7: unreadable JSON: Unterminated string starting at"]
    assert result.stderr.rstrip().endswith("3 bad row(s) skipped")
    assert result.stdout.startswith("added 3, changed 0, unchanged 0\n")
    catalog = load_catalog(tmp_path / "bot.catalog.json.gz")
    assert sorted(catalog.procedures) == sorted(rows()[i]["ma_thu_tuc"] for i in (0, 3, 4))


def test_a_duplicate_code_with_other_content_is_a_bad_row(tmp_path: Path) -> None:
    first, second = rows()[:2]
    same_again = dict(first)
    changed = dict(first, ten_thu_tuc=first["ten_thu_tuc"] + " (sửa)")
    path = tmp_path / "dup.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False)
                              for r in (first, second, same_again, changed)), encoding="utf-8")
    report = import_files([path], tmp_path / "store.json.gz")
    assert report.problems == [f"{path}:4: duplicate ma_thu_tuc {first['ma_thu_tuc']} with "
                               f"different content (first at {path}:1)"]
    assert sorted(report.added) == sorted([first["ma_thu_tuc"], second["ma_thu_tuc"]])
    assert report.catalog is not None
    assert report.catalog.procedures[first["ma_thu_tuc"]].name == first["ten_thu_tuc"]


def write_csv(path: Path, records: list[dict], opener=open) -> None:
    with opener(path, "wt", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(TEXT_FIELDS))
        writer.writeheader()
        writer.writerows(records)


def test_csv_json_array_and_gzip_give_the_same_catalogue(tmp_path: Path) -> None:
    records = rows()
    reference = import_files([REAL], tmp_path / "jsonl.json.gz")
    assert reference.catalog is not None and len(reference.catalog) == len(records)
    array = tmp_path / "rows.json"
    array.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    plain_csv, gz_csv = tmp_path / "rows.csv", tmp_path / "rows.csv.gz"
    write_csv(plain_csv, records)
    write_csv(gz_csv, records, opener=gzip.open)
    gz_array = tmp_path / "rows.json.gz"
    gz_array.write_bytes(gzip.compress(array.read_bytes()))
    for source in (array, plain_csv, gz_csv, gz_array):
        report = import_files([source], tmp_path / f"{source.name}.store.gz")
        assert report.problems == [], source
        assert report.catalog is not None
        assert report.catalog.procedures == reference.catalog.procedures, source
        assert report.catalog.version == reference.catalog.version, source


def test_json_array_and_csv_errors_name_their_line(tmp_path: Path) -> None:
    records = rows()[:3]
    records[1] = dict(records[1], linh_vuc=["Hộ tịch"])
    array = tmp_path / "rows.json"
    array.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
                     + "\n]\n", encoding="utf-8")
    report = import_files([array], tmp_path / "a.gz")
    assert report.problems == [f"{array}:3: linh_vuc: expected text, got a list ['Hộ tịch']"]
    table = tmp_path / "rows.csv"
    write_csv(table, [dict(r, ma_thu_tuc="") if i == 2 else r
                      for i, r in enumerate(rows()[:3])])
    report = import_files([table], tmp_path / "c.gz")
    # Rows hold multi-line texts: the line is where the bad row starts in the file.
    text = table.read_text("utf-8")
    start = text[:text.index(rows()[2]["ten_thu_tuc"])].count("\n") + 1
    assert report.problems == [f"{table}:{start}: no ma_thu_tuc"]
    assert len(report.added) == 2


def test_a_semicolon_csv_and_a_csv_without_the_code_column(tmp_path: Path) -> None:
    table = tmp_path / "excel.csv"
    with open(table, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(TEXT_FIELDS), delimiter=";")
        writer.writeheader()
        writer.writerows(rows()[:2])
    report = import_files([table], tmp_path / "a.gz")
    assert report.problems == [] and len(report.added) == 2
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("code,name\n1.001193,Đăng ký khai sinh\n", encoding="utf-8")
    report = import_files([wrong], tmp_path / "b.gz")
    assert report.problems == [f"{wrong}:1: no ma_thu_tuc column in the header line"]


def test_replace_removes_what_the_new_files_no_longer_hold(tmp_path: Path) -> None:
    store = tmp_path / "store.json.gz"
    import_files([REAL], store)
    keep = tmp_path / "keep.jsonl"
    keep.write_text("\n".join(REAL.read_text("utf-8").splitlines()[:5]), encoding="utf-8")
    merged = import_files([keep], store)
    assert merged.removed == [] and len(merged.unchanged) == 5
    assert merged.catalog is not None and len(merged.catalog) == len(rows())
    replaced = import_files([keep], store, replace=True)
    assert len(replaced.removed) == len(rows()) - 5
    assert len(load_catalog(store)) == 5
    assert replaced.summary(True).endswith(f"removed {len(rows()) - 5}")


def test_replace_keeps_a_procedure_whose_new_row_is_bad(tmp_path: Path) -> None:
    store = tmp_path / "store.json.gz"
    import_files([REAL], store)
    broken = dict(rows()[0], ten_thu_tuc=7)
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps(broken) + "\n" + REAL.read_text("utf-8").splitlines()[1],
                    encoding="utf-8")
    report = import_files([path], store, replace=True)
    assert len(report.problems) == 1
    assert rows()[0]["ma_thu_tuc"] in load_catalog(store).procedures


def test_an_interrupted_import_leaves_the_previous_catalogue(tmp_path: Path,
                                                             monkeypatch) -> None:
    store = tmp_path / "store.json.gz"
    import_files([REAL], store, today=dt.date(2026, 7, 1))
    before = store.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.os, "replace", interrupted)
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps(dict(rows()[0], ten_thu_tuc="Tên mới")), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        import_files([changed], store, replace=True)
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.jsonl", "store.json.gz",
                                                          "store.json.gz.lock"]
    assert load_catalog(store).imported_at == dt.date(2026, 7, 1)


def test_a_second_import_while_one_runs_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store.json.gz"
    with _import_lock(store), pytest.raises(CatalogError, match="another import into this"):
        import_files([REAL], store)
    assert not store.exists()
    assert len(import_files([REAL], store).added) == len(rows())  # the lock was released


def test_a_damaged_store_is_reported_not_overwritten(tmp_path: Path) -> None:
    store = tmp_path / "bot.catalog.json.gz"
    store.write_bytes(b"\x1f\x8b\x08not really gzip")
    result = dvcbot(tmp_path, "import", str(REAL))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{store}: cannot read the catalogue")
    assert store.read_bytes() == b"\x1f\x8b\x08not really gzip"
    with pytest.raises(CatalogError):
        load_catalog(store)


def test_a_truncated_gzip_keeps_its_complete_rows(tmp_path: Path) -> None:
    whole = gzip.compress(REAL.read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    report = import_files([cut], tmp_path / "s.gz")
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{cut}:")
    assert "unreadable JSON" in report.problems[0]
    assert 0 < len(report.added) < len(rows())


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    report = import_files([tmp_path / "nope.jsonl", REAL], tmp_path / "s.gz")
    assert report.problems[0].startswith(f"{tmp_path / 'nope.jsonl'}: cannot read:")
    assert len(report.added) == len(rows())
