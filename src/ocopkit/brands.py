"""Protecting the brand of a farm product: marks, geographical indications and their dates.

A cooperative that builds a brand can protect it in four ways under Vietnam's
Law on Intellectual Property: an ordinary **trademark** (*nhãn hiệu*), a
**collective mark** (*nhãn hiệu tập thể*), a **certification mark** (*nhãn
hiệu chứng nhận*) or a **geographical indication** (*chỉ dẫn địa lý*). This
module holds what each protects, who may apply and which documents to file;
it computes the dates of an application filed with the Intellectual Property
Office of Viet Nam (*Cục Sở hữu trí tuệ*, IP Viet Nam), the renewal dates of a
mark, and the points a protected mark earns on the OCOP packaging criterion.

How the dates are modelled
--------------------------
Statutory (set by the law; each a maximum)
    Formal examination: 1 month from filing. Publication: within 2 months of
    the day the application is accepted as valid. Substantive examination: 9
    months from publication for a mark, 6 months for a geographical
    indication. A mark is valid until 10 years from its filing date and can
    be renewed any number of times, 10 years each time: the renewal request
    is filed in the 6 months before expiry, or up to 6 months after it with a
    surcharge. A geographical indication has no fixed term: its certificate
    is valid indefinitely from the day it is granted.
Typical in practice (reported by IP firms; not set by the law)
    A mark takes about 10 to 12 months from filing to a result, substantive
    examination itself 7 to 11 months; the certificate follows about 1 to 2
    months after the grant fee is paid.
"Within 2 months", and every other limit, is modelled by its **latest** date,
each step starting when the step before ends at its latest: acceptance on
filing + 1 month, publication by acceptance + 2 months, the substantive
decision by publication + 9 (or 6) months. The Office may finish earlier; the
time an applicant takes to answer the Office's letters is not counted and
moves every later date. Months are added with :class:`pandas.DateOffset`: the
same day of the month, or the month's last day when that day does not exist
(31 January + 1 month is 28 or 29 February). Dates are not moved off weekends
or public holidays.

Examples
--------
>>> from ocopkit import brands
>>> plan = brands.timeline("2025-03-14", "nhan_hieu")
>>> plan.decision_due.date()
datetime.date(2026, 3, 14)
>>> brands.renewal_dates("2016-05-20").expiry.date()
datetime.date(2026, 5, 20)

See Also
--------
ocopkit.widgets.brands.BrandProtectionPlanner : the interactive planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import pandas as pd

from .dates import add_months, format_date, to_date  # noqa: F401  (part of this module's interface)
from .errors import InputError
from .i18n import _

# Statutory time limits of the Law on Intellectual Property 2005 as amended (Article 119 for examination):
# formal examination and publication, tuvancongbosanpham.com and vietanlaw.com; substantive examination,
# vietanlaw.com (marks, 9 months) and mildsunshinelaw.vn (geographical indications, 6 months); term and
# renewal window, cis.vn, wizpro.com.vn and luatvietan.vn; geographical indications without a fixed term,
# nhanhieulogo.com. Typical durations: nhanhieuhanghoa.vn (10–12 months, substantive 7–11) and vietanlaw.com
# (certificate 1–2 months after the fee).
FORMAL_EXAMINATION_MONTHS = 1  # from filing
PUBLICATION_MONTHS = 2  # from acceptance of the application as valid
SUBSTANTIVE_MONTHS_MARK = 9  # from publication
SUBSTANTIVE_MONTHS_GI = 6  # from publication
TERM_YEARS = 10  # validity of a mark, counted from filing; each renewal adds as much
RENEWAL_WINDOW_MONTHS = 6  # the renewal request is filed in the months before expiry ...
LATE_RENEWAL_MONTHS = 6  # ... or up to this long after it, with a surcharge
# Typical in practice for a mark (IP firms' reports, not the law).
TYPICAL_TOTAL_MONTHS = (10, 12)  # filing to result; substantive examination alone 7–11 months
CERTIFICATE_MONTHS = 2  # certificate after the grant fee is paid: about 1–2 months
# Years a date may fall in: catches typing slips such as 0205 for 2025.

TRADEMARK, COLLECTIVE, CERTIFICATION, GI = ("nhan_hieu", "nhan_hieu_tap_the", "nhan_hieu_chung_nhan", "chi_dan_dia_ly")
STATUTORY, TYPICAL = "statutory", "typical"


@dataclass(frozen=True)
class ProtectionType:
    """One kind of protection for a brand.

    Attributes
    ----------
    code : str
        ``"nhan_hieu"``, ``"nhan_hieu_tap_the"``, ``"nhan_hieu_chung_nhan"`` or
        ``"chi_dan_dia_ly"``.
    is_mark : bool
        True for the three kinds of mark, False for a geographical indication.
    """

    code: str
    is_mark: bool = True

    @property
    def substantive_months(self) -> int:
        """Statutory months of substantive examination, counted from publication."""
        return SUBSTANTIVE_MONTHS_MARK if self.is_mark else SUBSTANTIVE_MONTHS_GI

    @property
    def term_years(self) -> int | None:
        """Years of validity from filing, renewable; None for no fixed term."""
        return TERM_YEARS if self.is_mark else None

    @property
    def label(self) -> str:
        """The kind's name in the current language."""
        return _texts()[self.code][0]

    @property
    def protects(self) -> str:
        """What it protects."""
        return _texts()[self.code][1]

    @property
    def who_may_apply(self) -> str:
        """Who may file the application."""
        return _texts()[self.code][2]

    @property
    def example(self) -> str:
        """A real example from Vietnam."""
        return _texts()[self.code][3]

    @property
    def term(self) -> str:
        """How long protection lasts, in words."""
        if self.is_mark:
            return _("10 years from the filing date, renewable any number of times, 10 years each time.")
        return _("No fixed term: the certificate is valid indefinitely from the date of grant.")


