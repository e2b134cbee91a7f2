"""Tests of ocopkit.i18n: both languages, complete catalogs, money formats."""

import ast
import re
import string

import pytest
from babel.messages.pofile import read_po

from ocopkit import i18n

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def catalog_messages(language):
    """Return {msgid: msgstr} merged over the language's .po files."""
    messages = {}
    for path in i18n.catalog_files(language):
        with path.open("rb") as handle:
            messages.update({m.id: m.string for m in read_po(handle) if m.id})
    return messages


def source_messages(repo):
    """Return every literal msgid passed to _() in the package, f-strings included.

    Python's own parser is used rather than Babel's extractor, which does not
    look inside f-strings.
    """
    found = set()
    for path in (repo / "src" / "ocopkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "gettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


class TestCatalogs:
    def test_every_message_in_the_code_has_both_languages(self, repo):
        missing_vi = source_messages(repo) - set(catalog_messages("vi"))
        missing_en = source_messages(repo) - set(catalog_messages("en"))
        assert not missing_vi, f"not in the Vietnamese catalog: {sorted(missing_vi)}"
        assert not missing_en, f"not in the English catalog: {sorted(missing_en)}"

    def test_both_languages_have_the_same_messages(self):
        assert set(catalog_messages("vi")) == set(catalog_messages("en"))

    def test_every_vietnamese_message_is_translated(self):
        untranslated = [mid for mid, text in catalog_messages("vi").items() if not text.strip()]
        assert not untranslated

    def test_translations_keep_the_placeholders(self):
        for language in i18n.LANGUAGES:
            for mid, text in catalog_messages(language).items():
                if text:
                    assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(mid)), (language, mid)

    @pytest.mark.parametrize("language", i18n.LANGUAGES)
    def test_compiled_catalog_is_up_to_date(self, language):
        import gettext
        import io

        committed = gettext.GNUTranslations(io.BytesIO(i18n.compiled_path(language).read_bytes()))._catalog
        fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_catalog(language)))._catalog
        assert committed == fresh, "run `make messages` after editing a .po file"
        recorded = i18n.compiled_path(language).with_suffix(".sha256").read_text().strip()
        assert recorded == i18n.sources_digest(language), "run `make messages` after editing a .po file"

    def test_placeholders_are_valid_format_fields(self):
        for mid in catalog_messages("vi"):
            list(string.Formatter().parse(mid))


class TestLanguage:
    def test_vietnamese_is_the_default(self, monkeypatch):
        monkeypatch.delenv("OCOP_LANG", raising=False)
        i18n._state["language"] = None
        assert i18n.get_language() == "vi"

    def test_environment_variable_chooses_english(self, monkeypatch):
        monkeypatch.setenv("OCOP_LANG", "en_US.UTF-8")
        i18n._state["language"] = None
        assert i18n.get_language() == "en"
        assert i18n._("Points") == "Points"

    def test_function_call_switches(self):
        assert i18n._("Points") == "Điểm"
        i18n.set_language("en")
        assert i18n._("Points") == "Points"

    def test_unknown_language_is_refused(self):
        with pytest.raises(ValueError, match="vi"):
            i18n.set_language("fr")


class TestMoney:
    def test_vietnamese_money(self):
        assert i18n.format_money(1250000) == "1.250.000 ₫"

    def test_english_money(self, english):
        assert i18n.format_money(1250000) == "1,250,000 VND"

    def test_decimals_swap_separators(self):
        assert i18n.format_number(1234.5, 1) == "1.234,5"
        i18n.set_language("en")
        assert i18n.format_number(1234.5, 1) == "1,234.5"


class TestTrimmedNumbers:
    """format_number(..., trim=True): a figure as a person writes it, without the zeros that end it."""

    @pytest.mark.parametrize(
        "value, vietnamese, english",
        [
            (1.5, "1,5", "1.5"),
            (240.0, "240", "240"),
            (1250.5, "1.250,5", "1,250.5"),
            (2.999, "3", "3"),
            (1000, "1.000", "1,000"),
            (0.125, "0,12", "0.12"),
        ],
    )
    def test_in_both_languages(self, value, vietnamese, english):
        assert i18n.format_number(value, 2, trim=True) == vietnamese
        i18n.set_language("en")
        assert i18n.format_number(value, 2, trim=True) == english

    def test_no_decimals_keeps_the_zeros_of_the_whole_number(self):
        assert i18n.format_number(100.4, 0, trim=True) == "100"

    def test_infinity_is_written_as_a_sign(self):
        assert i18n.format_number(float("inf"), 2, trim=True) == "∞"


class TestPercent:
    def test_one_decimal_by_default(self):
        assert i18n.format_percent(0.075) == "7,5%" and i18n.format_percent(0.1) == "10,0%"

    def test_none_drops_the_decimal_of_a_whole_percentage(self):
        assert i18n.format_percent(0.1, None) == "10%" and i18n.format_percent(0.125, None) == "12,5%"
        assert i18n.format_percent(0.30000000000000004, None) == "30%"

    def test_english_and_infinity(self, english):
        assert i18n.format_percent(0.125, None) == "12.5%" and i18n.format_percent(float("inf"), None) == "∞"

    def test_not_a_number_is_a_dash(self):
        assert i18n.format_percent(float("nan"), None) == "—%"
