"""The communication before the Committee, as data: what is recorded at each step, the decisions and
follow-up grades, the publicity checklist, and the deadlines derived from the recorded dates
(domain/OP-ICESCR.md §§6–7). Pure: no Flask, no database.

Deadlines (kind → basis date → due date), each only while it is still open:

* ``one_year_limit`` — art. 3(2)(a): from the notification of the final domestic decision; open until
  the communication is submitted to the Committee (reports in screening and strategic candidates).
* ``state_observations`` — art. 6(2): six months from transmission to the State, until received.
* ``merits_observations`` — rule 15(2) of the 2022 rules: four months from transmittal of a separate
  admissibility decision, until received.
* ``author_comments`` — the date set in the Secretariat's letter (the user enters it; two months after
  the letter is only a suggestion, UNVERIFIED for CESCR), until the comments are sent.
* ``follow_up_response`` — art. 9(2): six months from transmittal of Views finding a violation, until
  the State's response is received.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from caseapp.domain import deadlines, stages
from caseapp.domain.i18n import N_, Labels, Text

INADMISSIBLE = "inadmissible"
VIEWS_VIOLATION = "views_violation"
VIEWS_NO_VIOLATION = "views_no_violation"
DISCONTINUED = "discontinued"
DECISION_TYPES: tuple[tuple[str, str], ...] = (
    (INADMISSIBLE, N_("Inadmissible")),
    (VIEWS_VIOLATION, N_("Views: violation found")),
    (VIEWS_NO_VIOLATION, N_("Views: no violation")),
    (DISCONTINUED, N_("Discontinued")),
)

INTERIM_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("pending", N_("Requested, not yet decided")), ("granted", N_("Granted")), ("refused", N_("Refused")),
)
COMPLIANCE: tuple[tuple[str, str], ...] = (
    ("unknown", N_("Not known")), ("complied", N_("Complied with")), ("partly_complied", N_("Partly complied with")),
    ("not_complied", N_("Not complied with")),
)
FOLLOW_UP_GRADES: tuple[tuple[str, str], ...] = (
    ("satisfactory", N_("Satisfactory")), ("partly_satisfactory", N_("Partly satisfactory")),
    ("not_satisfactory", N_("Not satisfactory")), ("no_response", N_("No response")),
)
FOLLOW_UP_PROCEDURE: tuple[tuple[str, str], ...] = (
    ("continued", N_("Procedure continued")), ("closed", N_("Procedure closed")),
)

# The publicity checklist of each decision (issue 6, item 5).
PUBLICITY_KINDS: tuple[tuple[str, str], ...] = (
    ("translation", N_("Translation into the national language(s)")),
    ("press_release", N_("Press release")),
    ("authorities", N_("Transmission to national authorities")),
    ("courts", N_("Transmission to national courts")),
    ("partner_network", N_("Dissemination in the partner network")),
    ("ohchr_database", N_("Entry in the OHCHR jurisprudence database")),
    ("escr_net_database", N_("Entry in the ESCR-Net caselaw database")),
)
PUBLICITY_REMINDER_DAYS = 30
# A media item's reach in people: more than any outlet has, and within the database's integer column.
MAX_MEDIA_REACH = 2_000_000_000

ONE_YEAR_LIMIT = "one_year_limit"
STATE_OBSERVATIONS = "state_observations"
MERITS_OBSERVATIONS = "merits_observations"
AUTHOR_COMMENTS = "author_comments"
FOLLOW_UP_RESPONSE = "follow_up_response"
DEADLINE_KINDS: tuple[tuple[str, str], ...] = (
    (ONE_YEAR_LIMIT, N_("One-year limit to submit (art. 3(2)(a))")),
    (STATE_OBSERVATIONS, N_("State's observations (art. 6(2))")),
    (MERITS_OBSERVATIONS, N_("State's observations on the merits (rule 15(2))")),
    (AUTHOR_COMMENTS, N_("Author's comments (Secretariat's letter)")),
    (FOLLOW_UP_RESPONSE, N_("State's follow-up response (art. 9(2))")),
)

# Before the Committee has the communication, the one-year limit still runs.
_BEFORE_SUBMISSION = (*stages.SCREENING_STAGES, stages.CANDIDATE, stages.PREPARING)
# While the Committee examines the communication, the exchange of observations runs.
_UNDER_EXAMINATION = (stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED, stages.OBSERVATIONS, stages.COMMENTS)


def one_year_limit_runs(stage: str) -> bool:
    """Whether the one-year limit still matters for a case at ``stage``: from the draft until the
    communication is submitted to the Committee. After that — before the Committee, decided, closed,
    declined or withdrawn — it has been met or missed for good, and no page counts it down (issue 17,
    point 5)."""
    return stage == stages.DRAFT or stage in _BEFORE_SUBMISSION


@dataclass(frozen=True)
class Record:
    """The dates a case's deadlines derive from (clear columns of the case and its communication)."""

    stage: str
    one_year_basis: date | None = None
    one_year_last_day: date | None = None
    transmitted_on: date | None = None
    state_observations_received_on: date | None = None
    author_comments_letter_on: date | None = None
    author_comments_due: date | None = None
    author_comments_sent_on: date | None = None
    admissibility_transmitted_on: date | None = None
    merits_observations_received_on: date | None = None
    decision_type: str | None = None
    decision_transmitted_on: date | None = None
    follow_up_response_received_on: date | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str
    basis_date: date | None
    due_date: date

    def days_left(self, today: date) -> int:
        return deadlines.days_left(self.due_date, today)


