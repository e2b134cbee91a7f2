"""One spelling for the course's terms, in every file a participant reads.

- "minh chứng" (evidence for the OCOP dossier), never "bằng chứng";
- "tỷ lệ", never "tỉ lệ";
- the new tone-mark style: "hòa", "khỏe", "thủy", "Thanh Hóa", "Khánh Hòa", not "hoà", "khoẻ", "thuỷ".

The tone-mark rule, on NFC text: in an open syllable "oa", "oe" or "uy" (no letter after the second vowel),
the tone mark sits on the first vowel ("hòa", "khỏe", "thủy"). A mark on the second vowel ("hoà", "khoẻ",
"thuỷ") is the old style. Not covered: a syllable with a final consonant ("hoàng", "khoát", "huých"), whose
mark is on the second vowel in both styles, and "qu" + y ("quý", "quỳnh"), where "u" belongs to the consonant.
Verbatim titles of sources keep their own spelling: in prose (markdown cells, README) text between
quotation marks or asterisks, and anywhere text between typographic quotes “…”. (In code, CSV and .po
files straight quotes delimit strings, so they do not mark a citation there.) A line that must hold an
old spelling on purpose (a table that maps old style to new) carries the marker ``terms: allow``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GLOBS = (
    "course/*.ipynb",
    "solutions/**/*.ipynb",
    "src/ocopkit/**/*.py",
    "src/ocopkit/locale/**/*.po",
    "datasets/*.csv",
    "datasets/README.md",
)
LETTER = r"[^\W\d_]"
# Old style: the tone on the second vowel of an open "oa", "oe", "uy" (not "qu" + y).
OLD_TONE = re.compile(rf"(?<!{LETTER})(?:{LETTER}*?)(?:[oO][àáảãạèéẻẽẹ]|(?<![qQ])[uU][ỳýỷỹỵ])(?!{LETTER})")
ALLOW = "terms: allow"
WORDS = {"bằng chứng": "minh chứng", "tỉ lệ": "tỷ lệ"}
# A verbatim citation on one line: “…” anywhere, and a literal in ``…`` (reST); "…" or *…* in prose only.
QUOTED = re.compile(r"“[^”\n]*”|``[^`\n]+``")
QUOTED_PROSE = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|``[^`\n]+``|\*[^*\n]+\*")

_NEW = {"à": "ò", "á": "ó", "ả": "ỏ", "ã": "õ", "ạ": "ọ", "è": "ò", "é": "ó", "ẻ": "ỏ", "ẽ": "õ", "ẹ": "ọ"}


def _texts(path: Path) -> list[tuple[str, bool]]:
    """The text a reader sees, each piece with whether it is prose: a notebook's cells, any other file whole."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(raw)["cells"]
        return [(_allowed_out("".join(cell["source"])), cell["cell_type"] == "markdown") for cell in cells]
    return [(_allowed_out(raw), path.suffix == ".md")]


def _allowed_out(text: str) -> str:
    """``text`` without the lines marked ``terms: allow``."""
    return "\n".join(line for line in text.splitlines() if ALLOW not in line)


def problems(text: str, prose: bool = True) -> list[str]:
    """Return each forbidden spelling in ``text`` (NFC-normalised, verbatim quotations left out)."""
    text = (QUOTED_PROSE if prose else QUOTED).sub(" ", unicodedata.normalize("NFC", text))
    found = [m.group(0) for m in OLD_TONE.finditer(text)]
    lower = text.lower()
    found += [word for word in WORDS if word in lower]
    return found


def new_style(word: str) -> str:
    """The new-style spelling of an old-style word: "hoà" → "hòa", "thuỷ" → "thủy"."""
    word = unicodedata.normalize("NFC", word)
    if re.search(r"[oO][àáảãạ]$", word):
        tone = unicodedata.normalize("NFD", word[-1])[1:]
        return word[:-2] + unicodedata.normalize("NFC", word[-2] + tone) + "a"
    if re.search(r"[oO][èéẻẽẹ]$", word):
        tone = unicodedata.normalize("NFD", word[-1])[1:]
        return word[:-2] + unicodedata.normalize("NFC", word[-2] + tone) + "e"
    if re.search(r"[uU][ỳýỷỹỵ]$", word):
        tone = unicodedata.normalize("NFD", word[-1])[1:]
        return word[:-2] + unicodedata.normalize("NFC", word[-2] + tone) + "y"
    return word


def _files() -> list[Path]:
    return sorted({p for pattern in GLOBS for p in REPO.glob(pattern) if p.is_file()})


class TestRule:
    """The rule itself, on words that are and are not old style."""

    @pytest.mark.parametrize("word", ["hoà", "Khánh Hoà", "Thanh Hoá", "khoẻ", "thuỷ", "tuỳ", "huỷ", "khoá", "xoá"])
    def test_old_style_is_found(self, word):
        assert problems(word)

    @pytest.mark.parametrize(
        "word",
        ["hòa", "Khánh Hòa", "Thanh Hóa", "khỏe", "thủy", "quý", "quỳnh", "khuya", "Hoàng", "toát", "hoạch"],
    )
    def test_new_style_and_closed_syllables_pass(self, word):
        assert problems(word) == []

    def test_nfd_text_is_normalised_first(self):
        assert problems(unicodedata.normalize("NFD", "hoà"))

    def test_quoted_titles_are_skipped(self):
        assert problems('bài "Hoà nhập cộng đồng" (2021)') == []
        assert problems("*Sổ tay sức khoẻ*") == []
        assert problems('x = "hoà"', prose=False) == ["hoà"]

    def test_a_marked_line_is_allowed(self, tmp_path):
        path = tmp_path / "old.py"
        path.write_text('OLD = {"hoà": "hòa"}  # terms: allow\nx = "khoẻ"\n', encoding="utf-8")
        assert [problems(text, prose) for text, prose in _texts(path)] == [["khoẻ"]]

    def test_forbidden_words(self):
        assert problems("làm bằng chứng") == ["bằng chứng"]
        assert problems("Tỉ lệ 3★") == ["tỉ lệ"]

    def test_new_style_spelling(self):
        assert new_style("hoà") == "hòa" and new_style("khoẻ") == "khỏe" and new_style("thuỷ") == "thủy"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_file_uses_the_course_terms(path):
    found = sorted({word for text, prose in _texts(path) for word in problems(text, prose)})
    fixes = ", ".join(f"{w} → {WORDS.get(w.lower()) or new_style(w)}" for w in found)
    assert not found, f"{path.relative_to(REPO)}: {fixes}"
