"""Every sentence the core says to citizens, in Vietnamese, in one place."""

WELCOME = (
    "Xin chào! Mình là Trợ lý Dịch vụ công 🤖\n"
    "Mình hướng dẫn làm thủ tục hành chính trực tuyến: khai sinh, căn cước, tạm trú, VNeID, "
    "nộp phí, nhận kết quả qua bưu điện...\n"
    "Bạn gõ câu hỏi (có dấu hay không dấu đều được) hoặc chọn một mục bên dưới.\n"
    "🔒 Mình không bao giờ hỏi mã OTP, mật khẩu, passcode hay yêu cầu chuyển tiền."
)
MENU = "Bạn cần hỗ trợ về việc gì? Chọn một mục hoặc gõ câu hỏi của bạn."
HELP = (
    "Cách dùng trợ lý:\n"
    "• Gõ câu hỏi ngắn, ví dụ: \"làm căn cước cho con ở đâu\", \"quên mật khẩu VNeID\".\n"
    "• Bấm nút (hoặc gõ số) để chọn.\n"
    "• Gõ \"menu\" để về danh sách chính, \"quay lại\" để lùi một bước khi đang được hướng dẫn, "
    "\"thoát\" để dừng hướng dẫn.\n"
    "• Cần người hỗ trợ: chọn \"Hỗ trợ trực tiếp\"."
)
PROCEDURE_GROUPS = "Chọn nhóm thủ tục:"
GROUP = "Chọn thủ tục bạn cần:"
GREETING_BACK = "Chào bạn! Bạn cần hỗ trợ thủ tục gì ạ?"
THANKS_BACK = "Không có gì ạ! Nếu cần thêm, bạn cứ hỏi nhé. Chúc bạn làm thủ tục thuận lợi."
SUGGEST = "Mình chưa chắc bạn hỏi về việc nào. Bạn chọn mục đúng ở dưới giúp mình nhé."
NONE_OF_THESE = "Không phải các mục này"
MISS = (
    "Xin lỗi, mình chưa hiểu rõ câu hỏi hoặc chưa có thông tin về việc này.\n"
    "• Bạn thử hỏi ngắn gọn hơn, nêu tên thủ tục (ví dụ: \"đăng ký tạm trú\", "
    "\"đổi bằng lái xe\").\n"
    "• Tìm thủ tục tại ô tìm kiếm của Cổng Dịch vụ công quốc gia: dichvucong.gov.vn\n"
    "• Cần người hỗ trợ: Trung tâm phục vụ hành chính công xã/phường, hoặc Tổ công nghệ số "
    "cộng đồng ở thôn, tổ dân phố."
)
GARBLED = (
    "Xin lỗi, mình chưa đọc được tin nhắn này. Bạn gõ câu hỏi bằng chữ giúp mình nhé, "
    "ví dụ: \"làm giấy khai sinh cho con\"."
)
NON_TEXT = (
    "Mình chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi giúp mình nhé, "
    "ví dụ: \"đăng ký tạm trú online\"."
)
SAFETY = (
    "⚠️ Bạn đừng gửi mã OTP, mật khẩu, passcode, số định danh (CCCD), số thẻ hay số tài khoản "
    "cho bất kỳ ai, kể cả trợ lý này. Mình không cần các thông tin đó. Cơ quan nhà nước "
    "không bao giờ gọi điện hay nhắn tin xin OTP hoặc yêu cầu chuyển tiền. Mình đã không lưu "
    "thông tin bạn vừa gõ."
)
SAFETY_ID = (
    "🔒 Trợ lý không cần họ tên, địa chỉ, số định danh, số điện thoại hay email của bạn và "
    "không xem được hồ sơ cá nhân. Mình đã che thông tin đó và không lưu lại. Chỉ nhập các "
    "thông tin này trên trang .gov.vn chính thức hoặc ứng dụng VNeID."
)
FEEDBACK_ASK = "Thông tin này có hữu ích không?"
FEEDBACK_UP = "👍 Hữu ích"
FEEDBACK_DOWN = "👎 Chưa hữu ích"
FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý! 🙏"
FEEDBACK_WHAT = (
    "Rất tiếc vì chưa giúp được bạn. Bạn cho mình biết còn thiếu thông tin gì không? "
    "(gõ ngắn gọn, hoặc bấm Bỏ qua)"
)
FEEDBACK_SKIP = "Bỏ qua"
FEEDBACK_COMMENT_THANKS = "Cảm ơn bạn, góp ý đã được ghi lại để cán bộ cải thiện hướng dẫn."
BAD_NUMBER = "Bạn gõ một số từ 1 đến {count} giúp mình nhé:"
STALE_BUTTON = "Nút này đã cũ. Mình mở lại danh sách chính để bạn chọn tiếp nhé."
MENU_BUTTON = "🏠 Menu chính"
HUMAN_BUTTON = "🙋 Hỗ trợ trực tiếp"
FLOW_BUTTON = "🧭 Hướng dẫn từng bước"
MORE_ABOUT = "Xem thêm:"
FACET_MISSING = (
    "Mình chưa có thông tin {facet} cho việc này. Bạn xem trang thủ tục trên "
    "dichvucong.gov.vn (mục Phí, lệ phí / Thời hạn giải quyết) hoặc hỏi bộ phận một cửa xã/phường."
)
LEGAL_BUTTON = "⚖️ Căn cứ pháp lý"
PROCEDURES_LABEL = "📋 Thủ tục theo nhóm"
