"""`dvcbot offices import` and the commune dialogue: ask, remember, map old names, hours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.assistant import Assistant
from bot.offices import store
from bot.offices.hours import HoursError, next_opening, parse_hours
from bot.offices.loader import OfficesError, load_offices
from bot.privacy.pseudonym import Pseudonymizer
from tests.conftest import PROJECT_ROOT, TEST_KEY

EXAMPLE = PROJECT_ROOT / "examples" / "offices-lai-chau.yaml"
VN = dt.timezone(dt.timedelta(hours=7))
FRIDAY_10AM = dt.datetime(2026, 12, 4, 10, 0, tzinfo=VN).timestamp()
FRIDAY_8PM = dt.datetime(2026, 12, 4, 20, 0, tzinfo=VN).timestamp()


@pytest.fixture
def office_assistant(tmp_path, brain, config, store, clock) -> Assistant:
    """An assistant whose database folder holds the imported Lai Châu example."""
    db = tmp_path / "bot.sqlite3"
    cfg = dataclasses.replace(config, storage=dataclasses.replace(config.storage, path=str(db)))
    assert main_import(db, EXAMPLE) == 0
    return Assistant(brain, store, cfg, Pseudonymizer(TEST_KEY), clock)


def main_import(db: Path, file: Path) -> int:
    config = db.parent / "config.yaml"
    config.write_text(f"storage:\n  path: {db}\nlog_level: WARNING\n", encoding="utf-8")
    return main(["--config", str(config), "offices", "import", str(file)])


def test_example_lists_every_unit_of_the_province() -> None:
    directory = load_offices(EXAMPLE)
    assert directory.province == "Lai Châu" and directory.example
    assert len(directory.offices) == 38  # 36 xã + 2 phường, Resolution 1670/NQ-UBTVQH15
    assert sum(o.name.startswith("Phường") for o in directory.offices) == 2


async def test_where_asks_the_commune_then_names_the_office(office_assistant, say,
                                                             clock) -> None:
    clock.now = FRIDAY_10AM
    first = (await say(office_assistant, "làm căn cước ở đâu"))[-1].text
    assert "xã, phường hay đặc khu nào" in first
    reply = (await say(office_assistant, "phuong tan phong"))[-1].text
    assert "Bộ phận Một cửa phường Tân Phong" in reply
    assert "Giờ làm việc: Thứ Hai đến thứ Sáu: 7:30 đến 11:30, 13:30 đến 17:00" in reply
    assert "Điện thoại:" in reply and "ngoài giờ" not in reply
    again = (await say(office_assistant, "lam ho chieu o dau"))[-1].text
    assert "Phường Tân Phong" in again and "xã, phường hay đặc khu nào" not in again


async def test_an_old_commune_name_is_mapped(office_assistant, say, clock) -> None:
    clock.now = FRIDAY_10AM
    await say(office_assistant, "dang ky ket hon o dau")
    reply = (await say(office_assistant, "xa quyet thang"))[-1].text
    assert "Phường Quyết Thắng (tên trước ngày 1/7/2025) nay thuộc Phường Đoàn Kết" in reply


async def test_outside_hours_says_when_it_opens(office_assistant, say, clock) -> None:
    clock.now = FRIDAY_8PM
    await say(office_assistant, "làm căn cước ở đâu")
    reply = (await say(office_assistant, "Xã Khổng Lào"))[-1].text
    assert "mở cửa lại lúc 7:30 thứ Hai (07/12)" in reply


async def test_unknown_name_is_asked_again_then_left_to_the_matcher(office_assistant, say,
                                                                     store) -> None:
    await say(office_assistant, "làm căn cước ở đâu")
    reply = (await say(office_assistant, "phuong abc"))[-1].text
    assert "chưa tìm thấy" in reply
    await say(office_assistant, "phuong abc")
    assert store.turns[-1].outcome != "office"


async def test_human_help_names_the_centre(office_assistant, say) -> None:
    reply = (await say(office_assistant, "cần người hỗ trợ trực tiếp"))[-1].text
    assert "Trung tâm Phục vụ hành chính công tỉnh Lai Châu" in reply


async def test_without_an_import_nothing_changes(assistant, say, tmp_path) -> None:
    assert store.load(tmp_path / "none.sqlite3") is None
    reply = (await say(assistant, "làm căn cước ở đâu"))[-1].text
    assert "xã, phường hay đặc khu nào" not in reply


def test_csv_import_and_errors_with_line(tmp_path, capsys) -> None:
    good = tmp_path / "o.csv"
    good.write_text("name,office,hours,old_units\nXã A,Một cửa xã A,mon-fri 07:00-11:00,"
                    "Xã B;Xã C\nPhường D,,sat 07:00-11:00,\n", encoding="utf-8")
    directory = load_offices(good, "Tỉnh thử")
    assert [o.name for o in directory.offices] == ["Xã A", "Phường D"]
    assert directory.find("xa b")[0].name == "Xã A"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,hours\nXã A,mon-fri 07:00-11:00\nXã E,mon-fry 7:00-11:00\n"
                   "xa a,mon 07:00-08:00\n", encoding="utf-8")
    assert main_import(tmp_path / "db.sqlite3", bad) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: Xã E: hours:" in err
    assert f"{bad}:4: duplicate commune 'xa a' (first at line 2)" in err


def test_yaml_errors_name_file_and_line(tmp_path) -> None:
    bad = tmp_path / "o.yaml"
    bad.write_text("province: X\noffices:\n  - name: Xã A\n    hours: mon 09:00-08:00\n"
                   "  - office: no name\n  - name: Xã B\n    fax: 1\n", encoding="utf-8")
    with pytest.raises(OfficesError) as info:
        load_offices(bad)
    text = str(info.value)
    assert f"{bad}:4: Xã A: hours:" in text and "closes before it opens" in text
    assert f"{bad}:5: office: missing required field 'name'" in text
    assert f"{bad}:7: office: unknown key 'fax'" in text


def test_hours() -> None:
    week = parse_hours("mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30")
    noon = dt.datetime(2026, 12, 5, 12, 0, tzinfo=VN)  # Saturday
    assert next_opening(week, noon) == dt.datetime(2026, 12, 7, 7, 30, tzinfo=VN)
    with pytest.raises(HoursError):
        parse_hours("fri-mon 07:00-08:00")


async def test_a_filled_in_phone_is_given(tmp_path, brain, config, store, clock, say) -> None:
    db = tmp_path / "bot.sqlite3"
    file = tmp_path / "o.yaml"
    file.write_text("province: Tỉnh Thử\ndefault_hours: mon-fri 07:30-11:30 13:30-17:00\n"
                    "centre: {name: Trung tâm tỉnh, phone: '0200 000 001'}\noffices:\n"
                    "  - {name: Phường Một, phone: '0200 000 111', old_units: [Xã Cũ]}\n"
                    "  - {name: Xã Hai}\n", encoding="utf-8")
    assert main_import(db, file) == 0
    cfg = dataclasses.replace(config, storage=dataclasses.replace(config.storage, path=str(db)))
    bot = Assistant(brain, store, cfg, Pseudonymizer(TEST_KEY), clock)
    clock.now = FRIDAY_10AM
    await say(bot, "làm căn cước ở đâu")
    assert "Điện thoại: 0200 000 111" in (await say(bot, "phuong mot"))[-1].text
    assert "Trung tâm tỉnh: 0200 000 001" in (await say(bot, "xa hai"))[-1].text
    assert "thông tin mẫu" not in (await say(bot, "xa cu"))[-1].text


async def test_a_question_instead_of_a_commune_is_answered(office_assistant, say,
                                                           store) -> None:
    await say(office_assistant, "làm căn cước ở đâu")
    await say(office_assistant, "phí bao nhiêu")
    assert store.turns[-1].outcome == "answer" and store.turns[-1].facet == "fee"
    await say(office_assistant, "doi bang lai xe")
    assert store.turns[-1].topic == "giay-phep-lai-xe"