def open_deadlines(record: Record) -> list[Deadline]:
    """The deadlines still open for a case, in the order of the procedure."""
    found = []
    if record.stage in _BEFORE_SUBMISSION and record.one_year_last_day is not None:
        found.append(Deadline(ONE_YEAR_LIMIT, record.one_year_basis, record.one_year_last_day))
    if record.stage in _UNDER_EXAMINATION:
        if record.transmitted_on and not record.state_observations_received_on:
            found.append(Deadline(STATE_OBSERVATIONS, record.transmitted_on,
                                  deadlines.state_observations_due(record.transmitted_on)))
        if record.admissibility_transmitted_on and not record.merits_observations_received_on:
            found.append(Deadline(MERITS_OBSERVATIONS, record.admissibility_transmitted_on,
                                  deadlines.merits_observations_due(record.admissibility_transmitted_on)))
        if record.author_comments_due and not record.author_comments_sent_on:
            found.append(Deadline(AUTHOR_COMMENTS, record.author_comments_letter_on, record.author_comments_due))
    if (record.stage in (stages.DECIDED, stages.FOLLOW_UP) and record.decision_type == VIEWS_VIOLATION
            and record.decision_transmitted_on and not record.follow_up_response_received_on):
        found.append(Deadline(FOLLOW_UP_RESPONSE, record.decision_transmitted_on,
                              deadlines.follow_up_response_due(record.decision_transmitted_on)))
    return found


def publicised_in_country(done_kinds: set[str], media_items: int) -> bool:
    """Whether a decision has reached the country: made public there (a press release or media coverage)
    and transmitted to the State's authorities or courts. A translation is tracked but not required:
    many decisions are adopted in the country's language already (Spain's, in Spanish)."""
    public = "press_release" in done_kinds or media_items > 0
    return public and bool({"authorities", "courts"} & done_kinds)


def publicity_silent_since_cutoff(today: date) -> date:
    """The latest start of a silence that earns a reminder today: the rule's one statement, used here and by
    the dashboard's query (``services.dashboard``), which compares each case's silence with it in SQL."""
    return today - timedelta(days=PUBLICITY_REMINDER_DAYS)


def needs_publicity_reminder(decision_transmitted_on: date | None, last_action_on: date | None, today: date) -> bool:
    """A decision with no publicity action for 30 days (counted from its transmittal when nothing was done)."""
    since = last_action_on or decision_transmitted_on
    return since is not None and since <= publicity_silent_since_cutoff(today)


# --- the communication record ----------------------------------------------------------------------

