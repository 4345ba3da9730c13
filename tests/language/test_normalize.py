"""Vietnamese normalisation: NFC, folding, abbreviations, repeated letters, telex leftovers."""

from __future__ import annotations

import unicodedata

import pytest

from bot.language.normalize import MAX_INPUT_CHARS, Normalizer, fold, has_diacritics, nfc, tokenize


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert decomposed != "Đăng ký khai sinh"
    assert nfc(decomposed) == "Đăng ký khai sinh"


@pytest.mark.parametrize(("text", "folded"), [
    ("Đăng ký", "dang ky"),
    ("đường", "duong"),
    ("ĐỔI BẰNG LÁI", "doi bang lai"),
    ("Căn cước công dân", "can cuoc cong dan"),
    (unicodedata.normalize("NFD", "Hộ chiếu"), "ho chieu"),
    ("already ascii 123", "already ascii 123"),
])
def test_fold_strips_diacritics_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_has_diacritics() -> None:
    assert has_diacritics("đi")
    assert has_diacritics("Căn cước")
    assert not has_diacritics("can cuoc 123!")


def test_tokenize_drops_punctuation_and_emoji() -> None:
    assert tokenize("Làm CCCD ở đâu??? 😀 (gấp!!)") == ["lam", "cccd", "o", "dau", "gap"]
    assert tokenize("😀🙏👍") == []


def test_tokenize_cuts_very_long_input() -> None:
    assert len(tokenize("a " * 10_000)) == MAX_INPUT_CHARS // 2


@pytest.fixture(scope="module")
def tiny() -> Normalizer:
    abbreviations = {"cccd": "can cuoc cong dan", "ko": "khong", "dc": "duoc", "dk": "dang ky",
                     "ks": "khai sinh", "dk dc": "dang ky duoc"}
    vocabulary = {"khai", "sinh", "dang", "ky", "tam", "tru", "can", "cuoc", "thuong"}
    return Normalizer(abbreviations, vocabulary)


def test_abbreviations_expand_longest_phrase_first(tiny: Normalizer) -> None:
    assert tiny.normalize("dk dc ko") == "dang ky duoc khong"
    assert tiny.normalize("dk ks") == "dang ky khai sinh"
    assert tiny.normalize("lam CCCD") == "lam can cuoc cong dan"


def test_repeated_letters_and_telex_leftovers_are_repaired(tiny: Normalizer) -> None:
    assert tiny.normalize("khaiii sinhhhh") == "khai sinh"
    assert tiny.normalize("tamm truu") == "tam tru"
    assert tiny.normalize("khais sinhf") == "khai sinh"


def test_unknown_words_are_kept(tiny: Normalizer) -> None:
    assert tiny.normalize("qwerty 2024") == "qwerty 2024"


@pytest.mark.parametrize(("typed", "canonical"), [
    ("cccd", "can cuoc cong dan"),
    ("gplx", "giay phep lai xe"),
    ("ko", "khong"),
    ("dc", "duoc"),
    ("dk ks", "dang ky khai sinh"),
    ("lam cccd ko dc", "lam can cuoc cong dan khong duoc"),
    ("Đăng Ký Khai Sinh!!!", "dang ky khai sinh"),
    ("khaiii sinhhh", "khai sinh"),
    ("khais sinh", "khai sinh"),
    ("tạm trús", "tam tru"),
    ("dăng ki tam tru", "dang ky tam tru"),
])
def test_bundled_synonyms(brain, typed: str, canonical: str) -> None:
    assert brain.index.normalizer.normalize(typed) == canonical
