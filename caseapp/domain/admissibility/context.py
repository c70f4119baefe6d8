"""What several criteria need, worked out once per assessment."""

from datetime import date

from caseapp.domain.admissibility.decisions import final_decision
from caseapp.domain.admissibility.facts import CaseFacts
from caseapp.domain.admissibility.messages import ENGLISH, Message, msg
from caseapp.domain.register import (
    EntryIntoForce,
    ProtocolStanding,
    StateRecord,
    StatesRegister,
)


class Context:
    """What several criteria need, worked out once."""

    __slots__ = ("facts", "today", "register", "reference", "submitted", "record", "standing", "eif", "warnings",
                 "warning_codes", "warning_messages", "final_index", "final", "pending")

    def __init__(self, facts: CaseFacts, today: date, register: StatesRegister):
        self.facts = facts
        self.today = today
        self.register = register
        self.submitted = facts.submission_date is not None
        self.reference = facts.submission_date or today
        self.record: StateRecord | None = register.party(facts.state) if facts.state else None
        # For a State not listed as a party, its standing on the date of reference (arts 1, 17-18); for a listed
        # party, the Protocol's entry into force for it by art. 18, with the bounds the rule and the sources leave.
        self.standing: ProtocolStanding | None = (
            register.protocol_standing(facts.state, self.reference) if facts.state and not self.record else None)
        self.eif: EntryIntoForce | None = register.protocol_entry_into_force(self.record) if self.record else None
        self.warnings: list[str] = []
        self.warning_codes: list[str] = []  # one per warning (result.WARNING_CODES)
        self.warning_messages: list[Message] = []  # one per warning: the sentence ``warnings`` has in English
        self.final_index, self.final = final_decision(facts.remedies or ())
        self.pending = [index for index, remedy in enumerate(facts.remedies or ()) if remedy.outcome == "pending"]

    def warn(self, code: str, sentence: Message, *, first: bool = False) -> None:
        """Add a warning and its code (``first``: ahead of the others, as the one-year limit's are)."""
        position = 0 if first else len(self.warnings)
        self.warnings.insert(position, ENGLISH(sentence))
        self.warning_codes.insert(position, code)
        self.warning_messages.insert(position, sentence)

    def reference_phrase(self) -> Message:
        if self.submitted:
            return msg("phrase.submitted_on", submitted=self.reference)
        return msg("phrase.judged_on_today", today=self.today)


