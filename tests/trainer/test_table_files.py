"""Tests of ocopkit.trainer.table_files: encoding, delimiter and true line numbers of table files."""

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit.trainer import table_files

# How each encoding the module finds is written by the programs trainers use.
WRITERS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: text.encode("utf-8-sig"),
    "utf-16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "cp1258": table_files.encode_cp1258,
}
# Non-ASCII on purpose: a Windows-1258 file of plain ASCII is, rightly, found to be UTF-8.
HEADER = ("mã", "họ tên", "tỉnh", "loại hình")
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯƠ"
CELL = st.text(alphabet=LETTERS + " ,;\t\"'\n\r", max_size=12)


def line_breaks(text: str) -> int:
    """Line breaks as a text editor counts them: \\r\\n, \\r and \\n each once."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


@st.composite
def tables(draw):
    """A table of rows (first cell never blank), a delimiter, line ending and blank lines between rows."""
    rows = draw(
        st.lists(
            st.tuples(st.text(alphabet=LETTERS, min_size=1, max_size=8), *[CELL] * (len(HEADER) - 1)),
            max_size=6,
        )
    )
    blanks = draw(st.lists(st.integers(0, 2), min_size=len(rows) + 1, max_size=len(rows) + 1))
    return rows, blanks, draw(st.sampled_from(table_files.DELIMITERS)), draw(st.sampled_from(["\n", "\r\n"]))


def write_record(cells, delimiter, newline):
    """One record as Excel writes it: a cell quoted when it holds a delimiter, a quote or a line break."""
    # csv.writer would leave a lone \r unquoted with a \n line ending, which no reader can tell from a line end.
    special = (delimiter, '"', "\r", "\n")
    quoted = ['"' + c.replace('"', '""') + '"' if any(ch in c for ch in special) else c for c in cells]
    return delimiter.join(quoted) + newline


def write_table(rows, blanks, delimiter, newline):
    """The text of the table and the line each row starts on."""
    text, lines = write_record(HEADER, delimiter, newline), []
    for row, blank in zip(rows, blanks):
        text += newline * blank
        lines.append(line_breaks(text) + 1)
        text += write_record(row, delimiter, newline)
    return text + newline * blanks[-1], lines


class TestRoundTrip:
    @pytest.mark.parametrize("encoding", sorted(WRITERS))
    @settings(max_examples=40, deadline=None)
    @given(table=tables())
    def test_encoding_delimiter_cells_and_lines_are_found(self, encoding, table):
        rows, blanks, delimiter, newline = table
        text, lines = write_table(rows, blanks, delimiter, newline)
        found = table_files.parse_table(WRITERS[encoding](text))
        assert (found.encoding, found.delimiter) == (encoding, delimiter)
        assert found.header == HEADER and found.header_line == 1
        assert [row.cells for row in found.rows] == rows
        assert [row.line for row in found.rows] == lines

    @pytest.mark.parametrize("encoding", sorted(WRITERS))
    @pytest.mark.parametrize("delimiter", table_files.DELIMITERS)
    def test_every_combination_on_a_fixed_table(self, encoding, delimiter):
        rows = [("an", "Lê Văn An", "Hà Tĩnh", "Hợp tác xã"), ("lợi", 'Trần, Lợi; "Út"', "Huế", "hộ\nkinh doanh")]
        text, lines = write_table(rows, [1, 0, 1], delimiter, "\r\n")
        found = table_files.parse_table(WRITERS[encoding](text))
        assert (found.encoding, found.delimiter) == (encoding, delimiter)
        assert [(row.line, row.cells) for row in found.rows] == list(zip(lines, rows)) == [(3, rows[0]), (4, rows[1])]


class TestDecode:
    def test_windows_1258_tone_marks_are_composed(self):
        data = table_files.encode_cp1258("Hợp tác xã Hà Tĩnh")
        assert b"\xde" in data and b"\xf2" in data  # combining tilde and dot below, as Windows writes them
        text, encoding = table_files.decode(data)
        assert (text, encoding) == ("Hợp tác xã Hà Tĩnh", "cp1258")
        assert unicodedata.is_normalized("NFC", text)

    def test_decomposed_utf8_is_composed(self):
        text, encoding = table_files.decode(unicodedata.normalize("NFD", "Nguyễn Thị Lan").encode())
        assert (text, encoding) == ("Nguyễn Thị Lan", "utf-8")

    def test_a_byte_of_no_encoding_is_reported_on_its_line(self):
        with pytest.raises(table_files.TableFileError) as caught:
            table_files.decode(b"id,name\nan,L\xea An\nbinh,\x81\n")
        assert caught.value.line == 3 and "byte thứ 22" in caught.value.message

    def test_utf16_without_its_mark_is_refused(self):
        with pytest.raises(table_files.TableFileError, match="UTF-16"):
            table_files.decode("id,tên\n".encode("utf-16-le"))

    def test_broken_utf16_is_reported(self):
        with pytest.raises(table_files.TableFileError, match="UTF-16 LE"):
            table_files.decode(codecs.BOM_UTF16_LE + "id\n".encode("utf-16-le") + b"\x00\xdc")


class TestDelimiter:
    def test_the_header_decides_even_when_data_cells_hold_other_delimiters(self):
        text = "id;name;email\nan;Lê, An, Bình, Chi, Dũng;a@b.vn\n"
        assert table_files.sniff_delimiter(text) == ";"

    def test_expected_columns_win_over_the_count_of_cells(self):
        text = "id\tname,with comma\tprovince\n"
        assert table_files.sniff_delimiter(text, ("id", "province")) == "\t"

    def test_a_single_column_is_comma_separated(self):
        assert table_files.sniff_delimiter("id\nan\n") == ","

    def test_excel_separator_line_is_honoured_and_keeps_line_numbers(self):
        found = table_files.parse_table(b"sep=;\r\nid;name,x\r\nan;Lan\r\n")
        assert (found.delimiter, found.header, found.header_line) == (";", ("id", "name,x"), 2)
        assert found.rows[0].line == 3

    def test_an_empty_file_is_refused(self):
        with pytest.raises(table_files.TableFileError, match="tệp trống"):
            table_files.parse_table(b"\r\n  \r\n\t\r\n")


class TestLabels:
    def test_vietnamese(self):
        assert table_files.encoding_label("utf-8-sig") == "UTF-8 có BOM"
        assert table_files.encoding_label("cp1258") == "Windows-1258"
        assert [table_files.delimiter_label(d) for d in table_files.DELIMITERS] == [
            "dấu phẩy (,)",
            "dấu chấm phẩy (;)",
            "dấu tab",
        ]

    def test_english(self, english):
        assert (table_files.encoding_label("utf-8-sig"), table_files.delimiter_label(";")) == (
            "UTF-8 with BOM",
            "semicolon (;)",
        )