PROTECTION_TYPES = (
    ProtectionType(TRADEMARK),
    ProtectionType(COLLECTIVE),
    ProtectionType(CERTIFICATION),
    ProtectionType(GI, is_mark=False),
)
CODES = tuple(p.code for p in PROTECTION_TYPES)


def _texts() -> dict[str, tuple[str, str, str, str]]:
    """Name, what it protects, who may apply and an example, translated now."""
    return {
        TRADEMARK: (
            _("Trademark"),
            _("A sign (a name, a logo) that tells your goods apart from other producers' goods."),
            _(
                "Any organisation or person, for the goods they make or sell: a household business, "
                "a cooperative, an enterprise."
            ),
            _("A cooperative's own brand name and logo on the packs of its products."),
        ),
        COLLECTIVE: (
            _("Collective mark"),
            _("A sign that the members of an organisation use to tell their goods apart from those of non-members."),
            _(
                "A lawfully established collective organisation (a cooperative, an association, a farmers' "
                "union), for its members to use under a regulation on use. A place name of a local "
                "specialty needs the permission of the provincial People's Committee."
            ),
            _("“Bưởi Hoài Ân” (Bình Định): owner, the farmers' union of Hoài Ân district; granted in 2019."),
        ),
        CERTIFICATION: (
            _("Certification mark"),
            _(
                "A sign that its owner lets others use on their goods to certify their origin, raw "
                "materials, way of production, quality or other characteristics."
            ),
            _(
                "An organisation whose task is to control and certify those characteristics and which does "
                "not itself make or sell the goods; often a state body."
            ),
            _("“Trà Gò Loi” (Bình Định): owner, the People's Committee of Hoài Ân district; granted in 2019."),
        ),
        GI: (
            _("Geographical indication"),
            _(
                "The name of a place, used for a product whose reputation, quality or characteristics come "
                "mainly from the geographical conditions (nature and people) of that place."
            ),
            _(
                "The right belongs to the State. It lets the local producers, an organisation that represents "
                "them or the local authority file, and the filer does not become the owner; in practice the "
                "provincial People's Committee usually files."
            ),
            _("Phú Quốc fish sauce (Kiên Giang): protected since 2001, and also protected in the European Union."),
        ),
    }


