"""The OCOP dossier: what to hand in, what is missing, the dates that matter and who rates.

A producer that takes part in an OCOP rating hands in a dossier. Our sources
(written under Decision 1048/QĐ-TTg and still used by provinces) give five
**mandatory** items: the registration form (form 01 for a new product, form 02
for one already on the market), the business plan (form 03), the description
of the organisation (form 04), the business registration certificate and
five samples of the product; and a list of **evidence** that earns points on
the criteria (quality declaration and test results, barcode and traceability
stamp, trademark or geographical indication, origin of raw materials, chain
linkage, environmental documents, the product story, awards...). A product
whose certificate is about to expire is re-rated with a registration form and
a report on its three years. All items are data, read from
``datasets/ocop_dossier_items.csv``, with a source per row.

The sources attach only two conditions to the mandatory items: the business
registration is "for units and people with a business registration", and the
samples are "except service products" (group 6, tourism). They attach none to
the evidence: this module does not invent which evidence applies to which
product group, and says so (:func:`open_questions`).

Missing items are set differences: ``required - submitted``. A certificate is
valid for 36 months from its date of issue; the body that issued it notifies
the producer at the latest 30 days before it expires. Dates are computed with
:class:`pandas.DateOffset` (31 August + 36 months is 31 August; 29 February
2024 + 36 months is 28 February 2027). Who rates a score follows the decision
in force on a date (:func:`scheme_on`) and :func:`ocopkit.criteria.rated_by`.

Examples
--------
>>> from ocopkit import dossier
>>> case = dossier.checklist(1, "hop_tac_xa", "san_pham_moi", ["phieu_dang_ky_moi", "gioi_thieu_bo_may"])
>>> sorted(case.missing)
['dang_ky_kinh_doanh', 'phuong_an_kinh_doanh', 'san_pham_mau']
>>> dossier.certificate_dates("2023-05-18").expiry.date()
datetime.date(2026, 5, 18)
>>> dossier.approving_level(64, "148/2023"), dossier.approving_level(64, "1489/2025")
('huyen', 'tinh')

See Also
--------
ocopkit.widgets.dossier.DossierChecklist : the interactive checklist.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from . import criteria, criteria_schemes, datasets, programme
from .dates import format_date, to_date
from .errors import InputError, check_range, check_whole
from .i18n import _, get_language

# Kinds of item (column "loai") and the three cases a dossier can be in (column "dieu_kien" uses them too).
MANDATORY, EVIDENCE, RE_RATING_ITEM = "bat_buoc", "minh_chung", "danh_gia_lai"
# A legal condition of sale (food self-declaration and food-safety conditions, Decree 15/2018; the label, Decrees
# 43/2017 and 111/2021): needed to sell the product at all, so never optional evidence.
SALE_CONDITION = "dieu_kien_ban"
NEW, EXISTING, RE_RATING = "san_pham_moi", "san_pham_da_co", "danh_gia_lai"
STATUSES = (NEW, EXISTING, RE_RATING)
REGISTERED, NOT_SERVICE, FOOD = "co_dang_ky_kinh_doanh", "tru_dich_vu", "thuc_pham"
FOOD_GROUPS, HERBAL_GROUP = (1, 2), 3  # food and drinks fall under Decree 15/2018; herbal products partly
SERVICE_GROUP = 6  # community tourism, ecotourism and tourist sites: no product samples
CERTIFICATE_MONTHS = programme.CERTIFICATE_MONTHS  # 36 (danang.gov.vn)
NOTICE_DAYS = 30  # the issuing body notifies at the latest this long before expiry (doanhnghiepvadoisong.com.vn)
DISTRICT, PROVINCE, CENTRAL = "huyen", "tinh", "trung_uong"
LEVELS = (DISTRICT, PROVINCE, CENTRAL)
_LEVEL_WORDS = {"district": DISTRICT, "province": PROVINCE, "central": CENTRAL}


@dataclass(frozen=True)
class DossierItem:
    """One document of the dossier, as ``ocop_dossier_items.csv`` describes it.

    Attributes
    ----------
    code : str
        ``ma_muc``, e.g. ``"phuong_an_kinh_doanh"``.
    kind : str
        ``"bat_buoc"`` (mandatory), ``"dieu_kien_ban"`` (a legal condition
        of sale), ``"minh_chung"`` (evidence that earns points) or
        ``"danh_gia_lai"`` (added when a product is re-rated).
    condition : str
        When a mandatory item is needed: ``""`` always, ``"san_pham_moi"``,
        ``"san_pham_da_co"``, ``"danh_gia_lai"``, ``"co_dang_ky_kinh_doanh"``,
        ``"tru_dich_vu"`` or ``"thuc_pham"`` (food and drinks; asked for
        herbal products, whose rules depend on the product).
    criteria : tuple of str
        Criteria of the 2019 sheet for fresh fruit and vegetables that the
        document supports (our reading); empty when none.
    """

    code: str
    kind: str
    name_vi: str
    name_en: str
    form: str
    requirement_vi: str
    requirement_en: str
    condition: str
    criteria: tuple[str, ...]
    note_vi: str
    note_en: str
    source: str

    @property
    def name(self) -> str:
        """The document's name in the current language."""
        return self.name_vi if get_language() == "vi" else self.name_en

    @property
    def requirement(self) -> str:
        """How to hand it in (a copy, five units...), in the current language."""
        return self.requirement_vi if get_language() == "vi" else self.requirement_en

    @property
    def note(self) -> str:
        """What the sources add or leave open about it, in the current language."""
        return self.note_vi if get_language() == "vi" else self.note_en


