"""Vietnam's provinces before and after 1 July 2025: 63 former units, 34 current ones.

Under Resolution 202/2025/QH15 the 63 provinces and centrally-run cities became
34 provincial units (28 provinces and 6 cities), whose local governments began
work on 1 July 2025, when the district level also ended. Rosters of the 2021
training series give the former names; newer rosters may give either. This
module reads the mapping in ``datasets/provinces_2025.csv`` (one row per former
unit, with its sources and a confidence tag) and tells, for any spelling of
either name, which of the 34 current units it belongs to.

Spellings are matched generously: NFC or NFD text, the old or new tone-mark
placement (``Thanh Hoá`` / ``Thanh Hóa``), capitals, hyphens and spaces, a
leading ``Tỉnh``/``Thành phố``/``TP.``, and text typed without diacritics
(``Ha Noi``) all find the same unit.

Examples
--------
>>> from ocopkit import provinces
>>> provinces.current_province("Yên Bái")
('Lào Cai', 'Yên Bái')
>>> provinces.current_province("Thanh Hoá")  # terms: allow (the old style, read as the new)
('Thanh Hóa', 'Thanh Hóa')
>>> provinces.current_province("Huế")
('Huế', '')

See Also
--------
ocopkit.trainer.roster.read_roster : checks every roster row with :func:`lookup`.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from . import datasets
from .i18n import _

DATASET = "provinces_2025"
# Leading words a roster may put before a name; tried only when the whole text is not a name.
_PREFIXES = ("thanhpho", "tinh", "tp")
# Other names people write for a unit, by folded key (see _fold) → name in the dataset.
_ALIASES = {
    "hcm": "Thành phố Hồ Chí Minh",
    "tphcm": "Thành phố Hồ Chí Minh",
    "hochiminh": "Thành phố Hồ Chí Minh",
    "saigon": "Thành phố Hồ Chí Minh",
    "thuathien": "Thừa Thiên Huế",
    "bariavungtau": "Bà Rịa - Vũng Tàu",
    "brvt": "Bà Rịa - Vũng Tàu",
}
# What lessons write after a former name: "Yên Bái (tỉnh cũ, nay thuộc tỉnh Lào Cai)".
_NOTE = re.compile(r"\s*\((?:tỉnh|thành phố) cũ\b|\s*\(former (?:province|city)\b", re.IGNORECASE)
# Old-style tone placement (on the second vowel of oa, oe, uy) → the dataset's style.
_TONES = {
    "oà": "òa",  # terms: allow
    "oá": "óa",  # terms: allow
    "oả": "ỏa",  # terms: allow
    "oã": "õa",  # terms: allow
    "oạ": "ọa",  # terms: allow
    "oè": "òe",  # terms: allow
    "oé": "óe",  # terms: allow
    "oẻ": "ỏe",  # terms: allow
    "oẽ": "õe",  # terms: allow
    "oẹ": "ọe",  # terms: allow
    "uỳ": "ùy",  # terms: allow
    "uý": "úy",  # terms: allow
    "uỷ": "ủy",  # terms: allow
    "uỹ": "ũy",  # terms: allow
    "uỵ": "ụy",  # terms: allow
}


class UnknownProvince(ValueError):
    """A name that is none of the 63 former or 34 current provincial units.

    Attributes
    ----------
    name : str
        The text as given (NFC, trimmed).
    suggestions : tuple of str
        The nearest known names, offered in the message (possibly none).
    """

    def __init__(self, name: str, suggestions: tuple[str, ...]):
        self.name, self.suggestions = name, tuple(suggestions)
        if not name:
            message = _(
                "The province is empty: write one of the 63 former provinces or of the 34 units since 1 July 2025."
            )
        elif suggestions:
            message = _(
                'There is no province or city called "{name}" among the 63 former units or the 34 units since '
                "1 July 2025. Did you mean {suggestions}? Correct the spelling of the province."
            ).format(name=name, suggestions=", ".join(f"“{s}”" for s in suggestions))
        else:
            message = _(
                'There is no province or city called "{name}" among the 63 former units or the 34 units since '
                "1 July 2025. Write a former or a current name, as in datasets/provinces_2025.csv."
            ).format(name=name)
        super().__init__(message)

    @property
    def suggestion(self) -> str:
        """The nearest known name, or ``""``."""
        return self.suggestions[0] if self.suggestions else ""


@dataclass(frozen=True)
class Province:
    """One former provincial unit (before 1 July 2025) and the unit it belongs to now.

    Attributes
    ----------
    former : str
        Name of the former unit, as in the 2021 training series (``Yên Bái``).
    current : str
        The current unit it is part of (``Lào Cai``).
    current_type : str
        ``tỉnh`` or ``thành phố`` (centrally-run city).
    change : str
        ``giu_nguyen`` (kept as it was) or ``hop_nhat`` (merged with others).
    confidence : str
        ``H``, ``M-H`` or ``M``, as in the dataset's README.
    """

    former: str
    current: str
    current_type: str
    change: str
    confidence: str


@dataclass(frozen=True)
class Match:
    """What a name given in a roster or a table stands for.

    Attributes
    ----------
    name : str
        The name as the dataset spells it (NFC, new tone-mark placement).
    current : str
        The current unit (one of the 34).
    former : str
        The former unit the name is, or ``""`` for a name that only exists
        since the merger (``Huế``).
    """

    name: str
    current: str
    former: str


def _nfc(text) -> str:
    """NFC text with its tone marks placed as the dataset places them."""
    text = unicodedata.normalize("NFC", str(text or ""))
    for old, new in _TONES.items():
        text = text.replace(old, new).replace(old.capitalize(), new.capitalize())
    return text


def _fold(text: str) -> str:
    """Reduce a name to lower-case ASCII letters and digits, so spellings compare equal."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.lower())