def get_protection(code: str) -> ProtectionType:
    """Return a kind of protection by its code, or say which codes exist.

    Parameters
    ----------
    code : str
        One of :data:`CODES`.

    Raises
    ------
    InputError
        For an unknown code.
    """
    for kind in PROTECTION_TYPES:
        if kind.code == code:
            return kind
    raise InputError(
        _("Unknown kind of protection {code!r}. Choose one of: {known}.").format(code=code, known=", ".join(CODES)),
        "kind",
    )


def protection_table() -> pd.DataFrame:
    """Return the four kinds of protection side by side, in the current language.

    Returns
    -------
    pandas.DataFrame
        One row per kind, indexed by code: name, what it protects, who may
        apply, how long it lasts, an example.
    """
    rows = {
        p.code: {
            _("Kind"): p.label,
            _("What it protects"): p.protects,
            _("Who may apply"): p.who_may_apply,
            _("How long"): p.term,
            _("Example"): p.example,
        }
        for p in PROTECTION_TYPES
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class Phase:
    """One step of the procedure, from its start to its latest end.

    Attributes
    ----------
    code : str
        ``formal_examination``, ``publication``, ``substantive_examination``,
        ``certificate`` or ``typical_result``.
    start, end : pandas.Timestamp
        When the step starts and the latest day it ends.
    basis : str
        ``"statutory"`` (a limit set by the law) or ``"typical"`` (what IP firms
        report in practice).
    """

    code: str
    start: pd.Timestamp
    end: pd.Timestamp
    basis: str

    @property
    def label(self) -> str:
        """What happens in this step, in the current language."""
        return _phase_labels()[self.code]

    @property
    def basis_label(self) -> str:
        """ "statutory" or "typical in practice", in the current language."""
        return _("statutory") if self.basis == STATUTORY else _("typical in practice")


def _phase_labels() -> dict[str, str]:
    """What happens in each step, translated now."""
    return {
        "formal_examination": _("Formal examination: the application is accepted as valid"),
        "publication": _("Publication in the Industrial Property Gazette"),
        "substantive_examination": _("Substantive examination: notice of grant or refusal"),
        "certificate": _("Certificate issued after the grant fee is paid"),
        "typical_result": _("Result in practice: {low} to {high} months after filing").format(
            low=TYPICAL_TOTAL_MONTHS[0], high=TYPICAL_TOTAL_MONTHS[1]
        ),
    }


@dataclass(frozen=True)
class Timeline:
    """The dated steps of one application, latest dates by statute.

    Attributes
    ----------
    kind : ProtectionType
        What is applied for.
    filing_date : pandas.Timestamp
        The day the application is filed.
    phases : tuple of Phase
        The steps in order; see :func:`timeline`.
    """

    kind: ProtectionType
    filing_date: pd.Timestamp
    phases: tuple[Phase, ...]

    def phase(self, code: str) -> Phase | None:
        """Return the step with this code, or None when the kind has no such step."""
        return next((p for p in self.phases if p.code == code), None)

    @property
    def decision_due(self) -> pd.Timestamp:
        """Latest statutory day of the substantive decision (grant or refusal)."""
        return self.phase("substantive_examination").end

    @property
    def certificate_by(self) -> pd.Timestamp | None:
        """About when the certificate of a mark is in hand (statutory decision + typical 2 months)."""
        step = self.phase("certificate")
        return step.end if step else None

    def table(self) -> pd.DataFrame:
        """Return the steps as a table: ``giai_doan``, ``mo_ta``, ``bat_dau``, ``ket_thuc``, ``can_cu``."""
        return pd.DataFrame(
            [
                {"giai_doan": p.code, "mo_ta": p.label, "bat_dau": p.start, "ket_thuc": p.end, "can_cu": p.basis_label}
                for p in self.phases
            ]
        )


def timeline(filing_date, kind: str = TRADEMARK) -> Timeline:
    """Compute the dates of an application from its filing date.

    Use it to plan when a mark or a geographical indication can be protected,
    for example before an OCOP evaluation.

    Parameters
    ----------
    filing_date : str, datetime.date or pandas.Timestamp
        The (planned) filing date; see :func:`to_date`.
    kind : str
        One of :data:`CODES`.

    Returns
    -------
    Timeline
        Statutory steps, each ending at its latest date: formal examination
        (1 month), publication (2 months after acceptance), substantive
        examination (9 months for a mark, 6 for a geographical indication).
        For a mark also two steps typical in practice: the 10–12 months IP
        firms report for a result, and the certificate, about 2 months after
        the statutory decision.

    See Also
    --------
    renewal_dates : when a mark expires and can be renewed.
    plan : the timeline with documents, renewal and an OCOP check.
    """
    protection = get_protection(kind)
    filed = to_date(filing_date, "filing_date", _("Filing date"))
    accepted = add_months(filed, FORMAL_EXAMINATION_MONTHS)
    published = add_months(accepted, PUBLICATION_MONTHS)
    decided = add_months(published, protection.substantive_months)
    phases = [
        Phase("formal_examination", filed, accepted, STATUTORY),
        Phase("publication", accepted, published, STATUTORY),
        Phase("substantive_examination", published, decided, STATUTORY),
    ]
    if protection.is_mark:
        low, high = TYPICAL_TOTAL_MONTHS
        phases += [
            Phase("typical_result", add_months(filed, low), add_months(filed, high), TYPICAL),
            Phase("certificate", decided, add_months(decided, CERTIFICATE_MONTHS), TYPICAL),
        ]
    return Timeline(protection, filed, tuple(phases))


@dataclass(frozen=True)
class Renewal:
    """When one 10-year term of a mark ends and when to ask for its renewal.

    Attributes
    ----------
    term : int
        1 for the first 10 years from filing, 2 after the first renewal, ...
    expiry : pandas.Timestamp
        The day the term ends: filing date + 10 × term years.
    window_opens : pandas.Timestamp
        First day to file the renewal request: 6 months before expiry.
    late_deadline : pandas.Timestamp
        Last day to file it late, with a surcharge: 6 months after expiry.
    """

    term: int
    expiry: pd.Timestamp
    window_opens: pd.Timestamp
    late_deadline: pd.Timestamp


def renewal_dates(filing_date, term: int = 1) -> Renewal:
    """Return when a mark's term ends and the renewal window around it.

    A mark's validity counts from its **filing** date, not from the day the
    certificate was granted.

    Parameters
    ----------
    filing_date : str, datetime.date or pandas.Timestamp
        The mark's filing date.
    term : int
        Which 10-year term: 1 (the first), 2 (after one renewal), ...

    Raises
    ------
    InputError
        For a bad date, or a term that is not a whole number from 1 to 10.
    """
    filed = to_date(filing_date, "filing_date", _("Filing date"))
    if isinstance(term, bool) or not isinstance(term, Integral) or not 1 <= term <= 10:
        raise InputError(
            _("The term must be a whole number from 1 (the first 10 years) to 10, you gave {value!r}.").format(
                value=term
            ),
            "term",
        )
    expiry = filed + pd.DateOffset(years=TERM_YEARS * int(term))
    return Renewal(
        int(term), expiry, add_months(expiry, -RENEWAL_WINDOW_MONTHS), add_months(expiry, LATE_RENEWAL_MONTHS)
    )


# ------------------------------------------------------------- documents, advice


def documents(kind: str, place_name: bool = False) -> tuple[str, ...]:
    """Return the documents of an application, in the current language.

    Parameters
    ----------
    kind : str
        One of :data:`CODES`.
    place_name : bool
        True when a collective or certification mark contains a place name:
        it then also needs the province's permission and a map of the area.
        (A geographical indication always has its map.)

    Returns
    -------
    tuple of str
        The documents to prepare, as a checklist.
    """
    protection = get_protection(kind)
    fees, agent = _("Receipt for the fees and charges"), _("Power of attorney, if an IP agent files for you")
    if not protection.is_mark:
        return (
            _("Registration form for a geographical indication"),
            _(
                "Description of the product's particular characteristics, quality or reputation, "
                "and of the geographical conditions behind them"
            ),
            _("Map of the geographical area of the indication"),
            fees,
            agent,
        )
    listed = [
        _("Registration form for a mark"),
        _("Sample of the mark, with a description of its parts and meaning"),
        _("List of the goods or services bearing the mark, grouped by the Nice classification"),
    ]
    listed += {
        COLLECTIVE: [_("Regulation on use of the collective mark: members, conditions of use, handling of breaches")],
        CERTIFICATION: [
            _(
                "Regulation on use of the certification mark: the characteristics certified, "
                "how they are assessed and how use is controlled"
            )
        ],
    }.get(kind, [])
    if place_name and kind in (COLLECTIVE, CERTIFICATION):
        listed += [
            _("Permission of the provincial People's Committee to use the place name"),
            _("Map of the production area, confirmed by the province"),
        ]
    return (*listed, fees, agent)


@dataclass(frozen=True)
class Suggestion:
    """Which kind of protection fits, and why.

    Attributes
    ----------
    kind : ProtectionType
        The kind that fits.
    reason : str
        The rule that chose it, in the current language.
    """

    kind: ProtectionType
    reason: str


def suggest_protection(
    quality_from_place: bool = False, certifies_others: bool = False, for_members: bool = False
) -> Suggestion:
    """Suggest a kind of protection from three yes/no questions.

    The rules, checked in this order:

    1. The product's reputation, quality or characteristics come mainly from
       the geographical conditions of its area → geographical indication.
    2. The applicant certifies other producers' goods and does not make or
       sell them itself → certification mark.
    3. The sign is for the members of a cooperative or association, under a
       common regulation → collective mark.
    4. Otherwise the sign is for the applicant's own goods → trademark.

    A suggestion to discuss, not legal advice: an IP agent or the provincial
    Department of Science and Technology can confirm it.

    Parameters
    ----------
    quality_from_place, certifies_others, for_members : bool
        The answers to the three questions above.

    Raises
    ------
    InputError
        When an answer is not True or False.
    """
    answers = {
        "quality_from_place": quality_from_place,
        "certifies_others": certifies_others,
        "for_members": for_members,
    }
    for field, value in answers.items():
        _check_bool(value, field)
    if quality_from_place:
        return Suggestion(
            get_protection(GI),
            _(
                "The product's reputation or quality comes mainly from its "
                "place: a geographical indication protects that link."
            ),
        )
    if certifies_others:
        return Suggestion(
            get_protection(CERTIFICATION),
            _("You certify other producers' goods without making or selling them: a certification mark."),
        )
    if for_members:
        return Suggestion(
            get_protection(COLLECTIVE),
            _("The sign is for the members of your organisation, under a common regulation: a collective mark."),
        )
    return Suggestion(get_protection(TRADEMARK), _("The sign is for your own goods: a trademark."))


def _check_bool(value, field: str) -> bool:
    """Refuse anything but True or False, naming the question."""
    if not isinstance(value, bool):
        raise InputError(
            _("The answer to {field} must be True (yes) or False (no), you gave {value!r}.").format(
                field=field, value=value
            ),
            field,
        )
    return value


def packaging_points(full_label: bool, traceability: bool, protected_mark: bool) -> int:
    """Return the points of criterion A2.2 "completeness of the packaging" (2019 sheet, 0–3).

    Each level adds to the one below it: 1 point for a full label, 2 when
    traceability is added, 3 when a protected trademark or industrial design
    is added as well. A level counts only when the levels below it are met.
    "Protected" means a certificate has been granted: a filed application is
    not yet protection.

    Parameters
    ----------
    full_label, traceability, protected_mark : bool
        Whether the pack has a full label, traceability (e.g. a QR code), and
        a protected mark or industrial design.

    Raises
    ------
    InputError
        When an answer is not True or False.
    """
    points = 0
    for field, met in (("full_label", full_label), ("traceability", traceability), ("protected_mark", protected_mark)):
        if not _check_bool(met, field):
            break
        points += 1
    return points


# ---------------------------------------------------------------------- a plan


@dataclass(frozen=True)
class ProtectionPlan:
    """Everything a producer needs to plan one application.

    Attributes
    ----------
    timeline : Timeline
        The dated steps.
    documents : tuple of str
        The checklist of documents.
    renewal : Renewal or None
        The first term's expiry and renewal window; None for a geographical
        indication, which has no fixed term.
    evaluation_date : pandas.Timestamp or None
        The OCOP evaluation to be ready for, if any.
    ready_for_evaluation : bool or None
        For a mark with an evaluation date: whether the certificate can be in
        hand by then (statutory decision + typical 2 months). None otherwise:
        criterion A2.2 names a protected mark or industrial design, not a
        geographical indication.
    notes : tuple of str
        Points to watch, in the current language.
    """

    timeline: Timeline
    documents: tuple[str, ...]
    renewal: Renewal | None
    evaluation_date: pd.Timestamp | None
    ready_for_evaluation: bool | None
    notes: tuple[str, ...]


def plan(kind: str, filing_date, place_name: bool = False, evaluation_date=None) -> ProtectionPlan:
    """Plan one application: dates, documents, renewal and readiness for an OCOP evaluation.

    Parameters
    ----------
    kind : str
        One of :data:`CODES`.
    filing_date : str, datetime.date or pandas.Timestamp
        The (planned) filing date.
    place_name : bool
        Whether the sign contains a place name.
    evaluation_date : str, datetime.date, pandas.Timestamp or None
        The date of the OCOP evaluation to be ready for, if any.

    See Also
    --------
    timeline, renewal_dates, documents
    ocopkit.widgets.brands.BrandProtectionPlanner : the widget over this function.
    """
    steps = timeline(filing_date, kind)
    _check_bool(place_name, "place_name")
    evaluation = (
        None if evaluation_date is None else to_date(evaluation_date, "evaluation_date", _("OCOP evaluation date"))
    )
    ready = None
    if evaluation is not None and steps.kind.is_mark:
        ready = bool(steps.certificate_by <= evaluation)
    renewal = renewal_dates(steps.filing_date) if steps.kind.is_mark else None
    return ProtectionPlan(
        steps, documents(kind, place_name), renewal, evaluation, ready, _notes(steps.kind, place_name)
    )


def _notes(kind: ProtectionType, place_name: bool) -> tuple[str, ...]:
    """Points to watch for this kind of protection."""
    notes = [
        _(
            "Dates are the latest the law allows, if the Office uses every day and you answer no letters; "
            "time spent answering the Office's letters comes on top."
        )
    ]
    if kind.code == TRADEMARK and place_name:
        notes.append(
            _(
                "A place name alone cannot be an ordinary trademark: it must be part of a distinctive "
                "sign, or protected as a collective or certification mark."
            )
        )
    if not kind.is_mark:
        notes.append(
            _(
                "Criterion A2.2 of the OCOP sheet names a protected trademark or industrial design; "
                "ask your provincial OCOP council how it counts a geographical indication."
            )
        )
    return tuple(notes)