@dataclass(frozen=True)
class ProducerKind:
    """A kind of producer; ``registered`` is None when the sources leave it open."""

    code: str
    registered: bool | None

    @property
    def label(self) -> str:
        """The kind's name in the current language."""
        return _producer_labels()[self.code]


PRODUCER_KINDS = (
    ProducerKind("hop_tac_xa", True),
    ProducerKind("doanh_nghiep", True),
    ProducerKind("ho_kinh_doanh", True),
    ProducerKind("to_hop_tac", None),
    ProducerKind("ho_san_xuat", False),
)
PRODUCER_CODES = tuple(p.code for p in PRODUCER_KINDS)


def _producer_labels() -> dict[str, str]:
    """Names of the kinds of producer, translated when asked for."""
    return {
        "hop_tac_xa": _("Cooperative"),
        "doanh_nghiep": _("Enterprise"),
        "ho_kinh_doanh": _("Registered household business"),
        "to_hop_tac": _("Cooperative group"),
        "ho_san_xuat": _("Household producer without a business registration"),
    }


def status_label(status: str) -> str:
    """Name a case: a new product, a product already on the market, or re-rating."""
    return {
        NEW: _("New product (form 01)"),
        EXISTING: _("Product already on the market (form 02)"),
        RE_RATING: _("Re-rating: the certificate is about to expire"),
    }[check_status(status)]


def decision_name(scheme: str) -> str:
    """Write a scheme code as the decision is cited: ``"1489/2025"`` → ``"1489/QĐ-TTg (2025)"``.

    Decisions that carry the year in their number are cited so: ``"26/2026"`` → ``"26/2026/QĐ-TTg"``.
    """
    number, year = scheme.split("/")
    if f"{number}/{year}/" in criteria_schemes.scheme(scheme).decision_vi:
        return f"{number}/{year}/QĐ-TTg"
    return f"{number}/QĐ-TTg ({year})"


def level_label(level: str | None) -> str:
    """Name a level that approves ratings, e.g. "Province People's Committee"."""
    labels = {
        DISTRICT: _("District People's Committee"),
        PROVINCE: _("Province People's Committee"),
        CENTRAL: _("Central level (Ministry of Agriculture)"),
    }
    return labels.get(level, _("No level: not recognised as an OCOP product"))


