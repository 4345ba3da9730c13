"""Input is cut to the platforms' limits before it is redacted, so hostile sizes cost little."""

import pytest

from bot.core import assistant as assistant_module
from bot.core import router as router_module
from bot.core.models import Incoming
from bot.privacy.bounds import MAX_PAYLOAD_BYTES, MAX_TEXT_CHARS, cut_bytes
from bot.privacy.redact import Redaction
from bot.privacy.redact import redact as real_redact


@pytest.fixture
def redacted_lengths(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every string the core hands to `redact` during a turn, by length."""
    lengths: list[int] = []

    def spy(text: str) -> Redaction:
        lengths.append(len(text))
        return real_redact(text)

    monkeypatch.setattr(assistant_module, "redact", spy)
    monkeypatch.setattr(router_module, "redact", spy)
    return lengths


@pytest.mark.parametrize("incoming", [
    Incoming("telegram", "u", text="lam cccd " + "x" * 20_000),
    Incoming("telegram", "u", text="/start " + "khai-sinh" * 3000),
    Incoming("telegram", "u", start_payload="a" * 10_000),
    Incoming("telegram", "u", start_payload="0912345678" * 1000),
    Incoming("telegram", "u", button="st:x:y:" + "9" * 10_000),
    Incoming("telegram", "u", start_payload="ă" * 10_000),
])
async def test_long_input_is_cut_before_redaction(assistant, store, redacted_lengths,
                                                  incoming) -> None:
    replies = await assistant.handle(incoming)
    assert replies  # a polite answer, not an error
    assert redacted_lengths and max(redacted_lengths) <= MAX_TEXT_CHARS + len("[nút] ")
    if incoming.text is None:
        assert max(redacted_lengths) <= MAX_PAYLOAD_BYTES + len("[nút] ")
    assert len(store.turns[-1].text or "") <= MAX_TEXT_CHARS + 20


def test_cut_bytes_keeps_whole_characters() -> None:
    assert cut_bytes("ă" * 40) == "ă" * 32  # two bytes each
    assert cut_bytes("khai-sinh") == "khai-sinh"
    assert cut_bytes(None) is None
