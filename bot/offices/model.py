"""A province's directory: the service centre, hotlines and each commune's one-stop office."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.language.normalize import fold, tokenize

UNIT_WORDS = ("xa", "phuong", "dac khu", "thi tran", "huyen", "thanh pho", "thi xa", "tp", "quan")


def name_key(text: str) -> str:
    """A commune name as typed, folded: no diacritics, no "xã/phường", single spaces."""
    words = " ".join(tokenize(fold(text)))
    for unit in sorted(UNIT_WORDS, key=len, reverse=True):
        if words.startswith(unit + " "):
            words = words[len(unit) + 1:]
            break
    return words.strip()


@dataclass(frozen=True)
class Office:
    """The one-stop office of one commune, ward or special zone."""

    name: str  # "Phường Tân Phong"
    office: str = ""  # "Bộ phận một cửa UBND phường Tân Phong"
    address: str = ""
    phone: str = ""
    hours: str = ""
    map: str = ""
    old_units: tuple[str, ...] = ()  # names before the 1/7/2025 merger
    line: int = 0


@dataclass(frozen=True)
class Directory:
    """Everything a deployment knows about its province's offices."""

    province: str
    offices: tuple[Office, ...]
    example: bool = False  # data not confirmed by the province
    centre: Office | None = None
    hotlines: tuple[tuple[str, str], ...] = ()  # (name, phone)
    default_hours: str = ""
    source: str = ""
    by_key: dict[str, Office] = field(default_factory=dict, compare=False, repr=False)
    old_keys: dict[str, tuple[Office, ...]] = field(default_factory=dict, compare=False,
                                                   repr=False)

    def __post_init__(self) -> None:
        for office in self.offices:
            self.by_key.setdefault(name_key(office.name), office)
            for old in office.old_units:
                key = name_key(old)
                known = self.old_keys.get(key, ())
                if office not in known:
                    self.old_keys[key] = (*known, office)

    def hours_of(self, office: Office) -> str:
        """The office's own hours, else the province default."""
        return office.hours or self.default_hours

    def find(self, text: str) -> tuple[Office | None, tuple[Office, ...], bool]:
        """(office, candidates, was_old_name) for a typed commune name.

        A current name wins over an old one ("Khổng Lào" is both); an old name that became
        part of several new units returns them all as candidates.
        """
        key = name_key(text)
        if not key:
            return None, (), False
        if key in self.by_key:
            return self.by_key[key], (), False
        olds = self.old_keys.get(key, ())
        if len(olds) == 1:
            return olds[0], (), True
        return None, olds, bool(olds)