# --------------------------------------------------------------------------- the items


@functools.lru_cache(maxsize=1)
def items() -> tuple[DossierItem, ...]:
    """Return every dossier item of ``ocop_dossier_items.csv``, in the file's order."""
    table = datasets.load("ocop_dossier_items").fillna("")
    return tuple(
        DossierItem(
            row.ma_muc,
            row.loai,
            row.ten_vi,
            row.ten_en,
            row.mau_bieu,
            row.yeu_cau_vi,
            row.yeu_cau_en,
            row.dieu_kien,
            _split(row.tieu_chi_2019),
            row.ghi_chu_vi,
            row.ghi_chu_en,
            row.nguon,
        )
        for row in table.itertuples()
    )


def _split(text: str) -> tuple[str, ...]:
    """``"B1.1; B1.2"`` → ``("B1.1", "B1.2")``."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def codes(kind: str | None = None) -> frozenset[str]:
    """Return the item codes, all of them or those of one kind (``"bat_buoc"``, ``"minh_chung"``...)."""
    return frozenset(item.code for item in items() if kind is None or item.kind == kind)


def get_item(code: str) -> DossierItem:
    """Return one item by its code.

    Raises
    ------
    InputError
        For a code that is not in ``ocop_dossier_items.csv``.
    """
    for item in items():
        if item.code == code:
            return item
    raise _unknown_codes([code])


def in_file_order(codes: Iterable[str]) -> list[str]:
    """Return item codes in the order of ``ocop_dossier_items.csv``, the order the sources list them.

    Raises
    ------
    InputError
        For a code that is not a dossier item.
    """
    order = {item.code: position for position, item in enumerate(items())}
    codes = list(codes)
    unknown = [code for code in codes if code not in order]
    if unknown:
        raise _unknown_codes(unknown)
    return sorted(codes, key=order.__getitem__)


def item_names(codes: Iterable[str]) -> list[str]:
    """Return the names of items, in the sources' order (see :func:`in_file_order`)."""
    return [get_item(code).name for code in in_file_order(codes)]


def _unknown_codes(unknown: Iterable) -> InputError:
    """The error for codes that are not dossier items, naming where the codes are."""
    return InputError(
        _("Unknown document code(s): {codes}. The codes are in the ma_muc column of ocop_dossier_items.").format(
            codes=", ".join(map(repr, unknown))
        ),
        "submitted",
    )


# --------------------------------------------------------------------------- checked inputs


def check_group(group) -> int:
    """Return a product group checked to be a whole number from 1 to 6."""
    return check_whole(group, "group", _("Product group"), 1, 6)


def get_producer(code: str) -> ProducerKind:
    """Return a kind of producer by its code, or list the codes."""
    for producer in PRODUCER_KINDS:
        if producer.code == code:
            return producer
    raise InputError(
        _("Unknown kind of producer {value!r}; use one of: {known}.").format(
            value=code, known=", ".join(PRODUCER_CODES)
        ),
        "producer",
    )


def check_status(status: str) -> str:
    """Return a case checked to be ``"san_pham_moi"``, ``"san_pham_da_co"`` or ``"danh_gia_lai"``."""
    if status not in STATUSES:
        raise InputError(
            _("Unknown case {value!r}; use one of: {known}.").format(value=status, known=", ".join(STATUSES)), "status"
        )
    return status


def check_submitted(submitted) -> frozenset[str]:
    """Return the codes of the documents handed in, checked against the item list.

    Parameters
    ----------
    submitted : iterable of str
        A set, list or pandas Series of codes from the ``ma_muc`` column.

    Raises
    ------
    InputError
        For text given instead of a list, or codes that are not dossier items.
    """
    if isinstance(submitted, str) or not isinstance(submitted, Iterable):
        raise InputError(
            _("Give the documents as a list or set of codes, e.g. {example}; you gave {value!r}.").format(
                example='{"phuong_an_kinh_doanh", "san_pham_mau"}', value=submitted
            ),
            "submitted",
        )
    given = frozenset(submitted)
    unknown = sorted(map(str, given - codes()))
    if unknown:
        raise _unknown_codes(unknown)
    return given