# Field → label, in the order of the procedure (OP-ICESCR.md §7). Used for forms, the timeline's
# "recorded" entries and the stage requirements' messages.
RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("submitted_on", N_("Submitted to the Committee on")),
    ("registered_on", N_("Registered on")),
    ("communication_number", N_("Communication number")),
    ("un_symbol", N_("UN symbol")),
    ("transmitted_on", N_("Transmitted to the State on")),
    ("state_observations_received_on", N_("State's observations received on")),
    ("author_comments_letter_on", N_("Secretariat's letter asking for comments, dated")),
    ("author_comments_due", N_("Author's comments due on")),
    ("author_comments_sent_on", N_("Author's comments sent on")),
    ("admissibility_decided_on", N_("Separate admissibility decision adopted on")),
    ("admissibility_transmitted_on", N_("Admissibility decision transmitted on")),
    ("merits_observations_received_on", N_("State's observations on the merits received on")),
    ("decision_type", N_("Decision")),
    ("decision_adopted_on", N_("Decision adopted on")),
    ("decision_transmitted_on", N_("Decision transmitted on")),
    ("articles_violated", N_("Articles found violated")),
    ("follow_up_response_received_on", N_("State's follow-up response received on")),
    ("discontinued_on", N_("Discontinued on")),
    ("settlement_on", N_("Friendly settlement reached on")),
)
RECORD_LABELS = dict(RECORD_FIELDS)
# Dates that may lie in the future: the others record what has happened.
FUTURE_DATES_ALLOWED = frozenset({"author_comments_due"})
# (earlier, later): the later cannot precede the earlier.
DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("submitted_on", "registered_on"),
    ("registered_on", "transmitted_on"),
    ("transmitted_on", "state_observations_received_on"),
    ("author_comments_letter_on", "author_comments_due"),
    ("author_comments_letter_on", "author_comments_sent_on"),
    ("admissibility_decided_on", "admissibility_transmitted_on"),
    ("admissibility_transmitted_on", "merits_observations_received_on"),
    ("submitted_on", "decision_adopted_on"),
    ("decision_adopted_on", "decision_transmitted_on"),
    ("decision_transmitted_on", "follow_up_response_received_on"),
)
# Matched whole (fullmatch): "$" alone would let a trailing newline through into the record.
COMMUNICATION_NUMBER = re.compile(r"[0-9]{1,4}/[0-9]{4}")  # 12/2026
UN_SYMBOL = re.compile(r"E/C\.12/[0-9]{1,3}/D/[0-9]{1,4}/[0-9]{4}")  # E/C.12/77/D/242/2021


def check_record(values: dict, *, today: date, covenant_codes: frozenset[str]) -> dict[str, str]:
    """Problems with a communication record, by field name. ``values`` holds RECORD_FIELDS' names."""
    errors: dict[str, str] = {}
    for name, label in RECORD_FIELDS:
        value = values.get(name)
        if isinstance(value, date) and name not in FUTURE_DATES_ALLOWED and value > today:
            errors[name] = N_("%(field)s: this date is in the future.", field=Text(label))
    for earlier, later in DATE_ORDER:
        first, second = values.get(earlier), values.get(later)
        if first and second and second < first and later not in errors:
            # The earlier field's label is lowercased mid-sentence, after the page has translated it (Labels).
            errors[later] = N_("%(later)s cannot be before %(earlier)s (%(day)s).", later=Text(RECORD_LABELS[later]),
                               earlier=Labels([RECORD_LABELS[earlier]], lower=True), day=first)
    number = values.get("communication_number")
    if number and not COMMUNICATION_NUMBER.fullmatch(number):
        errors["communication_number"] = N_("Write the number as the Committee does: number/year, e.g. 12/2026.")
    symbol = values.get("un_symbol")
    if symbol and not UN_SYMBOL.fullmatch(symbol):
        errors["un_symbol"] = N_("Write the symbol as the Committee does, e.g. E/C.12/77/D/242/2021.")
    decision = values.get("decision_type")
    if decision and decision not in dict(DECISION_TYPES):
        errors["decision_type"] = N_("Choose one of the Committee's decision types.")
    articles = values.get("articles_violated") or []
    if articles and decision != VIEWS_VIOLATION:
        errors["articles_violated"] = N_("Articles found violated go with Views finding a violation.")
    elif unknown := [code for code in articles if code not in covenant_codes]:
        errors["articles_violated"] = N_("Not an article of the Covenant: %(codes)s.", codes=", ".join(unknown))
    if values.get("decision_adopted_on") and not decision:
        errors.setdefault("decision_type", N_("Say which decision the Committee adopted."))
    return errors


def changed_fields(before: dict, after: dict) -> list[str]:
    """The labels of the record fields whose value changed, in the procedure's order."""
    return [label for name, label in RECORD_FIELDS if (before.get(name) or None) != (after.get(name) or None)]


