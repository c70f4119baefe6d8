"""The admissibility engine: a case's facts → an assessment against Articles 1–4 of the Optional
Protocol (DESIGN.md §5, the contract; domain/OP-ICESCR.md §§1, 2, 5 and 6, the rules).

``assess(facts, *, today, register)`` is pure and deterministic: the same facts, day and register give
the same ``Assessment``. ``CaseFacts.from_json`` reads DESIGN.md §5's JSON strictly and raises
``FactsError(field, message)`` naming the dotted field (``remedies.0.notified``).

Every criterion cites its article; every reason is a plain sentence naming the dates and facts used;
``missing`` names what would settle an ``unknown``. Unknown stays unknown: a missing field is never a
silent pass, and no date of a State is guessed.

``missing`` holds CaseFacts field names in dotted form (``remedies.0.final``). A fact that is not in
the CaseFacts but in the States register is named ``register:<ISO2>.<what>`` (``register:NE.
entry_into_force``): it is settled by checking the UN Treaty Collection and correcting the register,
not by asking the partner.

Choices where the text is silent
--------------------------------
Where DESIGN.md §5 and OP-ICESCR.md leave a question open, the engine decides as follows.

1. **Art. 1 and the date of reference.** A State that "becomes a Party" recognises the Committee's
   competence (art. 1(1)) from the Protocol's entry into force for it (art. 18). A communication
   submitted before that day is ``not_met``; one not yet submitted is judged on ``today``. When the
   register's EIF is not verified (Finland) and the date of reference is within 31 days of it
   (``states.EIF_UNCERTAINTY_DAYS``), art. 1 is ``unknown``.
2. **A listed party whose EIF is unknown (Niger, San Marino).** OP-ICESCR.md §5's rule — conclude only
   when the facts are clearly later than the end of the year after the known year — is applied to
   art. 1 (the date of reference must be later than 31 December of that year) and to art. 3(2)(b)
   (``facts_start`` must be later). A post-EIF domestic decision does not settle 3(2)(b) for these
   States: §5 asks that *all* relevant facts be later, so the engine stays ``unknown``. Their register
   rows are marked unverified; art. 1 is then ``met`` with the caveat in the reason and a warning.
3. **A signatory** makes art. 3(2)(b) ``not_applicable`` (no entry into force to compare with); art. 1
   is already ``not_met``. A State not listed leaves art. 1 and 3(2)(b) ``unknown``.
4. **Victims of other people (art. 2).** An author who is a victim and also acts for others, without
   the others' consent and without a justification, keeps their own claim: art. 2 is ``met`` for the
   author and a warning says the claims for the others are inadmissible (*Martínez de Orellana*,
   para. 7.3). An author who is not a victim, acts for others and has neither consent nor a
   justification: ``not_met``. A justification for acting without consent is a claimed exception:
   ``warning``. ``victims_under_jurisdiction`` false (e.g. complaints about another State's courts,
   *M.L.B. v. Luxembourg*, para. 7.5): ``not_met``.
5. **The final domestic decision** is the decision on a remedy marked ``final`` whose outcome is not
   ``pending`` or ``withdrawn``, with the latest notification date (the decision date where the
   notification is not recorded); a tie goes to the later remedy in the list. Remedies recorded as
   ``withdrawn`` are not exhausted: if nothing final follows them, art. 3(1) is ``not_met``.
6. **Pending remedies (art. 3(1)).** Any remedy still ``pending`` means remedies are not exhausted
   (``not_met``) unless the author makes a ``remedies_exception`` (art. 3(1), second sentence; e.g. a
   criminal complaint pending for over four years, *Martínez de Orellana*, paras 7.10–7.12), which is
   a ``warning``. A pending remedy is never a post-EIF "fact" for 3(2)(b) (*Alarcón Flores*, paras
   9.8–9.12).
7. **Unused remedies (art. 3(1)).** Reason ``none`` → ``not_met`` even when a general
   ``remedies_exception`` is made ("mere doubts about the chances of success … do not excuse",
   *M.L.B.*, para. 7.4); ``unavailable`` / ``ineffective`` / ``unreasonably_prolonged`` → ``warning``;
   no reason recorded → ``unknown``. No remedy used, none listed as unused and no exception →
   ``unknown`` (the text requires exhaustion; the facts do not say whether any remedy existed).
   A decided remedy whose ``final`` is unknown and no other final decision → ``unknown``; decided
   remedies all marked not final (an appeal was still open) → ``not_met`` unless an exception is made.
   A final decision that ``granted`` the remedy (fully or partly) exhausts it, with a warning that
   victim status must be explained.
8. **The one year without a final decision (art. 3(2)(a)).** Where remedies are pending or the author
   relies on the exception to exhaustion and no final decision exists, the year has not started:
   ``not_applicable``, and ``deadlines`` are null.
9. **Counting from the decision date** (notification unknown, OP-ICESCR.md §6): the decision always
   precedes its notification, so a communication within a year of the decision is ``met``; one later
   than that is ``unknown`` (the notification may have come later), with the notification date missing.
   A notification recorded before its decision is contradictory: ``unknown``, both dates missing.
10. **Not yet submitted (art. 3(2)(a)).** Without ``submission_date`` the criterion is judged on
    ``today``: ``met`` while the last day has not passed (the reason says "if submitted by" that day),
    ``not_met`` once it has (``warning`` with a ``one_year_exception``). The 90/30/7-day warnings go
    into ``warnings`` only while the communication is not submitted.
11. **Continuing facts (art. 3(2)(b)).** Facts that began before EIF are within time when (a) a
    domestic decision on or after EIF addressed the substance (*I.D.G.*, para. 9.3) — ``met``; (b)
    ``facts_end`` is on or after EIF — ``met``, with the reminder that effects which merely persist
    are not facts (*Merino Sierra*, para. 6.7); (c) the author says only that they are ``continuing`` —
    a claimed exception, ``warning`` with the same reminder. A post-EIF decision whose
    ``addressed_substance`` is unknown makes the criterion ``unknown``; one that dealt only with
    formal points (``false``) does not count. Facts on the day of EIF are not "prior" to it.
12. **Same matter (art. 3(2)(c)).** ``pending`` or ``examined`` under another procedure → ``not_met``;
    ``declared_inadmissible_unreasoned`` → not an examination (*Merino Sierra*, paras 6.4–6.5);
    ``withdrawn`` → neither examined nor being examined; ``declared_inadmissible_reasoned`` →
    ``unknown``: it is an examination only if the reasons went beyond purely formal admissibility
    criteria, which only reading the decision can tell (record ``examined`` if they did). No
    ``other_procedures`` list → ``unknown``; an empty list → ``met``.
13. **Compatibility (art. 3(2)(d)).** ``excluded_claims`` lists ``other_instruments_invoked`` and any
    ``rights_invoked`` entry that is not a reference into the Covenant's rights (as written), in that
    order. No Covenant right left (including an empty ``rights_invoked``) → ``not_met``;
    ``rights_invoked`` absent → ``unknown``. Invoking only accessory articles (1, 2, 3) adds a warning;
    invoking art. 11(1) adds the housing due-diligence reminder (OP-ICESCR.md §2) as a warning, since
    no CaseFacts field records the author's applications for social housing.
14. **Article 4** is never ``not_met``: ``clear_disadvantage`` ``yes`` → ``met``; ``no`` → ``warning``
    (the Committee's discretion, *Ben Djazia*, para. 11.5), saying whether a serious issue of general
    importance is claimed; ``unknown`` with ``general_importance`` ``yes`` → ``warning`` (relies on the
    proviso); otherwise ``unknown``, so that ``overall`` follows DESIGN.md §5 to the letter.
15. **Strict input.** ``from_json`` refuses unknown keys (a misspelt field would otherwise turn into a
    silent "unknown"), requires ``state`` as an upper-case ISO 3166-1 alpha-2 code and dates as
    ``YYYY-MM-DD``; ``null`` is accepted everywhere and means unknown (for tri-state fields,
    ``"unknown"``). Blank explanations count as not given.
16. **Date order.** Dates out of order (facts ending before they began; a remedy decided before it
    was filed) are reported in ``warnings``; the engine does not correct them.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from caseapp.domain import deadlines
from caseapp.domain.covenant import BY_CODE, is_covenant_right, normalise_code
from caseapp.domain.report import (
    EXCEPTION_REASONS,
    PROCEDURE_STATUSES,
    REMEDY_KINDS,
    REMEDY_OUTCOMES,
    TRI_STATE,
    UNUSED_REASONS,
)
from caseapp.domain.states import (
    EIF_UNCERTAINTY_DAYS,
    NOT_LISTED,
    PARTY,
    SIGNATORY,
    StateRecord,
    StatesRegister,
    state_name,
)

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"
WARNING = "warning"
NOT_APPLICABLE = "not_applicable"
STATUSES = (MET, NOT_MET, UNKNOWN, WARNING, NOT_APPLICABLE)

ADMISSIBLE = "admissible"
INADMISSIBLE = "inadmissible"
INCOMPLETE = "incomplete"

BASIS_NOTIFICATION = "notification"
BASIS_DECISION = "decision"

# DESIGN.md §5: always all present, in this order.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("art1", "Article 1"),
    ("art2", "Article 2"),
    ("art3_1", "Article 3(1)"),
    ("art3_2_a", "Article 3(2)(a)"),
    ("art3_2_b", "Article 3(2)(b)"),
    ("art3_2_c", "Article 3(2)(c)"),
    ("art3_2_d", "Article 3(2)(d)"),
    ("art3_2_e", "Article 3(2)(e)"),
    ("art3_2_f", "Article 3(2)(f)"),
    ("art3_2_g", "Article 3(2)(g)"),
    ("art4", "Article 4"),
)
ARTICLES = dict(CRITERIA)

_EXCEPTION_WORDS = {
    "unavailable": "unavailable",
    "ineffective": "ineffective",
    "unreasonably_prolonged": "unreasonably prolonged",
}
_NOT_DECIDED = ("pending", "withdrawn")

_Date = date  # OtherProcedure has a field called "date" (DESIGN.md §5), which would hide the type


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Remedy:
    body: str | None = None
    kind: str | None = None
    filed: date | None = None
    decided: date | None = None
    notified: date | None = None
    outcome: str | None = None
    final: bool | None = None
    addressed_substance: bool | None = None


@dataclass(frozen=True, slots=True)
class UnusedRemedy:
    name: str | None = None
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class RemediesException:
    reason: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class OtherProcedure:
    body: str | None = None
    same_matter: bool | None = None
    status: str | None = None
    date: _Date | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """DESIGN.md §5's input. ``None`` (and ``"unknown"`` for tri-state answers) means unknown."""

    state: str | None = None
    submission_date: date | None = None
    in_writing: bool | None = None
    anonymous: bool | None = None
    author_is_victim: bool | None = None
    acting_on_behalf: bool | None = None
    consent: str = "unknown"
    consent_justification: str | None = None
    victims_under_jurisdiction: bool | None = None
    rights_invoked: tuple[str, ...] | None = None
    other_instruments_invoked: tuple[str, ...] | None = None
    facts_start: date | None = None
    facts_end: date | None = None
    continuing: str = "unknown"
    remedies: tuple[Remedy, ...] | None = None
    unused_remedies: tuple[UnusedRemedy, ...] | None = None
    remedies_exception: RemediesException | None = None
    one_year_exception: str | None = None
    other_procedures: tuple[OtherProcedure, ...] | None = None
    only_mass_media_reports: bool | None = None
    substantiated: str = "unknown"
    abuse: str = "unknown"
    clear_disadvantage: str = "unknown"
    general_importance: str = "unknown"

    @classmethod
    def from_json(cls, data: Any) -> "CaseFacts":
        """Strictly validated facts from the decoded JSON; raises ``FactsError`` at the first problem."""
        _object(data, "", FACT_FIELDS)
        values = {name: parse(data.get(name), name) for name, parse in _FACT_PARSERS.items()}
        return cls(**values)


