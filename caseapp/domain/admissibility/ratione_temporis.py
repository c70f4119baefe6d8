"""Article 3(2)(b): facts before the Protocol's entry into force for the State, unless they continued
after it (choices 2, 3 and 11 of the package docstring)."""

from datetime import date

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import NOT_DECIDED, decision_phrase, remedy_name
from caseapp.domain.admissibility.messages import Listing, State, msg
from caseapp.domain.admissibility.result import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, WARNING, Criterion, conclude
from caseapp.domain.admissibility.standing import eif_doubt, eif_phrase, register_phrase
from caseapp.domain.register import UNKNOWN as UNKNOWN_STANDING


def check(c: Context) -> Criterion:
    facts = c.facts
    if not facts.state:
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.no_state"), ("state",))
    record, eif = c.record, c.eif
    if record is None:
        if c.standing.status == UNKNOWN_STANDING:
            return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.not_listed", register=register_phrase(c.register)),
                            (f"register:{facts.state}.party_status",))
        return conclude("art3_2_b", NOT_APPLICABLE, msg("art3_2_b.not_a_party", register=register_phrase(c.register)))
    start, end = facts.facts_start, facts.facts_end
    missing_eif = (f"register:{record.iso2}.entry_into_force",)
    if eif.day is None and eif.earliest is None:
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.no_eif", state=State(record.iso2, record.name),
                                                  register=register_phrase(c.register)), missing_eif)

    def after(day: date) -> bool | None:
        """Whether ``day`` is on or after entry into force; None where the rule and the sources leave it open."""
        return eif.in_force_on(day)

    eif_text = msg("art3_2_b.eif", state=State(record.iso2, record.name), when=eif_phrase(record, eif, c.register))
    if start is not None and after(start) is True:
        return conclude("art3_2_b", MET, msg("art3_2_b.began_after", start=start, eif=eif_text))

    if start is None:
        began = msg("art3_2_b.start_unknown", eif=eif_text)
    elif after(start) is None:
        began = msg("art3_2_b.began_open", start=start, eif=eif_text)
    else:
        began = msg("art3_2_b.began_before", start=start, eif=eif_text)
    persist = msg("art3_2_b.persist")
    open_dates = [day for day in (start, end) if day is not None and after(day) is None]

    substantive, uncertain, missing = [], [], []
    for index, remedy in enumerate(facts.remedies or ()):
        if remedy.outcome in NOT_DECIDED:
            continue  # a pending review does not bring the case within time (Alarcón Flores, paras 9.8-9.12)
        if remedy.decided is None:
            if remedy.notified is not None and after(remedy.notified) is False:
                continue
            uncertain.append(index)
            missing.append(f"remedies.{index}.decided")
            continue
        if after(remedy.decided) is False or remedy.addressed_substance is False:
            continue
        if after(remedy.decided) is None:
            open_dates.append(remedy.decided)
            continue
        if remedy.addressed_substance is True:
            substantive.append(index)
        else:
            uncertain.append(index)
            missing.append(f"remedies.{index}.addressed_substance")

    if substantive:
        index = substantive[-1]
        remedy = facts.remedies[index]
        return conclude("art3_2_b", MET, msg("art3_2_b.substantive_decision", began=began,
                                             decision=decision_phrase(index, remedy)))
    if end is not None and after(end) is True:
        lasted = (msg("art3_2_b.lasted", began=began, end=end) if start else
                  msg("art3_2_b.lasted_start_unknown", end=end, eif=eif_text))
        return conclude("art3_2_b", MET, msg("art3_2_b.lasted_after", lasted=lasted, persist=persist))
    if open_dates:
        return conclude("art3_2_b", UNKNOWN, (
            msg("art3_2_b.open_date", began=began, day=min(open_dates)), eif_doubt(record, eif),
            msg("phrase.check_untc"),
        ), missing_eif)
    if uncertain:
        names = Listing(tuple(remedy_name(i, facts.remedies[i]) for i in uncertain))
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.uncertain_decision", began=began, names=names),
                        tuple(missing))
    if facts.continuing == "yes":
        return conclude("art3_2_b", WARNING, msg("art3_2_b.continuing", began=began, persist=persist))
    if start is None and end is None:
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.when_unknown", eif=eif_text), ("facts_start", "facts_end"))
    if end is None:
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.end_unknown", began=began),
                        ("facts_end",) + (("continuing",) if facts.continuing == "unknown" else ()))
    if facts.continuing == "unknown":
        return conclude("art3_2_b", UNKNOWN, msg("art3_2_b.continuing_unknown", began=began, end=end), ("continuing",))
    return conclude("art3_2_b", NOT_MET, msg("art3_2_b.before", began=began, end=end, persist=persist))
