"""Normalise Vietnamese as citizens type it: NFC, case, diacritics, teencode, telex, typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

_TOKEN = re.compile(r"[a-z0-9]+")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1")
_TELEX_TONES = "sfrxj"
_TELEX_MARKS = (("aa", "a"), ("ee", "e"), ("oo", "o"), ("dd", "d"), ("aw", "a"), ("ow", "o"),
                ("uw", "u"), ("w", ""))
# A well-formed folded Vietnamese syllable: onset, vowel group, final consonant. A token that
# is one ("trieu", "xang") is a real word the knowledge base happens not to use, so it is only
# repaired when the repair forms a known phrase with a neighbour ("khai xinh" → "khai sinh").
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(a|ai|ao|au|ay|e|eo|eu|i|ia|ie|ieu|iu|o|oa|oai|oao|oay|oe|oeo|oi|oo|u|ua|uay|ue|ui|uo"
    r"|uoi|uou|uu|uy|uya|uye|uyu|y|ye|yeu)"
    r"(c|ch|m|n|ng|nh|p|t)?$")
# Spelling confusions common in Vietnamese (regional pronunciation, typing): a real syllable
# that is not in the knowledge base may stand for its confusable twin ("khai xinh" → "sinh").
_ONSET_TWINS = (("s", "x"), ("ch", "tr"), ("d", "gi"), ("d", "r"), ("gi", "r"), ("l", "n"),
                ("v", "d"), ("c", "k"), ("ng", "ngh"), ("g", "gh"))
_FINAL_TWINS = (("n", "ng"), ("t", "c"), ("nh", "n"), ("i", "y"))
MAX_INPUT_CHARS = 2000  # longer messages are cut: no citizen question needs more
FUZZY_CUTOFF = 78  # rapidfuzz ratio a typo must reach against a known word


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the form Vietnamese keyboards usually send."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip diacritics (đ → d): 'Đăng ký' → 'dang ky'."""
    return nfc(text).translate(_FOLD_TABLE)


def fold_phrase(text: str) -> str:
    """Folded, with runs of white space as one space: 'Cấp  Tỉnh ' → 'cap tinh'. The key under
    which two spellings of one name or phrase compare equal."""
    return " ".join(fold(text).split())


def has_diacritics(text: str) -> bool:
    """Tell whether the text carries any Vietnamese diacritic (including đ)."""
    return any(_fold_char(c) != c.lower() for c in text if c.isalpha())


def tokenize(text: str) -> list[str]:
    """Fold and split into ASCII word tokens, dropping punctuation and emoji."""
    return _TOKEN.findall(fold(text[:MAX_INPUT_CHARS]))


def is_syllable(token: str) -> bool:
    """Tell whether a folded token is a well-formed Vietnamese syllable ("trieu", not "cheiu")."""
    return bool(_SYLLABLE.match(token))


def _twins(token: str) -> list[str]:
    """Spellings one regional confusion away: 'xinh' → ['sinh'], 'tran' → ['chan', 'trang']."""
    out = []
    for a, b in _ONSET_TWINS:
        for x, y in ((a, b), (b, a)):
            if token.startswith(x) and not token.startswith(y):
                out.append(y + token[len(x):])
    for a, b in _FINAL_TWINS:
        for x, y in ((a, b), (b, a)):
            if token.endswith(x) and not token.endswith(y):
                out.append(token[:-len(x)] + y)
    return out


def _telex_forms(token: str) -> list[str]:
    """Readings of a token typed with telex leftovers: 'chieeus' → 'chieu', 'thuowng' → ..."""
    forms = []
    stems = [token, token[:-1]] if token[-1] in _TELEX_TONES else [token]
    for stem in stems:
        plain = stem
        for marked, base in _TELEX_MARKS:
            plain = plain.replace(marked, base)
        forms += [stem, plain]
    return [f for f in dict.fromkeys(forms) if f and f != token]