@functools.lru_cache(maxsize=1)
def table() -> tuple[Province, ...]:
    """Return the 63 rows of ``datasets/provinces_2025.csv``, in the file's order.

    Returns
    -------
    tuple of Province
    """
    with datasets.path(DATASET).open(encoding="utf-8", newline="") as handle:
        return tuple(
            Province(row["tinh_cu"], row["tinh_2025"], row["loai_2025"], row["thay_doi"], row["do_tin_cay"])
            for row in csv.DictReader(handle)
        )


def former_names() -> tuple[str, ...]:
    """The 63 provinces and centrally-run cities before 1 July 2025 (the 2021 series' units)."""
    return tuple(row.former for row in table())


def current_names() -> tuple[str, ...]:
    """The 34 provincial units since 1 July 2025, in the dataset's order."""
    return tuple(dict.fromkeys(row.current for row in table()))


def gone_names() -> tuple[str, ...]:
    """The former units whose name is no current unit's (52 − 23 + Thừa Thiên Huế = 30)."""
    current = set(current_names())
    return tuple(name for name in former_names() if name not in current)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Match]:
    """Every folded name (former, current and aliases) → its match."""
    index = {}
    for row in table():
        index[_fold(row.current)] = Match(row.current, row.current, "")
    for row in table():  # a former name wins over the same current name: it keeps the 2021 record
        index[_fold(row.former)] = Match(row.former, row.current, row.former)
    for alias, name in _ALIASES.items():
        index.setdefault(alias, index[_fold(name)])
    return index


def _nearest(key: str) -> tuple[str, ...]:
    """Up to three known names whose folded spelling is close to ``key``."""
    names = {_fold(name): name for name in (*former_names(), *current_names())}
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            key = key[len(prefix) :]
            break
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    return tuple(dict.fromkeys(names[k] for k in close))