# --------------------------------------------------------------------------- what is required


def applies(item: DossierItem, group: int, producer: ProducerKind, status: str) -> bool | None:
    """Say whether an item is needed in a case: True, False, or None when the sources leave it open.

    Evidence applies to every case: the sources tie it to no product group.
    """
    condition = item.condition
    if condition == NEW:
        return status == NEW
    if condition == EXISTING:
        return status in (EXISTING, RE_RATING)  # a re-rated product is already on the market
    if condition == RE_RATING:
        return status == RE_RATING
    if condition == REGISTERED:
        return producer.registered
    if condition == NOT_SERVICE:
        return group != SERVICE_GROUP
    if condition == FOOD:
        return True if group in FOOD_GROUPS else None if group == HERBAL_GROUP else False
    return True


@dataclass(frozen=True)
class Checklist:
    """What a dossier needs and what it has, as sets of item codes.

    Attributes
    ----------
    required : frozenset
        Mandatory items (and the re-rating report) that apply to the case,
        with the legal conditions of sale (:attr:`for_sale`).
    to_check : frozenset
        Mandatory items the sources leave open for this case: ask the commune.
    evidence : frozenset
        Evidence that earns points; none is mandatory.
    submitted : frozenset
        What the dossier holds.
    """

    group: int
    producer: str
    status: str
    required: frozenset[str]
    to_check: frozenset[str]
    evidence: frozenset[str]
    submitted: frozenset[str]

    @property
    def for_sale(self) -> frozenset[str]:
        """Required items that are legal conditions of sale (food self-declaration, the label ...)."""
        return self.required & codes(SALE_CONDITION)

    @property
    def missing(self) -> frozenset[str]:
        """Required items not handed in: ``required - submitted``."""
        return self.required - self.submitted

    @property
    def present(self) -> frozenset[str]:
        """Required items handed in: ``required & submitted``."""
        return self.required & self.submitted

    @property
    def evidence_present(self) -> frozenset[str]:
        """Evidence handed in: ``evidence & submitted``."""
        return self.evidence & self.submitted

    @property
    def evidence_missing(self) -> frozenset[str]:
        """Evidence not handed in: ``evidence - submitted``."""
        return self.evidence - self.submitted

    @property
    def not_needed(self) -> frozenset[str]:
        """Items handed in that this case does not use, e.g. form 01 for a product already on the market."""
        return self.submitted - self.required - self.to_check - self.evidence

    @property
    def complete(self) -> bool:
        """True when no required item is missing."""
        return not self.missing


def checklist(group, producer: str, status: str, submitted=()) -> Checklist:
    """Check a dossier against the items its case needs.

    Parameters
    ----------
    group : int
        Product group, 1 (food) to 6 (tourism services).
    producer : str
        One of ``PRODUCER_CODES``, e.g. ``"hop_tac_xa"``.
    status : str
        ``"san_pham_moi"``, ``"san_pham_da_co"`` or ``"danh_gia_lai"``.
    submitted : iterable of str
        Codes of the documents in the dossier.

    Returns
    -------
    Checklist

    Raises
    ------
    InputError
        For a group, producer, case or document code the kit does not know.
    """
    group, kind, status = check_group(group), get_producer(producer), check_status(status)
    needed = {item.code: applies(item, group, kind, status) for item in items() if item.kind != EVIDENCE}
    return Checklist(
        group,
        kind.code,
        status,
        frozenset(c for c, v in needed.items() if v),
        frozenset(c for c, v in needed.items() if v is None),
        codes(EVIDENCE),
        check_submitted(submitted),
    )


def required_items(group, producer: str, status: str) -> frozenset[str]:
    """Return the codes of the items a case must hand in (see :func:`checklist`)."""
    return checklist(group, producer, status).required


