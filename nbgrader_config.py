"""nbgrader configuration of the OCOP Course Kit, read from the repository root.

Run nbgrader (or JupyterLab with the nbgrader extensions) from this folder:
``solutions/`` is nbgrader's source, ``exercises/`` its release. Runtime folders
(submitted/, autograded/, feedback/) and the gradebook stay out of git.
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from ocopkit.trainer.feedback import FeedbackExporter, HideHiddenTracebacks, SanitizeFeedback

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "ocop-2021"
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# The gradebook: SQLite beside this file by default, with a generous busy
# timeout because parallel graders share it; for a large cohort set
# OCOP_GRADEBOOK_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB instead.
c.CourseDirectory.db_url = os.environ.get("OCOP_GRADEBOOK_URL") or (
    "sqlite:///" + os.path.join(HERE, "gradebook.db") + "?timeout=60"
)
# Data files beside a notebook are copied into the student version.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Per-cell limit while grading: a participant's endless loop ends here.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# What participants see in place of a solution: bilingual and free of errors,
# so an unanswered part scores zero with a message instead of crashing.
c.ClearSolutions.code_stub = {"python": "# ✍ VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY / WRITE YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "✍ VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY / WRITE YOUR ANSWER HERE"

# Feedback must never show hidden tests: not their source (ClearHiddenTests)
# and not the lines a failing hidden test prints in its traceback (nbgrader
# issue 917), which HideHiddenTracebacks removes first.
# Nor may it run a participant's code in the reader's browser: SanitizeFeedback
# cleans outputs and raw cells; FeedbackExporter cleans the Markdown that the
# template renders (written answers, comments) and forbids scripts in the page.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    HideHiddenTracebacks,
    ClearHiddenTests,
    SanitizeFeedback,
    CSSHTMLHeaderPreprocessor,
]
c.GenerateFeedback.exporter_class = FeedbackExporter
# The page a participant reads (src/ocopkit/trainer/templates/): it extends nbgrader's
# feedback template, in the participant's language (OCOP_LANG, Vietnamese by default),
# with the points per part, each failed check's message instead of its code, and the
# parts that await the trainer. "index.html.j2" gives nbgrader's own page back.
c.FeedbackExporter.template_file = "feedback_page.html.j2"