class FactsError(ValueError):
    """The JSON does not describe case facts. ``field`` is the dotted name (None: the whole document)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"field": self.field, "message": self.message}}


# --- strict JSON reading --------------------------------------------------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STATE = re.compile(r"[A-Z]{2}")


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _object(value: Any, path: str, allowed: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise FactsError(path or None, "Must be a JSON object.")
    for key in value:
        if key not in allowed:
            raise FactsError(_join(path, key), "Unknown field; allowed: " + ", ".join(allowed) + ".")
    return value


def _date(value: Any, path: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise FactsError(path, "Must be a date written YYYY-MM-DD, or null.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"{value} is not a date in the calendar.") from None


def _bool(value: Any, path: str) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise FactsError(path, "Must be true, false or null (unknown).")


def _tri(value: Any, path: str) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, str) and value in TRI_STATE:
        return value
    raise FactsError(path, 'Must be "yes", "no" or "unknown".')


def _text(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise FactsError(path, "Must be a string or null.")


def _enum(choices: tuple[str, ...]):
    def parse(value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str) and value in choices:
            return value
        raise FactsError(path, "Must be one of: " + ", ".join(f'"{choice}"' for choice in choices) + ", or null.")
    return parse


def _state(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and _STATE.fullmatch(value):
        return value
    raise FactsError(path, 'Must be an ISO 3166-1 alpha-2 code in capitals ("ES"), or null.')


def _strings(value: Any, path: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FactsError(path, "Must be a list of strings, or null.")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise FactsError(_join(path, index), "Must be a string.")
        if not item.strip():
            raise FactsError(_join(path, index), "Must not be empty.")
    return tuple(value)


def _record(cls, fields: dict):
    names = tuple(fields)

    def parse(value: Any, path: str):
        if value is None:
            return None
        _object(value, path, names)
        return cls(**{name: fn(value.get(name), _join(path, name)) for name, fn in fields.items()})
    return parse


def _records(parse_item):
    def parse(value: Any, path: str):
        if value is None:
            return None
        if not isinstance(value, list):
            raise FactsError(path, "Must be a list of objects, or null.")
        items = []
        for index, item in enumerate(value):
            where = _join(path, index)
            if item is None:
                raise FactsError(where, "Must be a JSON object.")
            items.append(parse_item(item, where))
        return tuple(items)
    return parse


_REMEDY = _record(Remedy, {
    "body": _text, "kind": _enum(REMEDY_KINDS), "filed": _date, "decided": _date, "notified": _date,
    "outcome": _enum(REMEDY_OUTCOMES), "final": _bool, "addressed_substance": _bool,
})
_UNUSED = _record(UnusedRemedy, {"name": _text, "reason": _enum(UNUSED_REASONS), "explanation": _text})
_EXCEPTION = _record(RemediesException, {"reason": _enum(EXCEPTION_REASONS), "explanation": _text})
_PROCEDURE = _record(OtherProcedure, {
    "body": _text, "same_matter": _bool, "status": _enum(PROCEDURE_STATUSES), "date": _date,
})

_FACT_PARSERS = {
    "state": _state,
    "submission_date": _date,
    "in_writing": _bool,
    "anonymous": _bool,
    "author_is_victim": _bool,
    "acting_on_behalf": _bool,
    "consent": _tri,
    "consent_justification": _text,
    "victims_under_jurisdiction": _bool,
    "rights_invoked": _strings,
    "other_instruments_invoked": _strings,
    "facts_start": _date,
    "facts_end": _date,
    "continuing": _tri,
    "remedies": _records(_REMEDY),
    "unused_remedies": _records(_UNUSED),
    "remedies_exception": _EXCEPTION,
    "one_year_exception": _text,
    "other_procedures": _records(_PROCEDURE),
    "only_mass_media_reports": _bool,
    "substantiated": _tri,
    "abuse": _tri,
    "clear_disadvantage": _tri,
    "general_importance": _tri,
}
FACT_FIELDS: tuple[str, ...] = tuple(_FACT_PARSERS)


# --- the assessment -------------------------------------------------------------------------------


class Criterion(NamedTuple):
    """One admissibility condition's result (immutable; a named tuple, cheap to build)."""

    id: str
    article: str
    status: str
    reason: str
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "article": self.article, "status": self.status, "reason": self.reason,
                "missing": list(self.missing)}