def missing(required, submitted) -> frozenset[str]:
    """Return the required codes not yet handed in: the set difference ``required - submitted``."""
    return check_submitted(required) - check_submitted(submitted)


def open_questions(case: Checklist) -> tuple[str, ...]:
    """Return what the sources do not say about this case, for the producer to ask."""
    notes = [get_item(code).note for code in sorted(case.to_check)]
    if case.group == SERVICE_GROUP:
        notes.append(get_item("san_pham_mau").note)
    if case.group in (4, 5, 6):  # the source writes the test results for food
        notes.append(get_item("kiem_nghiem_attp").note)
    notes.append(
        _(
            "The sources do not say which evidence applies to which product group: every item is listed, "
            "and the province's OCOP office has the forms in use."
        )
    )
    return tuple(notes)


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class CertificateDates:
    """The dates of an OCOP certificate.

    Attributes
    ----------
    issued : pandas.Timestamp
        Date of issue.
    expiry : pandas.Timestamp
        ``issued + 36 months``: from this day the certificate is no longer valid.
    notice_by : pandas.Timestamp
        ``expiry - 30 days``: the latest day the issuing body notifies the producer.
    """

    issued: pd.Timestamp
    expiry: pd.Timestamp
    notice_by: pd.Timestamp

    def is_valid(self, on) -> bool:
        """Return True when the certificate is valid on a date (issued ≤ date < expiry)."""
        day = to_date(on, "on", _("The date"))
        return self.issued <= day < self.expiry


def certificate_dates(issued) -> CertificateDates:
    """Return the expiry and notice dates of a certificate issued on a date.

    Parameters
    ----------
    issued : str, datetime.date or pandas.Timestamp
        ``"2023-05-18"``, ``"18/05/2023"`` or a date.

    Raises
    ------
    InputError
        For a value that is not a date.

    Examples
    --------
    >>> certificate_dates("29/02/2024").expiry.date()
    datetime.date(2027, 2, 28)
    """
    issued = to_date(issued, "issued", _("Certificate date"))
    expiry = issued + pd.DateOffset(months=CERTIFICATE_MONTHS)
    return CertificateDates(issued, expiry, expiry - pd.DateOffset(days=NOTICE_DAYS))


# --------------------------------------------------------------------------- who rates


def scheme_on(date) -> str:
    """Return the decision whose procedure applies on a date: ``"26/2026"``, ``"1489/2025"`` ... ``"1048/2019"``.

    The dates are those of ``datasets/ocop_scheme_registry.csv``
    (:func:`ocopkit.criteria_schemes.scheme_in_force`): 1489 from 06/07/2025,
    26/2026 from 22/05/2026; for 148 and 1048 the sources give only the
    signing date, which the kit takes as the start.

    Raises
    ------
    InputError
        For a date before the national criteria of 21/08/2019.
    """
    day = to_date(date, "date", _("The date"))
    found = criteria_schemes.schemes_in_force(day)
    if found:
        return found[0]
    raise InputError(
        _("{date} is before the national OCOP criteria (21/08/2019).").format(date=format_date(day)), "date"
    )


def approving_level(points, scheme: str = "1489/2025") -> str | None:
    """Return the level that approves a total score under a decision.

    Parameters
    ----------
    points : float
        Total points out of 100.
    scheme : str
        ``"1048/2019"``, ``"148/2023"``, ``"1489/2025"`` (from 06/07/2025) or
        ``"26/2026"`` (from 22/05/2026).

    Returns
    -------
    str or None
        ``"huyen"`` (district), ``"tinh"`` (province) or ``"trung_uong"``
        (central); None under 50 points, which are not recognised.

    Examples
    --------
    >>> approving_level(92)
    'trung_uong'
    """
    total = check_range(points, "points", _("Total points"), 0, 100)
    if scheme not in criteria.star_bands()[0].rated_by:
        raise InputError(
            _("Unknown scheme {code!r}; use one of: {known}.").format(
                code=scheme, known=", ".join(reversed(criteria_schemes.schemes()))
            ),
            "scheme",
        )
    words = criteria.rated_by(criteria.star_for(total), scheme).split()
    return _LEVEL_WORDS[words[0]] if words else None


