"""What the bot tells a citizen who describes a scam (sources: knowledge/ topic lua-dao)."""

# Reporting: Công an xã/phường (BCA advice) and 113 (police emergency); 156/5656 is VNCERT's
# free number for reporting scam calls and messages, already cited in the lua-dao topic.
SCAM_WARNING = (
    "🚨 Cẩn thận, đây có thể là lừa đảo! Công an, bảo hiểm, thuế, điện lực, ngân hàng không "
    "bao giờ gọi điện, nhắn tin bắt chuyển tiền, bấm đường link, cài ứng dụng hay đọc mã OTP.\n"
    "• Không chuyển tiền, không bấm link, không cài ứng dụng, không đọc mã OTP, mật khẩu.\n"
    "• Tắt máy. Muốn hỏi lại thì tự gọi số tổng đài chính thức của cơ quan đó "
    "(ghi trên trang .gov.vn hoặc giấy tờ của cơ quan), không gọi số người lạ đưa.\n"
    "• Báo ngay Công an xã/phường nơi bạn ở; khẩn cấp gọi 113. Cuộc gọi, tin nhắn lừa đảo "
    "báo miễn phí tới đầu số 156 hoặc 5656.\n"
    "• Lỡ chuyển tiền hay đọc mã: gọi ngay ngân hàng để khóa tài khoản."
)
