"""End to end through the real `dvcbot` process with the bundled catalogue: the acceptance
questions in `dvcbot chat`, and `dvcbot eval` on a file labelled with codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import run

DATA = Path(__file__).resolve().parent / "data"
QUESTIONS = ["thủ tục cấp lại giấy chứng nhận quyền sử dụng đất bị mất",
             "xin giay phep khai thac thuy san",
             "dang ky khai sinh co yeu to nuoc ngoai can giay to gi"]
# (code, the asked facet's heading or None, the procedure's page on the national portal)
EXPECTED = [("1.012786", None, "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/"),
            ("1.004359", None, "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/"),
            ("2.000528", "Giấy tờ cần có:", "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")]


def test_the_acceptance_questions_in_the_console(tmp_path: Path) -> None:
    result = run(["chat"], stdin="".join(f"{q}\n" for q in QUESTIONS), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("Bạn: ")[1:]
    assert len(answers) == len(QUESTIONS)
    for answer, question, (code, facet, page) in zip(answers, QUESTIONS, EXPECTED,
                                                      strict=True):
        assert answer.startswith(question)
        assert f"Mã thủ tục: {code}" in answer, answer
        assert facet is None or facet in answer, answer
        assert f"🔗 Trang thủ tục trên Cổng Dịch vụ công quốc gia: {page}" in answer, answer
    assert "Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính" in answers[1]
    assert "Traceback" not in result.stderr


def test_eval_reports_hits_on_codes(tmp_path: Path) -> None:
    labelled = tmp_path / "codes.jsonl"
    lines = [{"text": "xin giay phep khai thac thuy san", "codes": ["1.004359"]},
             {"text": "dang ky khai sinh luu dong", "codes": ["9.999999", "1.003583"]},
             {"text": "giay phep khai thac khoang san", "codes": ["0.000001"]},
             {"text": "dang ky hien tang mau o dau", "codes": []}]
    labelled.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                        encoding="utf-8")
    result = run(["eval", str(labelled), "--json"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rates = json.loads(result.stdout)["codes"]
    assert rates["positives"] == 3 and rates["negatives"] == 1
    assert rates["hit1"] == round(100 * 2 / 3, 1)  # any listed code is a hit
    assert rates["rejection"] == 100.0
    text = run(["eval", str(labelled)], cwd=tmp_path).stdout
    assert text.startswith("codes: hit@1 66.7%  hit@3 ")