class Deadlines(NamedTuple):
    one_year_last_day: date | None = None
    days_left: int | None = None
    basis: str | None = None  # "notification" | "decision"

    def to_json(self) -> dict:
        last = self.one_year_last_day
        return {"one_year_last_day": last.isoformat() if last else None, "days_left": self.days_left,
                "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Assessment:
    overall: str
    criteria: tuple[Criterion, ...]
    excluded_claims: tuple[str, ...]
    deadlines: Deadlines
    warnings: tuple[str, ...]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def to_json(self) -> dict:
        """Exactly DESIGN.md §5's shape."""
        return {
            "overall": self.overall,
            "criteria": [criterion.to_json() for criterion in self.criteria],
            "excluded_claims": list(self.excluded_claims),
            "deadlines": self.deadlines.to_json(),
            "warnings": list(self.warnings),
        }


def overall_status(statuses) -> str:
    """DESIGN.md §5: inadmissible if any not_met, else incomplete if any unknown, else admissible."""
    if not isinstance(statuses, (tuple, list)):
        statuses = tuple(statuses)
    if NOT_MET in statuses:
        return INADMISSIBLE
    if UNKNOWN in statuses:
        return INCOMPLETE
    return ADMISSIBLE


class _Findings:
    """Sentences sorted by what they do to the status; the worst decides it."""

    __slots__ = ("not_met", "unknown", "warning", "met", "missing")

    def __init__(self):
        self.not_met: list[str] = []
        self.unknown: list[str] = []
        self.warning: list[str] = []
        self.met: list[str] = []
        self.missing: list[str] = []

    def need(self, *fields: str) -> None:
        for field in fields:
            if field not in self.missing:
                self.missing.append(field)

    def criterion(self, criterion_id: str, default: str = "") -> Criterion:
        if self.not_met:
            status = NOT_MET
        elif self.unknown:
            status = UNKNOWN
        elif self.warning:
            status = WARNING
        else:
            status = MET
        sentences = self.not_met + self.unknown + self.warning + self.met
        return Criterion(criterion_id, ARTICLES[criterion_id], status, " ".join(sentences) or default,
                         tuple(self.missing))


def _criterion(criterion_id: str, status: str, reason: str, missing: tuple[str, ...] = ()) -> Criterion:
    return Criterion(criterion_id, ARTICLES[criterion_id], status, reason, missing)


def _given(text: str | None) -> bool:
    return bool(text and text.strip())


_iso = date.isoformat  # 2013-10-21, as in DESIGN.md §5's example reasons


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _remedy_name(index: int, remedy: Remedy) -> str:
    return remedy.body.strip() if _given(remedy.body) else f"remedy no. {index + 1}"


class _Context:
    """What several criteria need, worked out once."""

    __slots__ = ("facts", "today", "register", "reference", "submitted", "record", "state_status", "warnings",
                 "final_index", "final", "pending")

    def __init__(self, facts: CaseFacts, today: date, register: StatesRegister):
        self.facts = facts
        self.today = today
        self.register = register
        self.submitted = facts.submission_date is not None
        self.reference = facts.submission_date or today
        self.record: StateRecord | None = register.party(facts.state) if facts.state else None
        if self.record is not None:
            self.state_status = PARTY
        else:
            self.state_status = register.status(facts.state) if facts.state else None
        self.warnings: list[str] = []
        self.final_index, self.final = _final_decision(facts.remedies or ())
        self.pending = [index for index, remedy in enumerate(facts.remedies or ()) if remedy.outcome == "pending"]

    def reference_phrase(self) -> str:
        if self.submitted:
            return f"submitted on {_iso(self.reference)}"
        return f"not yet submitted (judged on today, {_iso(self.today)})"


def _effective(remedy: Remedy) -> date | None:
    return remedy.notified or remedy.decided


def _final_decision(remedies) -> tuple[int | None, Remedy | None]:
    """Choice 5: the final remedy with the latest notification (or decision) date."""
    best_index, best, best_day = None, None, None
    for index, remedy in enumerate(remedies):
        if remedy.final is not True or remedy.outcome in _NOT_DECIDED:
            continue
        day = _effective(remedy)
        if best is None or (day is not None and (best_day is None or day >= best_day)):
            best_index, best, best_day = index, remedy, day
    return best_index, best


# --- Article 1 ------------------------------------------------------------------------------------


def _art1(c: _Context) -> Criterion:
    facts, register = c.facts, c.register
    as_of = _iso(register.as_of)
    if not facts.state:
        return _criterion("art1", UNKNOWN, "The State concerned is not recorded.", ("state",))
    if c.state_status == SIGNATORY:
        record = register.signatory(facts.state)
        signed = f" on {_iso(record.signature)}" if record.signature else ""
        return _criterion("art1", NOT_MET, (
            f"{record.name} signed the Optional Protocol{signed} but is not a party to it in the register as of "
            f"{as_of} (source: {register.source}): signature alone does not give the Committee competence, and no "
            "communication concerning a State that is not a party can be received (art. 1(2)). Check the UN Treaty "
            "Collection in case it has ratified since."
        ))
    if c.state_status == NOT_LISTED:
        name = state_name(facts.state) or facts.state
        sentence = (
            f"{name} is not listed as a party to the Optional Protocol in the register as of {as_of} "
            f"(source: {register.source}); this does not show that it is not a party."
        )
        if register.missing_parties:
            sentence += (
                f" The register identifies {len(register.parties)} of the {register.reported_parties} parties the "
                "source reported."
            )
        return _criterion("art1", UNKNOWN, sentence + " Check the UN Treaty Collection.",
                          (f"register:{facts.state}.party_status",))
    record = c.record
    eif = record.entry_into_force
    code = record.iso2
    if eif is None:
        if record.instrument_year is None:
            return _criterion("art1", UNKNOWN, (
                f"{record.name} is listed as a party (register as of {as_of}), but the register has no date for its "
                "instrument or for the Protocol's entry into force for it; check the UN Treaty Collection."
            ), (f"register:{code}.entry_into_force",))
        year = record.instrument_year
        latest = date(year + 1, 12, 31)
        known = (
            f"{record.name} is listed as a party (register as of {as_of}; source: {record.source_note or 'none'}; "
            f"not verified), but only the year of its instrument ({year}) is known, so the date on which the "
            "Protocol entered into force for it (three months after the deposit, art. 18(2)) is unknown."
        )
        if c.reference > latest:
            c.warnings.append(
                f"The register's entry for {record.name} is not verified and has no entry-into-force date: confirm "
                "in the UN Treaty Collection that it is a party and when the Protocol entered into force for it."
            )
            return _criterion("art1", MET, (
                f"{known} The communication, {c.reference_phrase()}, is later than {_iso(latest)}, the end of the year "
                f"after {year}, so the Protocol was in force for it in any case; confirm in the UN Treaty Collection."
            ))
        return _criterion("art1", UNKNOWN, (
            f"{known} Whether it was in force for {record.name} when the communication was "
            f"{'submitted' if c.submitted else 'assessed'} ({_iso(c.reference)}) cannot be said before "
            f"{_iso(latest)}; check the UN Treaty Collection."
        ), (f"register:{code}.entry_into_force",))
    doubt = ""
    if not record.eif_verified:
        doubt = (
            f" The exact day of entry into force is not verified (register: {_iso(eif)}; source: "
            f"{record.source_note or 'none'}); check the UN Treaty Collection."
        )
        if abs((c.reference - eif).days) <= EIF_UNCERTAINTY_DAYS:
            return _criterion("art1", UNKNOWN, (
                f"{record.name} is a party to the Optional Protocol, but the communication, {c.reference_phrase()}, is "
                f"within {EIF_UNCERTAINTY_DAYS} days of the date of entry into force the register gives ({_iso(eif)}), "
                f"which is not verified.{doubt}"
            ), (f"register:{code}.entry_into_force",))
    if c.reference < eif:
        when = f"submitted on {_iso(c.reference)}" if c.submitted else f"not yet submitted (today is {_iso(c.today)})"
        return _criterion("art1", NOT_MET, (
            f"The Optional Protocol entered into force for {record.name} on {_iso(eif)} (art. 18); the communication, "
            f"{when}, comes before that date, when the Committee is not yet competent to receive it (art. 1). It can be "
            f"submitted from {_iso(eif)}.{doubt}"
        ))
    return _criterion("art1", MET, (
        f"{record.name} is a party to the Optional Protocol, which entered into force for it on {_iso(eif)} "
        f"(register as of {as_of}, source: {register.source}).{doubt}"
    ))


# --- Article 2 ------------------------------------------------------------------------------------


def _art2(c: _Context) -> Criterion:
    facts = c.facts
    found = _Findings()
    jurisdiction = facts.victims_under_jurisdiction
    state = (c.record.name if c.record else None) or state_name(facts.state) or facts.state or "the State"
    if jurisdiction is False:
        found.not_met.append(
            f"The victims are recorded as not under the jurisdiction of {state}: a communication must concern "
            "individuals under the jurisdiction of the State party (art. 2; e.g. acts of another State's courts, "
            "M.L.B. v. Luxembourg, E/C.12/66/D/20/2017, para. 7.5)."
        )
    elif jurisdiction is None:
        found.unknown.append(f"Whether the victims are under the jurisdiction of {state} is not recorded.")
        found.need("victims_under_jurisdiction")
    else:
        found.met.append(f"The victims are under the jurisdiction of {state}.")

    victim, behalf = facts.author_is_victim, facts.acting_on_behalf
    consent, justified = facts.consent, _given(facts.consent_justification)
    if victim is None and behalf is None:
        found.unknown.append("Whether the author is a victim or acts on behalf of victims is not recorded.")
        found.need("author_is_victim", "acting_on_behalf")
    elif victim is False and behalf is False:
        found.not_met.append(
            "The author is recorded as neither a victim nor acting on behalf of victims: a communication must be "
            "submitted by or on behalf of persons claiming to be victims (art. 2; S.C. and G.P. v. Italy, "
            "E/C.12/65/D/22/2017, para. 6.19)."
        )
    elif behalf is None:
        if victim is True:
            found.met.append("The author claims to be a victim.")
        found.unknown.append("Whether the author also acts on behalf of other victims is not recorded.")
        found.need("acting_on_behalf")
    elif behalf is True:
        if victim is True:
            found.met.append("The author claims to be a victim.")
        elif victim is None:
            found.need("author_is_victim")
        others = "other victims" if victim is True else "the victims"
        if consent == "yes":
            found.met.append(f"The author acts on behalf of {others} with their consent.")
        elif justified:
            found.warning.append(
                f"The author acts on behalf of {others} without {'recorded ' if consent == 'unknown' else ''}consent "
                "and gives a justification (consent_justification): the Committee must accept that acting without "
                "consent is justified (art. 2, second sentence)."
            )
        elif consent == "no":
            rule = ("claims made on behalf of others without consent are inadmissible (art. 2; Martínez de "
                    "Orellana v. Venezuela, E/C.12/77/D/242/2021, para. 7.3)")
            if victim is True:
                found.met.append(
                    f"The author acts on behalf of other victims without their consent and without a justification: "
                    f"the author's own claims go on, but {rule}."
                )
                c.warnings.append(
                    "Art. 2: the claims made on behalf of the other victims, without their consent or a justification, "
                    "are inadmissible; only the author's own claims go on."
                )
            else:
                found.not_met.append(
                    f"The author acts on behalf of the victims without their consent and without a justification: {rule}."
                )
        else:
            found.unknown.append(f"Whether {others} consented to the author acting on their behalf is not recorded.")
            found.need("consent", "consent_justification")
    else:  # acting_on_behalf is False
        if victim is True:
            found.met.append("The author claims to be a victim and does not act on behalf of others.")
        else:
            found.unknown.append("The author does not act on behalf of others, and whether the author is a victim is "
                                 "not recorded.")
            found.need("author_is_victim")
    return found.criterion("art2")


# --- Article 3(1) ---------------------------------------------------------------------------------


def _decision_phrase(index: int, remedy: Remedy) -> str:
    parts = f"the {remedy.body.strip()} decision" if _given(remedy.body) else f"the decision on remedy no. {index + 1}"
    if remedy.decided:
        parts += f" of {_iso(remedy.decided)}"
    if remedy.notified:
        parts += f", notified on {_iso(remedy.notified)}"
    return parts


def _art3_1(c: _Context) -> Criterion:
    facts = c.facts
    found = _Findings()
    exception = facts.remedies_exception
    claimed = exception is not None and exception.reason is not None
    if exception is not None:
        if exception.reason is None:
            found.unknown.append("An exception to exhaustion is recorded without its reason.")
            found.need("remedies_exception.reason")
        else:
            found.warning.append(
                f"The author argues that domestic remedies are {_EXCEPTION_WORDS[exception.reason]} "
                "(art. 3(1), second sentence): the author must show it; mere doubts about a remedy's chances of success "
                "do not excuse using it (M.L.B. v. Luxembourg, para. 7.4)."
            )
        if not _given(exception.explanation):
            found.need("remedies_exception.explanation")

    for index, unused in enumerate(facts.unused_remedies or ()):
        name = unused.name.strip() if _given(unused.name) else f"unused remedy no. {index + 1}"
        if unused.reason == "none":
            found.not_met.append(
                f"{_capitalised(name)} was not used and no reason is given: available remedies must be exhausted (art. 3(1)); "
                "mere doubts about its chances of success do not excuse it (M.L.B. v. Luxembourg, para. 7.4)."
            )
        elif unused.reason is None:
            found.unknown.append(f"Why {name} was not used is not recorded.")
            found.need(f"unused_remedies.{index}.reason")
        else:
            found.warning.append(
                f"{_capitalised(name)} was not used because, the author says, it is {_EXCEPTION_WORDS[unused.reason]}: "
                "an exception the author must show (art. 3(1))."
            )
            if not _given(unused.explanation):
                found.need(f"unused_remedies.{index}.explanation")

    remedies = facts.remedies
    if remedies is None:
        found.unknown.append("The domestic remedies used are not recorded.")
        found.need("remedies")
        return found.criterion("art3_1")

    for index in c.pending:
        remedy = remedies[index]
        filed = f" (filed on {_iso(remedy.filed)})" if remedy.filed else ""
        sentence = f"{_capitalised(_remedy_name(index, remedy))}{filed} is still pending"
        if claimed:
            found.warning.append(f"{sentence}; the author relies on the exception to exhaustion.")
        else:
            found.not_met.append(
                f"{sentence}: domestic remedies are not exhausted (art. 3(1)). Wait for the final decision and submit "
                "within a year of its notification, or record why the remedy is unreasonably prolonged "
                "(remedies_exception)."
            )

    if c.final is not None:
        final = c.final
        outcome = f" ({final.outcome.replace('_', ' ')})" if final.outcome else ""
        found.met.append(f"The final domestic decision is {_decision_phrase(c.final_index, final)}{outcome}.")
        if final.outcome in ("granted", "partly_granted"):
            c.warnings.append(
                f"The final decision of {_remedy_name(c.final_index, final)} "
                f"{'granted' if final.outcome == 'granted' else 'partly granted'} the remedy: explain why the author is "
                "still a victim of a violation (art. 2), e.g. the decision was not enforced."
            )
    elif not c.pending:
        decided = [(index, remedy) for index, remedy in enumerate(remedies) if remedy.outcome not in _NOT_DECIDED]
        unknown_final = [index for index, remedy in decided if remedy.final is None]
        withdrawn = [index for index, remedy in enumerate(remedies) if remedy.outcome == "withdrawn"]
        if claimed:
            pass  # the warning above says it all: no final decision, the author relies on the exception
        elif unknown_final:
            found.unknown.append("Whether the decision on "
                                 + ", ".join(_remedy_name(i, remedies[i]) for i in unknown_final)
                                 + " was final (no further remedy available) is not recorded.")
            found.need(*(f"remedies.{index}.final" for index in unknown_final))
        elif decided:
            index, remedy = max(decided, key=lambda pair: (_effective(pair[1]) or date.min, pair[0]))
            found.not_met.append(
                f"No decision is recorded as final: {_decision_phrase(index, remedy)} could still be challenged, so "
                "domestic remedies are not exhausted (art. 3(1))."
            )
        elif withdrawn:
            found.not_met.append(
                "The author withdrew " + ", ".join(_remedy_name(i, remedies[i]) for i in withdrawn)
                + " and no final decision followed: a withdrawn remedy is not exhausted (art. 3(1))."
            )
        elif not found.warning and not found.not_met and not found.unknown:
            found.unknown.append(
                "No domestic remedy is recorded as used, and no reason is given why none was: the author must exhaust "
                "available remedies or show that they are unavailable, ineffective or unreasonably prolonged (art. 3(1); "
                "Ziablitsev v. France, E/C.12/71/D/176/2020, paras 6.5-6.7)."
            )
            found.need("remedies", "unused_remedies", "remedies_exception")
    return found.criterion("art3_1")


# --- Article 3(2)(a) ------------------------------------------------------------------------------


def _one_year_start(final: Remedy | None) -> tuple[str, date] | tuple[None, None]:
    """(basis, day) from which the year runs: the final decision's notification, else its date; (None,
    None) when there is no final decision or its dates cannot be used (missing, or notified before taken)."""
    if final is None or (final.notified is None and final.decided is None):
        return None, None
    if final.notified is not None and final.decided is not None and final.notified < final.decided:
        return None, None
    if final.notified is not None:
        return BASIS_NOTIFICATION, final.notified
    return BASIS_DECISION, final.decided


def one_year_count(facts: CaseFacts) -> tuple[date, date] | None:
    """(the day the year is counted from, the last day) under art. 3(2)(a), exactly as ``assess``
    reports them, from the facts alone: the States register plays no part in the count, so both can be
    stored with the facts. None when the year cannot be counted."""
    _index, final = _final_decision(facts.remedies or ())
    _basis, start = _one_year_start(final)
    return (start, deadlines.one_year_last_day(start)) if start is not None else None


def one_year_last_day(facts: CaseFacts) -> date | None:
    count = one_year_count(facts)
    return count[1] if count else None


def _art3_2_a(c: _Context) -> tuple[Criterion, Deadlines]:
    facts = c.facts
    final, index = c.final, c.final_index
    exception = _given(facts.one_year_exception)
    if final is None:
        if c.pending:
            names = ", ".join(_remedy_name(i, facts.remedies[i]) for i in c.pending)
            return _criterion("art3_2_a", NOT_APPLICABLE, (
                f"The one-year limit has not started: {names} is still pending, and the year runs from the day after "
                "notification of the final domestic decision (López Rodríguez v. Spain, E/C.12/57/D/1/2013, para. 8.3)."
            )), Deadlines()
        if facts.remedies_exception is not None and facts.remedies_exception.reason is not None:
            return _criterion("art3_2_a", NOT_APPLICABLE, (
                "There is no final domestic decision from which to count the year: the author relies on the exception "
                "to exhaustion (art. 3(1)). Submit without delay."
            )), Deadlines()
        if facts.remedies is None:
            return _criterion("art3_2_a", UNKNOWN, (
                "The final domestic decision is not known: the domestic remedies are not recorded."
            ), ("remedies",)), Deadlines()
        missing = tuple(f"remedies.{i}.final" for i, remedy in enumerate(facts.remedies)
                        if remedy.final is None and remedy.outcome not in _NOT_DECIDED)
        return _criterion("art3_2_a", UNKNOWN, (
            "No final domestic decision is recorded, so the one-year limit cannot be counted."
        ), missing or ("remedies",)), Deadlines()

    name = _remedy_name(index, final)
    if final.notified is None and final.decided is None:
        return _criterion("art3_2_a", UNKNOWN, (
            f"The dates of the final decision ({name}) are not recorded, so the one-year limit cannot be counted."
        ), (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()
    if final.notified is not None and final.decided is not None and final.notified < final.decided:
        return _criterion("art3_2_a", UNKNOWN, (
            f"The final decision ({name}) is recorded as notified on {_iso(final.notified)}, before it was taken on "
            f"{_iso(final.decided)}: correct the dates before the one-year limit can be counted."
        ), (f"remedies.{index}.notified", f"remedies.{index}.decided")), Deadlines()

    basis, start = _one_year_start(final)
    if basis == BASIS_NOTIFICATION:
        counted = f"notification of the final decision ({_iso(start)})"
    else:
        counted = (f"the final decision ({_iso(start)}; its notification date is not recorded, so the year is counted "
                   "from the decision, which can only bring the last day earlier)")
    last = deadlines.one_year_last_day(start)
    left = deadlines.days_left(last, c.reference)
    schedule = Deadlines(last, left, basis)

    if c.submitted:
        submitted = _iso(facts.submission_date)
        if left >= 0:
            return _criterion("art3_2_a", MET, (
                f"Submitted on {submitted}, within one year of {counted}; last day {_iso(last)}."
            )), schedule
        late = f"Submitted on {submitted}, after the last day {_iso(last)}, one year from {counted}."
    else:
        if left >= 0:
            return _criterion("art3_2_a", MET, (
                f"Not yet submitted: in time if submitted by {_iso(last)}, one year from {counted}; {left} days left as "
                f"of {_iso(c.today)}."
            )), schedule
        late = (f"Not yet submitted, and the last day, {_iso(last)} (one year from {counted}), passed {-left} days "
                f"before today ({_iso(c.today)}).")
    if basis == BASIS_DECISION:
        return _criterion("art3_2_a", UNKNOWN, (
            f"{late} The notification may have come later and moved the last day: record it."
        ), (f"remedies.{index}.notified",)), schedule
    if exception:
        return _criterion("art3_2_a", WARNING, (
            f"{late} The author explains why it was not possible to submit in time (one_year_exception): an exception "
            "the author must demonstrate (art. 3(2)(a))."
        )), schedule
    return _criterion("art3_2_a", NOT_MET, (
        f"{late} The year runs from the day after notification (López Rodríguez v. Spain, para. 8.3); no reason why "
        "submission in time was not possible is recorded (one_year_exception)."
    )), schedule


# --- Article 3(2)(b) ------------------------------------------------------------------------------

_PERSIST = ("Effects that merely extend in time are not continuing facts (Merino Sierra v. Spain, E/C.12/59/D/4/2014, "
            "para. 6.7; Alarcón Flores et al. v. Ecuador, E/C.12/62/D/14/2016, paras 9.8-9.12).")


def _art3_2_b(c: _Context) -> Criterion:
    facts = c.facts
    if not facts.state:
        return _criterion("art3_2_b", UNKNOWN, (
            "The State concerned is not recorded, so the Protocol's entry into force for it is not known."
        ), ("state",))
    if c.state_status == SIGNATORY:
        return _criterion("art3_2_b", NOT_APPLICABLE, (
            "The State is a signatory, not a party: the Protocol has not entered into force for it (art. 1)."
        ))
    if c.state_status == NOT_LISTED:
        return _criterion("art3_2_b", UNKNOWN, (
            f"The State is not listed in the register as of {_iso(c.register.as_of)}, so the Protocol's entry into "
            "force for it is not known; check the UN Treaty Collection."
        ), (f"register:{facts.state}.party_status",))
    record = c.record
    eif = record.entry_into_force
    start, end = facts.facts_start, facts.facts_end

    if eif is None:
        missing = (f"register:{record.iso2}.entry_into_force",)
        if record.instrument_year is None:
            return _criterion("art3_2_b", UNKNOWN, (
                f"The date on which the Protocol entered into force for {record.name} is not in the register."
            ), missing)
        latest = date(record.instrument_year + 1, 12, 31)
        unknown_eif = (f"The date on which the Protocol entered into force for {record.name} is unknown (only the year "
                       f"of its instrument, {record.instrument_year}, is known, not verified)")
        if start is not None and start > latest:
            return _criterion("art3_2_b", MET, (
                f"{unknown_eif}, but the facts began on {_iso(start)}, after {_iso(latest)}, the end of the year after "
                "the instrument, when the Protocol was in force for it in any case (art. 18(2))."
            ))
        began = f"the facts began on {_iso(start)}" if start else "the date the facts began is not recorded"
        return _criterion("art3_2_b", UNKNOWN, (
            f"{unknown_eif}, and {began}: whether they occurred before entry into force cannot be said; check the UN "
            "Treaty Collection."
        ), missing + (() if start else ("facts_start",)))

    eif_text = f"the Protocol's entry into force for {record.name} on {_iso(eif)}"
    if not record.eif_verified:
        near = [day for day in (start, end) if day is not None and abs((day - eif).days) <= EIF_UNCERTAINTY_DAYS]
        near += [remedy.decided for remedy in facts.remedies or ()
                 if remedy.decided is not None and remedy.outcome not in _NOT_DECIDED
                 and abs((remedy.decided - eif).days) <= EIF_UNCERTAINTY_DAYS]
        if near:
            return _criterion("art3_2_b", UNKNOWN, (
                f"A decisive date ({_iso(min(near))}) is within {EIF_UNCERTAINTY_DAYS} days of {eif_text}, and that day "
                f"is not verified (source: {record.source_note or 'none'}); check the UN Treaty Collection."
            ), (f"register:{record.iso2}.entry_into_force",))

    if start is not None and start >= eif:
        return _criterion("art3_2_b", MET, f"The facts began on {_iso(start)}, on or after {eif_text}.")

    began = f"The facts began on {_iso(start)}, before {eif_text}" if start else \
        f"The date the facts began is not recorded (entry into force for {record.name}: {_iso(eif)})"

    substantive, uncertain, missing = [], [], []
    for index, remedy in enumerate(facts.remedies or ()):
        if remedy.outcome in _NOT_DECIDED:
            continue  # a pending review does not bring the case within time (Alarcón Flores, paras 9.8-9.12)
        if remedy.decided is None:
            if remedy.notified is not None and remedy.notified < eif:
                continue
            uncertain.append(index)
            missing.append(f"remedies.{index}.decided")
            continue
        if remedy.decided < eif or remedy.addressed_substance is False:
            continue
        if remedy.addressed_substance is True:
            substantive.append(index)
        else:
            uncertain.append(index)
            missing.append(f"remedies.{index}.addressed_substance")

    if substantive:
        index = substantive[-1]
        remedy = facts.remedies[index]
        return _criterion("art3_2_b", MET, (
            f"{began}, but {_decision_phrase(index, remedy)}, taken on or after that date, addressed the substance of "
            "the alleged violation: a post-entry-into-force decision in proceedings directly connected to the facts "
            "that could have remedied them counts as a fact within time (I.D.G. v. Spain, E/C.12/55/D/2/2014, "
            "para. 9.3; Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, para. 8.3)."
        ))
    if end is not None and end >= eif:
        lasted = (f"{began}, and lasted until {_iso(end)}, after that date" if start else
                  f"The facts lasted until {_iso(end)}, after {eif_text} (the date they began is not recorded)")
        return _criterion("art3_2_b", MET, (
            f"{lasted}; the Committee can examine the facts after entry into force. Check that they are acts or "
            f"omissions of the State, not their effects: {_PERSIST}"
        ))
    if uncertain:
        names = ", ".join(_remedy_name(i, facts.remedies[i]) for i in uncertain)
        return _criterion("art3_2_b", UNKNOWN, (
            f"{began}. Whether the decision on {names} was taken after that date and addressed the substance (not "
            "purely formal points) is not recorded; such a decision would bring the facts within time (I.D.G. v. "
            "Spain, para. 9.3)."
        ), tuple(missing))
    if facts.continuing == "yes":
        return _criterion("art3_2_b", WARNING, (
            f"{began}; the author says they continued after that date (art. 3(2)(b)): an exception the author must "
            f"show. {_PERSIST}"
        ))
    if start is None and end is None:
        return _criterion("art3_2_b", UNKNOWN, (
            f"When the facts occurred is not recorded (entry into force for {record.name}: {_iso(eif)})."
        ), ("facts_start", "facts_end"))
    if end is None:
        return _criterion("art3_2_b", UNKNOWN, (
            f"{began}, and neither when they ended nor whether they continue is recorded."
        ), ("facts_end",) + (("continuing",) if facts.continuing == "unknown" else ()))
    if facts.continuing == "unknown":
        return _criterion("art3_2_b", UNKNOWN, (
            f"{began} and ended on {_iso(end)}; whether they continued after entry into force is not recorded."
        ), ("continuing",))
    return _criterion("art3_2_b", NOT_MET, (
        f"{began} and ended on {_iso(end)}, before it; they did not continue after that date, and no domestic decision "
        f"taken after it addressed their substance (art. 3(2)(b)). {_PERSIST}"
    ))


# --- Article 3(2)(c) ------------------------------------------------------------------------------


def _art3_2_c(c: _Context) -> Criterion:
    procedures = c.facts.other_procedures
    if procedures is None:
        return _criterion("art3_2_c", UNKNOWN, (
            "Whether the same matter was submitted to another procedure of international investigation or settlement "
            "is not recorded."
        ), ("other_procedures",))
    if not procedures:
        return _criterion("art3_2_c", MET, "No other procedure of international investigation or settlement is recorded.")
    found = _Findings()
    for index, procedure in enumerate(procedures):
        body = procedure.body.strip() if _given(procedure.body) else f"procedure no. {index + 1}"
        on = f" on {_iso(procedure.date)}" if procedure.date else ""
        if procedure.same_matter is False:
            found.met.append(f"{body} concerns a different matter.")
            continue
        if procedure.same_matter is None:
            found.unknown.append(f"Whether {body} concerns the same matter (same parties, events and rights) is not "
                                 "recorded.")
            found.need(f"other_procedures.{index}.same_matter")
            continue
        status = procedure.status
        if status == "pending":
            found.not_met.append(f"The same matter is being examined by {body} (art. 3(2)(c)).")
        elif status == "examined":
            found.not_met.append(f"The same matter has been examined by {body}{on} (art. 3(2)(c)).")
        elif status == "declared_inadmissible_unreasoned":
            found.met.append(
                f"{body} declared the same matter inadmissible{on} without reasons: an unreasoned decision is not an "
                "examination (Merino Sierra v. Spain, E/C.12/59/D/4/2014, paras 6.4-6.5)."
            )
        elif status == "declared_inadmissible_reasoned":
            found.unknown.append(
                f"{body} declared the same matter inadmissible{on} with reasons: it was 'examined' only if the reasons "
                "went beyond purely formal admissibility criteria (Merino Sierra, paras 6.4-6.5). Read the decision; "
                "if it examined the substance, record the status 'examined'."
            )
            found.need(f"other_procedures.{index}.status")
        elif status == "withdrawn":
            found.met.append(f"The same matter was withdrawn from {body}{on} before any examination.")
        else:
            found.unknown.append(f"The status of the same matter before {body} is not recorded.")
            found.need(f"other_procedures.{index}.status")
    return found.criterion("art3_2_c")


# --- Article 3(2)(d) ------------------------------------------------------------------------------

@cache
def _claim(code: str) -> tuple[bool, bool, bool]:
    """(a Covenant right?, only an accessory article 1-3?, art. 11 / 11(1)?) for a ``rights_invoked`` entry."""
    normalised = normalise_code(code)
    covenant = is_covenant_right(normalised)
    right = BY_CODE.get(normalised)
    accessory = covenant and (right.accessory if right else normalised.split("(")[0] in ("1", "2", "3"))
    return covenant, accessory, normalised in ("11", "11(1)")


def _excluded(facts: CaseFacts) -> tuple[str, ...]:
    excluded: list[str] = []
    for claim in facts.other_instruments_invoked or ():
        if claim not in excluded:
            excluded.append(claim)
    for code in facts.rights_invoked or ():
        if not _claim(code)[0] and code not in excluded:
            excluded.append(code)
    return tuple(excluded)


def _art3_2_d(c: _Context, excluded: tuple[str, ...]) -> Criterion:
    facts = c.facts
    rule = ("Claims under other instruments are incompatible with the Covenant and excluded (art. 3(2)(d); V.T.F. and "
            "A.F.L. v. Spain, E/C.12/56/D/6/2015, para. 4.2)")
    excluded_sentence = f" {rule}: {', '.join(excluded)}." if excluded else ""
    if facts.rights_invoked is None:
        return _criterion("art3_2_d", UNKNOWN, (
            "The Covenant rights invoked are not recorded." + excluded_sentence
        ), ("rights_invoked",))
    covenant = [code for code in facts.rights_invoked if _claim(code)[0]]
    if not covenant:
        return _criterion("art3_2_d", NOT_MET, (
            "No right set forth in the Covenant is invoked, so no claim is left to examine (art. 3(2)(d))."
            + excluded_sentence
        ))
    if all(_claim(code)[1] for code in covenant):
        c.warnings.append(
            "Only articles 1, 2 or 3 of the Covenant are invoked: the Committee reads them together with a substantive "
            "right (arts 6-15); name the substantive right violated."
        )
    if any(_claim(code)[2] for code in covenant):
        c.warnings.append(
            "In housing cases (art. 11(1)) the Committee weighs whether the author applied in time for social or "
            "emergency housing, for exhaustion and substantiation (e.g. Loor Chila v. Spain, E/C.12/70/D/102/2019, "
            "para. 6.4)."
        )
    sentence = f"The claims under the Covenant ({', '.join(covenant)}) are compatible with it."
    if excluded:
        sentence += f"{excluded_sentence} The assessment goes on with the Covenant claims."
    return _criterion("art3_2_d", MET, sentence)


# --- Article 3(2)(e), (f), (g) and Article 4 --------------------------------------------------------


def _art3_2_e(c: _Context) -> Criterion:
    facts = c.facts
    found = _Findings()
    if facts.only_mass_media_reports is True:
        found.not_met.append("The communication is based exclusively on reports disseminated by mass media "
                             "(art. 3(2)(e)).")
    elif facts.only_mass_media_reports is None:
        found.unknown.append("Whether the communication rests only on mass-media reports is not recorded.")
        found.need("only_mass_media_reports")
    else:
        found.met.append("The communication does not rest only on mass-media reports.")
    if facts.substantiated == "no":
        found.not_met.append("The claims are recorded as not sufficiently substantiated or manifestly ill-founded "
                             "(art. 3(2)(e)).")
    elif facts.substantiated == "unknown":
        found.unknown.append("Whether the claims are sufficiently substantiated is not yet determined.")
        found.need("substantiated")
    else:
        found.met.append("The claims are recorded as sufficiently substantiated.")
    return found.criterion("art3_2_e")


def _art3_2_f(c: _Context) -> Criterion:
    abuse = c.facts.abuse
    if abuse == "yes":
        return _criterion("art3_2_f", NOT_MET, (
            "The communication is recorded as an abuse of the right to submit one, which typically arises from "
            "submission in bad faith (art. 3(2)(f); M.B.B. v. Spain, E/C.12/68/D/79/2018, para. 9.5)."
        ))
    if abuse == "no":
        return _criterion("art3_2_f", MET, "No abuse of the right to submit a communication is recorded.")
    return _criterion("art3_2_f", UNKNOWN, (
        "Whether the communication is an abuse of the right of submission (e.g. bad faith) is not yet determined; a "
        "mere lack of diligence is not in itself an abuse (Taghzouti Ezqouihel, E/C.12/69/D/56/2018, para. 6.3)."
    ), ("abuse",))


def _art3_2_g(c: _Context) -> Criterion:
    facts = c.facts
    found = _Findings()
    if facts.anonymous is True:
        found.not_met.append("The communication is anonymous (art. 3(2)(g)).")
    elif facts.anonymous is None:
        found.unknown.append("Whether the communication is anonymous is not recorded.")
        found.need("anonymous")
    else:
        found.met.append("The communication is not anonymous.")
    if facts.in_writing is False:
        found.not_met.append("The communication is not in writing (art. 3(2)(g)).")
    elif facts.in_writing is None:
        found.unknown.append("Whether the communication is in writing is not recorded.")
        found.need("in_writing")
    else:
        found.met.append("It is in writing.")
    return found.criterion("art3_2_g")


def _art4(c: _Context) -> Criterion:
    facts = c.facts
    discretion = ("Article 4 is not an admissibility requirement but a discretion of the Committee (Ben Djazia and "
                  "Bellili v. Spain, E/C.12/61/D/5/2015, para. 11.5).")
    importance = facts.general_importance == "yes"
    if facts.clear_disadvantage == "yes":
        return _criterion("art4", MET, "The author has suffered a clear disadvantage.")
    if facts.clear_disadvantage == "no":
        proviso = (" The author argues that the communication raises a serious issue of general importance, which the "
                   "Committee may accept." if importance else
                   " No serious issue of general importance is claimed.")
        return _criterion("art4", WARNING, (
            f"The communication does not reveal a clear disadvantage, so the Committee may decline to consider it.{proviso} "
            f"{discretion}"
        ))
    if importance:
        return _criterion("art4", WARNING, (
            "Whether the author suffered a clear disadvantage is not recorded; the author argues that the communication "
            f"raises a serious issue of general importance. {discretion}"
        ))
    return _criterion("art4", UNKNOWN, (
        f"Whether the author suffered a clear disadvantage is not recorded. {discretion}"
    ), ("clear_disadvantage", "general_importance"))


# --- putting it together --------------------------------------------------------------------------


def _date_order_warnings(facts: CaseFacts, warnings: list[str]) -> None:
    if facts.facts_start and facts.facts_end and facts.facts_end < facts.facts_start:
        warnings.append(f"The facts are recorded as ending ({_iso(facts.facts_end)}) before they began "
                        f"({_iso(facts.facts_start)}): check facts_start and facts_end.")
    for index, remedy in enumerate(facts.remedies or ()):
        if remedy.filed and remedy.decided and remedy.decided < remedy.filed:
            warnings.append(f"{_remedy_name(index, remedy)} is recorded as decided ({_iso(remedy.decided)}) before it "
                            f"was filed ({_iso(remedy.filed)}): check remedies.{index}.")


def assess(facts: CaseFacts, *, today: date, register: StatesRegister) -> Assessment:
    """The assessment of ``facts`` on ``today`` against ``register`` (DESIGN.md §5). Pure and deterministic."""
    c = _Context(facts, today, register)
    excluded = _excluded(facts)
    one_year, schedule = _art3_2_a(c)
    criteria = (
        _art1(c), _art2(c), _art3_1(c), one_year, _art3_2_b(c), _art3_2_c(c), _art3_2_d(c, excluded),
        _art3_2_e(c), _art3_2_f(c), _art3_2_g(c), _art4(c),
    )
    warnings = c.warnings
    if not c.submitted and schedule.one_year_last_day is not None:
        level = deadlines.warning_level(schedule.days_left)
        if level is not None:
            label = deadlines.deadline_label(schedule.one_year_last_day, today)
            if level == deadlines.PASSED:
                warnings.insert(0, f"{label}: the one-year limit of art. 3(2)(a) has passed.")
            else:
                warnings.insert(0, f"{label}: {level}-day warning for the one-year limit of art. 3(2)(a).")
    _date_order_warnings(facts, warnings)
    return Assessment(
        overall=overall_status([criterion.status for criterion in criteria]),
        criteria=criteria,
        excluded_claims=excluded,
        deadlines=schedule,
        warnings=tuple(warnings),
    )
