"""Synthetic catalogues of N procedures (sibling-heavy, like the real one) and questions."""

from __future__ import annotations

import random

from bot.catalog.model import Document, Procedure
from bot.language.normalize import fold

VERBS = ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Đăng ký", "Thu hồi", "Điều chỉnh",
         "Công nhận", "Xác nhận", "Thông báo", "Phê duyệt", "Chấp thuận", "Hủy bỏ", "Bổ sung"]
OBJECTS = ["giấy phép khai thác thủy sản", "giấy chứng nhận quyền sử dụng đất",
           "giấy phép lái tàu", "chứng chỉ hành nghề luật sư", "giấy phép kinh doanh vận tải",
           "giấy chứng nhận đăng ký tàu cá", "giấy phép xả thải vào nguồn nước",
           "chứng chỉ hành nghề thú y", "giấy phép nhập khẩu thuốc bảo vệ thực vật",
           "giấy chứng nhận an toàn thực phẩm", "thẻ tạm trú cho người nước ngoài",
           "giấy phép thành lập văn phòng đại diện", "giấy chứng nhận đăng ký đầu tư",
           "giấy phép hoạt động ngân hàng", "giấy phép khai thác khoáng sản",
           "chứng chỉ kiểm toán viên", "giấy phép bay", "giấy chứng nhận đăng kiểm phương tiện",
           "giấy phép sử dụng vật liệu nổ công nghiệp", "giấy phép trồng rừng",
           "hộ chiếu thuyền viên", "giấy phép hành nghề công chứng",
           "giấy phép nuôi trồng thủy sản",
           "giấy phép xây dựng công trình", "giấy chứng nhận xuất xứ hàng hóa",
           "giấy phép kinh doanh dịch vụ bảo vệ", "giấy phép hoạt động giám định",
           "thẻ thẩm định viên về giá", "giấy phép vận chuyển hàng nguy hiểm",
           "giấy chứng nhận cơ sở đủ điều kiện chăn nuôi",
           "giấy phép hoạt động đo đạc bản đồ",
           "giấy phép thăm dò nước dưới đất", "chứng chỉ hành nghề dược",
           "giấy phép tổ chức sự kiện"]
QUALIFIERS = ["", "cho tổ chức", "cho cá nhân", "cho doanh nghiệp nước ngoài", "(cấp tỉnh)",
              "(cấp xã)", "(cấp trung ương)", "có yếu tố nước ngoài", "tại khu vực biên giới",
              "do bị mất", "do hết hạn", "trực tuyến toàn trình",
              "theo yêu cầu của nước nhập khẩu",
              "đối với tàu biển", "đối với hợp tác xã", "lần đầu", "khi thay đổi nội dung"]
TAILS = ["", " can giay to gi", " mat bao lau", " le phi bao nhieu", " nop o dau",
         " thu tuc the nao"]


def synth_catalog(n: int, seed: int = 7) -> list[Procedure]:
    """`n` distinct procedures named verb + object + up to two qualifiers."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[Procedure] = []
    while len(out) < n:
        quals = rng.sample(QUALIFIERS, 2) if rng.random() < 0.5 else [rng.choice(QUALIFIERS)]
        name = " ".join(x for x in [rng.choice(VERBS), rng.choice(OBJECTS), *quals] if x)
        if name in seen:
            continue
        seen.add(name)
        code = f"9.{len(out):06d}"
        out.append(Procedure(code=code, name=name, field="Lĩnh vực tổng hợp", levels=("tinh",),
                             agency="Sở chuyên ngành", applicants="", channels=(),
                             documents=(Document("Đơn đề nghị"), Document("Bản sao giấy tờ")),
                             steps=(), conditions="", result="Quyết định", legal_basis=(),
                             url=""))
    return out


def synth_questions(procs: list[Procedure], k: int, seed: int = 11) -> list[tuple[str, str]]:
    """(question, code): the name folded or not, a word dropped, a typo, a facet tail."""
    rng = random.Random(seed)
    out = []
    for proc in rng.sample(procs, min(k, len(procs))):
        words = proc.name.split()
        if len(words) > 4 and rng.random() < 0.5:
            del words[rng.randrange(1, len(words))]
        text = " ".join(words).lower()
        if rng.random() < 0.6:
            text = fold(text)
        if rng.random() < 0.3:
            i = rng.randrange(len(text) - 1)
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        out.append(("xin " + text + rng.choice(TAILS), proc.code))
    return out
