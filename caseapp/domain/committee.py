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

from dataclasses import dataclass
from datetime import date

from caseapp.domain import deadlines, stages

INADMISSIBLE = "inadmissible"
VIEWS_VIOLATION = "views_violation"
VIEWS_NO_VIOLATION = "views_no_violation"
DISCONTINUED = "discontinued"
DECISION_TYPES: tuple[tuple[str, str], ...] = (
    (INADMISSIBLE, "Inadmissible"),
    (VIEWS_VIOLATION, "Views: violation found"),
    (VIEWS_NO_VIOLATION, "Views: no violation"),
    (DISCONTINUED, "Discontinued"),
)

INTERIM_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("pending", "Requested, not yet decided"), ("granted", "Granted"), ("refused", "Refused"),
)
COMPLIANCE: tuple[tuple[str, str], ...] = (
    ("unknown", "Not known"), ("complied", "Complied with"), ("partly_complied", "Partly complied with"),
    ("not_complied", "Not complied with"),
)
FOLLOW_UP_GRADES: tuple[tuple[str, str], ...] = (
    ("satisfactory", "Satisfactory"), ("partly_satisfactory", "Partly satisfactory"),
    ("not_satisfactory", "Not satisfactory"), ("no_response", "No response"),
)
FOLLOW_UP_PROCEDURE: tuple[tuple[str, str], ...] = (("continued", "Procedure continued"), ("closed", "Procedure closed"))

# The publicity checklist of each decision (issue 6, item 5).
PUBLICITY_KINDS: tuple[tuple[str, str], ...] = (
    ("translation", "Translation into the national language(s)"),
    ("press_release", "Press release"),
    ("authorities", "Transmission to national authorities"),
    ("courts", "Transmission to national courts"),
    ("partner_network", "Dissemination in the partner network"),
    ("ohchr_database", "Entry in the OHCHR jurisprudence database"),
    ("escr_net_database", "Entry in the ESCR-Net caselaw database"),
)
PUBLICITY_REMINDER_DAYS = 30

ONE_YEAR_LIMIT = "one_year_limit"
STATE_OBSERVATIONS = "state_observations"
MERITS_OBSERVATIONS = "merits_observations"
AUTHOR_COMMENTS = "author_comments"
FOLLOW_UP_RESPONSE = "follow_up_response"
DEADLINE_KINDS: tuple[tuple[str, str], ...] = (
    (ONE_YEAR_LIMIT, "One-year limit to submit (art. 3(2)(a))"),
    (STATE_OBSERVATIONS, "State's observations (art. 6(2))"),
    (MERITS_OBSERVATIONS, "State's observations on the merits (rule 15(2))"),
    (AUTHOR_COMMENTS, "Author's comments (Secretariat's letter)"),
    (FOLLOW_UP_RESPONSE, "State's follow-up response (art. 9(2))"),
)

# Before the Committee has the communication, the one-year limit still runs.
_BEFORE_SUBMISSION = (*stages.SCREENING_STAGES, stages.CANDIDATE, stages.PREPARING)
# While the Committee examines the communication, the exchange of observations runs.
_UNDER_EXAMINATION = (stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED, stages.OBSERVATIONS, stages.COMMENTS)


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


def needs_publicity_reminder(decision_transmitted_on: date | None, last_action_on: date | None, today: date) -> bool:
    """A decision with no publicity action for 30 days (counted from its transmittal when nothing was done)."""
    since = last_action_on or decision_transmitted_on
    return since is not None and (today - since).days >= PUBLICITY_REMINDER_DAYS