@dataclass(frozen=True)
class Rating:
    """Who rates a score on a date: the stars, the decision in force and the approving level."""

    points: float
    stars: int
    scheme: str
    level: str | None


def who_rates(points, on) -> Rating:
    """Return the stars of a score and the level that approves it on a date."""
    scheme = scheme_on(on)
    level = approving_level(points, scheme)
    return Rating(float(points), criteria.star_for(float(points)), scheme, level)


# --------------------------------------------------------------------------- the plan the widget shows


@dataclass(frozen=True)
class DossierPlan:
    """A dossier checked, with the dates that matter and who will rate it.

    Attributes
    ----------
    checklist : Checklist
    certificate : CertificateDates or None
        For re-rating only.
    deadline : pandas.Timestamp or None
        The submission deadline of the province's or commune's plan.
    today : pandas.Timestamp
    rating : Rating or None
        Who rates the self-assessed points, on the deadline (or today).
    """

    checklist: Checklist
    certificate: CertificateDates | None
    deadline: pd.Timestamp | None
    today: pd.Timestamp
    rating: Rating | None

    @property
    def days_to_deadline(self) -> int | None:
        """Days from today to the deadline; negative once it has passed."""
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def in_time(self) -> bool | None:
        """For re-rating: True when the deadline falls before the certificate expires."""
        if self.certificate is None or self.deadline is None:
            return None
        return self.deadline < self.certificate.expiry


def plan(
    group, producer: str, status: str, submitted=(), issued=None, deadline=None, today=None, points=None
) -> DossierPlan:
    """Check a dossier and work out its dates and who rates it.

    Parameters
    ----------
    group, producer, status, submitted
        See :func:`checklist`.
    issued : date-like, optional
        Date of the current certificate; needed for re-rating, ignored otherwise.
    deadline : date-like, optional
        The submission deadline set by the province's or commune's plan.
    today : date-like, optional
        The day to count from; today when omitted.
    points : float, optional
        Self-assessed total, to say who will rate it.

    Raises
    ------
    InputError
        For any bad input, including a re-rating without a certificate date or
        a certificate dated after today.
    """
    case = checklist(group, producer, status, submitted)
    now = to_date(pd.Timestamp.today() if today is None else today, "today", _("Today"))
    certificate = _certificate(issued, now) if status == RE_RATING else None
    end = None if deadline is None else to_date(deadline, "deadline", _("Submission deadline"))
    rating = None if points is None else who_rates(points, end if end is not None else now)
    return DossierPlan(case, certificate, end, now, rating)


def _certificate(issued, today: pd.Timestamp) -> CertificateDates:
    """The dates of the certificate to re-rate, checked to be issued by today."""
    if issued is None:
        raise InputError(_("Re-rating needs the date the current certificate was issued."), "issued")
    dates = certificate_dates(issued)
    if dates.issued > today:
        raise InputError(
            _("The certificate date {date} is after today: check the year.").format(date=format_date(dates.issued)),
            "issued",
        )
    return dates


def items_table(wanted: Iterable[str]) -> pd.DataFrame:
    """Return a small table of items (code, name, form, how, criteria) for the given codes, in file order.

    Use it to show a set of codes, such as what a dossier still lacks, with the documents' names.
    """
    wanted = set(wanted)
    rows = [(i.code, i.name, i.form, i.requirement, ", ".join(i.criteria)) for i in items() if i.code in wanted]
    titles = [_("Code"), _("Document in the dossier"), _("Form"), _("How"), _("Criteria (2019 sheet)")]
    return pd.DataFrame(rows, columns=titles)