class Normalizer:
    """Turns a citizen's message into canonical folded tokens.

    Built once per knowledge-base version: it knows the abbreviations and the vocabulary of
    the knowledge base, which it uses to repair typos and telex leftovers. When several
    repairs are possible, the one that forms a known two-word phrase with a neighbour wins
    ("tam tur" → "tam tru", not the telex reading "tam tu").
    """

    def __init__(self, abbreviations: Mapping[str, str], vocabulary: Iterable[str],
                 bigrams: Collection[str] = ()) -> None:
        """Create a normaliser.

        Args:
            abbreviations: folded word or phrase → folded expansion ("cccd" → "can cuoc").
            vocabulary: folded words known to the knowledge base.
            bigrams: known two-word phrases ("tam tru"), used to choose between repairs.
        """
        self._abbr: dict[tuple[str, ...], list[str]] = {}
        for short, long in abbreviations.items():
            key = tuple(tokenize(short))
            if key:
                self._abbr[key] = tokenize(long)
        self._max_n = max((len(k) for k in self._abbr), default=1)
        self._firsts = frozenset(k[0] for k in self._abbr)
        words = set(vocabulary)
        for expansion in self._abbr.values():
            words.update(expansion)
        self.vocabulary = frozenset(w for w in words if w)
        self._bigrams = frozenset(bigrams)
        self._fuzzy_pool = sorted(w for w in self.vocabulary if len(w) >= 3)
        self._candidates = lru_cache(maxsize=32768)(self._candidates_uncached)

    def _candidates_uncached(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Repairs for an unknown token: (likely, only-in-a-known-phrase); () when it is fine.

        Repeated letters are always squeezed ("khaiii" → "khai"). Telex leftovers and
        fuzzy matches are likely repairs only for tokens that are not Vietnamese syllables.
        A real syllable may only become its spelling twin (s/x, ch/tr, n/ng...), and a
        one-letter slip may only be repaired, when the result forms a known phrase.
        """
        if token in self.vocabulary or token.isdigit() or len(token) < 3:
            return (), ()
        squeezed = _RUN3.sub(r"\1", token)
        single = _RUN2.sub(r"\1", squeezed)
        squeezes = [f for f in (squeezed, single) if f in self.vocabulary]
        if is_syllable(token) and not squeezes:
            return (token,), tuple(t for t in _twins(token) if t in self.vocabulary)
        guesses = [f for f in _telex_forms(token) if f in self.vocabulary]
        if len(single) >= 4:
            hits = process.extract(single, self._fuzzy_pool, scorer=fuzz.ratio, limit=6,
                                   score_cutoff=FUZZY_CUTOFF)
            # Equal ratios: prefer a transposition or one-letter slip (OSA distance).
            hits.sort(key=lambda h: (-h[1], OSA.distance(single, h[0])))
            guesses += [str(h[0]) for h in hits]
        near = [str(h[0]) for h in process.extract(single, self._fuzzy_pool, scorer=OSA.distance,
                                                   limit=None, score_cutoff=1)]
        likely = tuple(dict.fromkeys([*squeezes, *guesses])) or (single,)
        return likely, tuple(near)

    def _repair(self, tokens: list[str]) -> list[str]:
        out = list(tokens)
        for i, token in enumerate(tokens):
            likely, near = self._candidates(token)
            if not likely:
                continue
            prev = out[i - 1] if i else None
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            in_phrase = [o for o in (*likely, *near)
                         if (prev and f"{prev} {o}" in self._bigrams)
                         or (nxt and f"{o} {nxt}" in self._bigrams)]
            out[i] = (in_phrase or likely)[0]
        return out

    def expand(self, tokens: list[str]) -> list[str]:
        """Replace abbreviations (longest phrase first) by their expansions."""
        out: list[str] = []
        i = 0
        firsts = self._firsts
        while i < len(tokens):
            if tokens[i] not in firsts:  # most words start no abbreviation: no slicing
                out.append(tokens[i])
                i += 1
                continue
            for n in range(min(self._max_n, len(tokens) - i), 0, -1):
                expansion = self._abbr.get(tuple(tokens[i:i + n]))
                if expansion is not None:
                    # "bang lai" → "bang lai xe", but "bang lai xe" stays as it is.
                    if expansion[:n] == tokens[i:i + n] and (
                            tokens[i:i + len(expansion)] == expansion):
                        expansion = tokens[i:i + len(expansion)]
                        n = len(expansion)
                    out.extend(expansion)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def tokens(self, text: str) -> list[str]:
        """Fold, split, expand abbreviations, then repair typos against the vocabulary."""
        first = self.expand(tokenize(text))
        repaired = self._repair(first)
        return self.expand(repaired) if repaired != first else repaired

    def normalize(self, text: str) -> str:
        """Return the canonical folded form used for matching and logging."""
        return " ".join(self.tokens(text))