def lookup(name: str) -> Match:
    """Find which unit a name stands for, whatever its spelling.

    Use it to check a province typed by a person: it accepts a former or a
    current name in any of the spellings listed in the module notes.

    Parameters
    ----------
    name : str
        A province or city, e.g. ``"Sóc Trăng"``, ``"TP. Hồ Chí Minh"``.

    Returns
    -------
    Match
        The dataset's spelling, the current unit and the former unit.

    Raises
    ------
    UnknownProvince
        For a name that is no unit, with the nearest names in the message.

    See Also
    --------
    current_province : the same as a pair, for grouping.
    """
    key, index = _fold(name), _index()
    if key in index:
        return index[key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in index:
            return index[key[len(prefix) :]]
    raise UnknownProvince(" ".join(_nfc(name).split()), _nearest(key) if key else ())


def current_province(name: str, *, strict: bool = True) -> tuple[str, str]:
    """Return the current unit of a name and the former unit it names.

    Use it to group records by the 34 units since 1 July 2025 while keeping
    the former name of the 2021 series: group by the first item, show the
    second beside it.

    Parameters
    ----------
    name : str
        A former or current name, in any spelling :func:`lookup` accepts.
    strict : bool
        With ``False``, an empty or unknown name gives ``(name, "")`` (NFC,
        trimmed) instead of an error, so a report never stops on old data.

    Returns
    -------
    tuple of (str, str)
        ``(current, former)``: ``("Cần Thơ", "Sóc Trăng")``; ``former`` is
        ``""`` for ``"Huế"``, the only current name that was no former unit.

    Raises
    ------
    UnknownProvince
        With ``strict=True``, for a name that is no unit.
    """
    try:
        found = lookup(name)
    except UnknownProvince:
        if strict:
            raise
        return unicodedata.normalize("NFC", str(name or "")).strip(), ""
    return found.current, found.former


def former_units_of(current: str) -> tuple[str, ...]:
    """The former units a current unit was formed from (one for the 11 unchanged).

    Parameters
    ----------
    current : str
        One of the 34 current units, in any spelling.

    Returns
    -------
    tuple of str
    """
    unit = lookup(current).current
    return tuple(row.former for row in table() if row.current == unit)


def label(name: str) -> str:
    """Write a former name as lessons do: ``Sóc Trăng (tỉnh cũ, nay thuộc thành phố Cần Thơ)``.

    Names whose unit did not change, and current names, are returned as the
    dataset spells them.

    Parameters
    ----------
    name : str
        A former or current name.

    Returns
    -------
    str

    See Also
    --------
    unnoted_former_provinces : finds former names written without this note.
    """
    found = lookup(name)
    if not found.former or found.former == found.current:
        return found.name
    row = next(row for row in table() if row.former == found.former)
    return _("{former} (former province, now part of {kind} {current})").format(
        former=found.former, kind=row.current_type, current=found.current
    )


def _pattern(name: str) -> str:
    """A regular expression for a name in running text: either tone style, any dash or spacing."""
    reverse = {new: old for old, new in _TONES.items()}
    parts = []
    for word in re.split(r"\s*-\s*|\s+", name):
        word = re.escape(word)
        for new, old in reverse.items():
            word = word.replace(new, f"(?:{new}|{old})")
        parts.append(word)
    return r"[\s\-–—]+".join(parts)


@functools.lru_cache(maxsize=1)
def _mentions() -> tuple[tuple[str, re.Pattern], ...]:
    """A compiled pattern for each former name that is no current unit's, longest first."""
    names = sorted(gone_names(), key=len, reverse=True)
    return tuple((name, re.compile(rf"(?<!\w){_pattern(name)}(?!\w)", re.IGNORECASE)) for name in names)


def unnoted_former_provinces(text: str, *, every_mention: bool = False) -> list[str]:
    """List the former provinces a text names without the note "(tỉnh cũ, nay thuộc …)".

    Use it to check a lesson or a dataset description after the 2025
    reorganisation: every former unit whose name is no current unit's
    (``Yên Bái``, ``Sóc Trăng``, ``Thừa Thiên Huế``…) should be followed by a
    note such as :func:`label` writes. Names that are still current units
    (``Cần Thơ``, ``Lào Cai``) are never listed.

    Parameters
    ----------
    text : str
        Any text, NFC or NFD, in either tone-mark style.
    every_mention : bool
        With ``False`` (the default) a name noted once is fine everywhere in
        the text; with ``True`` every mention must carry its note.

    Returns
    -------
    list of str
        Former names as the dataset spells them, in the order they first
        appear without a note; empty when all is well.

    See Also
    --------
    label : writes the note for a name.
    """
    text = unicodedata.normalize("NFC", str(text or ""))
    bare, noted = {}, set()
    taken: list[tuple[int, int]] = []
    for name, pattern in _mentions():
        for found in pattern.finditer(text):
            start, end = found.span()
            if any(start < e and s < end for s, e in taken):  # part of a longer name already found
                continue
            taken.append((start, end))
            if _NOTE.match(text, end):
                noted.add(name)
            else:
                bare.setdefault(name, start)
    listed = sorted(bare, key=bare.get)
    return listed if every_mention else [name for name in listed if name not in noted]
