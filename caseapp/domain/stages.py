"""Case stages and the moves between them, as data (DESIGN.md §4).

``draft → submitted → screening ⇄ info_requested → declined | candidate → preparing →
submitted_to_committee → registered → observations → comments → decided → follow_up → closed``, with
the side exits ``withdrawn``, ``discontinued`` and ``friendly_settlement``.

Each allowed move names the roles that may make it. The screening moves (issue 5) are the lawyers';
the Committee moves are lawyers' and coordinators' (issue 6 adds the fields each one requires).
A partner's only moves are submitting a draft and sending back a report on which the lawyers asked
for information. Pure data and functions: no Flask, no database.
"""

from typing import NamedTuple

from caseapp.domain.roles import COORDINATOR, LAWYER, PARTNER

DRAFT = "draft"
SUBMITTED = "submitted"
SCREENING = "screening"
INFO_REQUESTED = "info_requested"
DECLINED = "declined"
CANDIDATE = "candidate"
PREPARING = "preparing"
SUBMITTED_TO_COMMITTEE = "submitted_to_committee"
REGISTERED = "registered"
OBSERVATIONS = "observations"
COMMENTS = "comments"
DECIDED = "decided"
FOLLOW_UP = "follow_up"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
DISCONTINUED = "discontinued"
FRIENDLY_SETTLEMENT = "friendly_settlement"

STAGES = (DRAFT, SUBMITTED, SCREENING, INFO_REQUESTED, DECLINED, CANDIDATE, PREPARING, SUBMITTED_TO_COMMITTEE,
          REGISTERED, OBSERVATIONS, COMMENTS, DECIDED, FOLLOW_UP, CLOSED, WITHDRAWN, DISCONTINUED,
          FRIENDLY_SETTLEMENT)

# Stages in which the lawyers screen a report (the screening queue).
SCREENING_STAGES = (SUBMITTED, SCREENING, INFO_REQUESTED)
# Stages after which nothing moves any more (except reopening a declined report, below).
FINAL_STAGES = (DECLINED, CLOSED, WITHDRAWN, DISCONTINUED, FRIENDLY_SETTLEMENT)

_LEGAL = frozenset({LAWYER})
_TRACKING = frozenset({LAWYER, COORDINATOR})


class Move(NamedTuple):
    source: str
    target: str
    roles: frozenset[str]


MOVES: tuple[Move, ...] = (
    Move(DRAFT, SUBMITTED, frozenset({PARTNER})),
    # Screening: a lawyer opens it, asks for information, declines or accepts it.
    Move(SUBMITTED, SCREENING, _LEGAL),
    Move(SUBMITTED, INFO_REQUESTED, _LEGAL),
    Move(SCREENING, INFO_REQUESTED, _LEGAL),
    Move(INFO_REQUESTED, INFO_REQUESTED, _LEGAL),  # a further request while the first is open
    # The partner's answer (a message or the updated report) sends it back to the lawyers.
    Move(INFO_REQUESTED, SCREENING, frozenset({PARTNER, LAWYER})),
    *(Move(source, DECLINED, _LEGAL) for source in SCREENING_STAGES),
    *(Move(source, CANDIDATE, _LEGAL) for source in SCREENING_STAGES),
    Move(DECLINED, SCREENING, _LEGAL),  # reopened: a decline taken in error, or new facts
    Move(CANDIDATE, SCREENING, _LEGAL),
    # Before the Committee (issue 6 adds the fields each move requires).
    Move(CANDIDATE, PREPARING, _TRACKING),
    Move(PREPARING, SUBMITTED_TO_COMMITTEE, _TRACKING),
    Move(SUBMITTED_TO_COMMITTEE, REGISTERED, _TRACKING),
    Move(REGISTERED, OBSERVATIONS, _TRACKING),
    Move(OBSERVATIONS, COMMENTS, _TRACKING),
    Move(COMMENTS, DECIDED, _TRACKING),
    Move(REGISTERED, DECIDED, _TRACKING),
    Move(OBSERVATIONS, DECIDED, _TRACKING),
    Move(DECIDED, FOLLOW_UP, _TRACKING),
    Move(DECIDED, CLOSED, _TRACKING),
    Move(FOLLOW_UP, CLOSED, _TRACKING),
    *(Move(source, WITHDRAWN, _TRACKING) for source in (CANDIDATE, PREPARING, SUBMITTED_TO_COMMITTEE, REGISTERED,
                                                        OBSERVATIONS, COMMENTS)),
    *(Move(source, DISCONTINUED, _TRACKING) for source in (SUBMITTED_TO_COMMITTEE, REGISTERED, OBSERVATIONS,
                                                           COMMENTS)),
    *(Move(source, FRIENDLY_SETTLEMENT, _TRACKING) for source in (REGISTERED, OBSERVATIONS, COMMENTS)),
)

_ALLOWED = {(move.source, move.target): move.roles for move in MOVES}

# What must be recorded (fields of the case's communication) before a case can enter a stage.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    SUBMITTED_TO_COMMITTEE: ("submitted_on",),
    REGISTERED: ("registered_on", "communication_number"),
    OBSERVATIONS: ("transmitted_on",),
    COMMENTS: ("state_observations_received_on",),
    DECIDED: ("decision_type", "decision_adopted_on"),
    FOLLOW_UP: ("decision_transmitted_on",),
    DISCONTINUED: ("discontinued_on",),
    FRIENDLY_SETTLEMENT: ("settlement_on",),
}


def missing_for(target: str, recorded: dict[str, object]) -> tuple[str, ...]:
    """The fields ``target`` requires that ``recorded`` lacks (empty when the move may go ahead)."""
    return tuple(name for name in REQUIRED_FIELDS.get(target, ()) if recorded.get(name) in (None, "", []))


def can_move(source: str, target: str, role: str) -> bool:
    """Whether someone with ``role`` may move a case from ``source`` to ``target``."""
    return role in _ALLOWED.get((source, target), frozenset())


def targets(source: str, role: str) -> tuple[str, ...]:
    """The stages a case in ``source`` may be moved to by ``role``, in the order of ``STAGES``."""
    return tuple(stage for stage in STAGES if stage != source and can_move(source, stage, role))


class StageError(ValueError):
    """A move the table does not allow."""