# --- where a case stands in the procedure (issue 17, point 7) --------------------------------------

DONE = "done"
CURRENT = "current"
TO_COME = "to_come"


@dataclass(frozen=True)
class Step:
    """One step of the procedure before the Committee, as the case page's stepper shows it: a key the
    page names (an exit's key is its stage) and where the case stands with it."""

    key: str
    status: str  # DONE, CURRENT or TO_COME


# The steps of the procedure and the stages each covers (OP-ICESCR.md §7): preparing the communication,
# its submission and registration, the exchange of observations (the State's, then the author's
# comments), the Committee's decision (Views or inadmissibility), follow-up with the decision's publicity,
# and the end of the file.
PROCEDURE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("preparation", (stages.CANDIDATE, stages.PREPARING)),
    ("submission", (stages.SUBMITTED_TO_COMMITTEE,)),
    ("registration", (stages.REGISTERED,)),
    ("observations", (stages.OBSERVATIONS, stages.COMMENTS)),
    ("decision", (stages.DECIDED,)),
    ("follow_up", (stages.FOLLOW_UP,)),
    ("closed", (stages.CLOSED,)),
)
# The side exits end the procedure where the case stood: the steps its record shows were reached are done,
# the exit is the current and last step, and the rest never comes.
EXITS = (stages.WITHDRAWN, stages.DISCONTINUED, stages.FRIENDLY_SETTLEMENT)
_REACHED_BY = {"submission": "submitted_on", "registration": "registered_on", "observations": "transmitted_on",
               "decision": "decision_adopted_on"}


def procedure_steps(stage: str, recorded: dict) -> list[Step]:
    """The stepper of a case at ``stage``; ``recorded`` holds its communication record's values."""
    if stage in EXITS:
        reached = [Step(key, DONE) for key, _covered in PROCEDURE
                   if key == "preparation" or recorded.get(_REACHED_BY.get(key, ""))]
        return [*reached, Step(stage, CURRENT)]
    position = next((index for index, (_key, covered) in enumerate(PROCEDURE) if stage in covered), None)
    if position is None:  # not before the Committee yet (screening): everything is to come
        return [Step(key, TO_COME) for key, _covered in PROCEDURE]
    return [Step(key, DONE if index < position else CURRENT if index == position else TO_COME)
            for index, (key, _covered) in enumerate(PROCEDURE)]


# --- the record's events: what happened, and the fields that say it --------------------------------

# The record form asks first what happened, then shows only that event's fields (issue 17, point 7).
# Each field of RECORD_FIELDS belongs to exactly one event, in the order of the procedure; the two texts
# (encrypted, not record fields) go with the decision and with the internal notes.
RECORD_EVENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("submitted", ("submitted_on",)),
    ("registered", ("registered_on", "communication_number")),
    ("transmitted", ("transmitted_on",)),
    ("state_observations", ("state_observations_received_on",)),
    ("comments_requested", ("author_comments_letter_on", "author_comments_due")),
    ("comments_sent", ("author_comments_sent_on",)),
    ("admissibility", ("admissibility_decided_on", "admissibility_transmitted_on")),
    ("merits_observations", ("merits_observations_received_on",)),
    ("decision", ("decision_type", "decision_adopted_on", "un_symbol", "articles_violated")),
    ("decision_transmitted", ("decision_transmitted_on",)),
    ("follow_up_response", ("follow_up_response_received_on",)),
    ("discontinued", ("discontinued_on",)),
    ("settlement", ("settlement_on",)),
    ("notes", ()),
)
RECORD_EVENT_FIELDS = dict(RECORD_EVENTS)
RECORD_EVENT_TEXTS = {"decision": ("recommendations",), "notes": ("notes",)}


def event_of(field: str) -> str | None:
    """The event whose form holds ``field`` (a record field or one of the two texts)."""
    for key, fields in RECORD_EVENTS:
        if field in fields or field in RECORD_EVENT_TEXTS.get(key, ()):
            return key
    return None


def merge_event(recorded: dict, event: str, posted: dict) -> dict:
    """The whole record after one event's form: ``recorded`` with that event's fields replaced by
    ``posted`` (an event's form changes nothing else)."""
    return {**recorded, **{name: posted.get(name) for name in RECORD_EVENT_FIELDS[event]}}
