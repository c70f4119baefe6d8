"""Article 3(2)(b): facts before the Protocol's entry into force for the State, unless they continued
after it (choices 2, 3 and 11 of the package docstring)."""

from datetime import date

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import NOT_DECIDED, decision_phrase, remedy_name
from caseapp.domain.admissibility.result import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, WARNING, Criterion, conclude
from caseapp.domain.admissibility.wording import iso
from caseapp.domain.states import EIF_UNCERTAINTY_DAYS, NOT_LISTED, SIGNATORY

_PERSIST = ("Effects that merely extend in time are not continuing facts (Merino Sierra v. Spain, E/C.12/59/D/4/2014, "
            "para. 6.7; Alarcón Flores et al. v. Ecuador, E/C.12/62/D/14/2016, paras 9.8-9.12).")


def check(c: Context) -> Criterion:
    facts = c.facts
    if not facts.state:
        return conclude("art3_2_b", UNKNOWN, (
            "The State concerned is not recorded, so the Protocol's entry into force for it is not known."
        ), ("state",))
    if c.state_status == SIGNATORY:
        return conclude("art3_2_b", NOT_APPLICABLE, (
            "The State is a signatory, not a party: the Protocol has not entered into force for it (art. 1)."
        ))
    if c.state_status == NOT_LISTED:
        return conclude("art3_2_b", UNKNOWN, (
            f"The State is not listed in the register as of {iso(c.register.as_of)}, so the Protocol's entry into "
            "force for it is not known; check the UN Treaty Collection."
        ), (f"register:{facts.state}.party_status",))
    record = c.record
    eif = record.entry_into_force
    start, end = facts.facts_start, facts.facts_end

    if eif is None:
        missing = (f"register:{record.iso2}.entry_into_force",)
        if record.instrument_year is None:
            return conclude("art3_2_b", UNKNOWN, (
                f"The date on which the Protocol entered into force for {record.name} is not in the register."
            ), missing)
        latest = date(record.instrument_year + 1, 12, 31)
        unknown_eif = (f"The date on which the Protocol entered into force for {record.name} is unknown (only the year "
                       f"of its instrument, {record.instrument_year}, is known, not verified)")
        if start is not None and start > latest:
            return conclude("art3_2_b", MET, (
                f"{unknown_eif}, but the facts began on {iso(start)}, after {iso(latest)}, the end of the year after "
                "the instrument, when the Protocol was in force for it in any case (art. 18(2))."
            ))
        began = f"the facts began on {iso(start)}" if start else "the date the facts began is not recorded"
        return conclude("art3_2_b", UNKNOWN, (
            f"{unknown_eif}, and {began}: whether they occurred before entry into force cannot be said; check the UN "
            "Treaty Collection."
        ), missing + (() if start else ("facts_start",)))

    eif_text = f"the Protocol's entry into force for {record.name} on {iso(eif)}"
    if not record.eif_verified:
        near = [day for day in (start, end) if day is not None and abs((day - eif).days) <= EIF_UNCERTAINTY_DAYS]
        near += [remedy.decided for remedy in facts.remedies or ()
                 if remedy.decided is not None and remedy.outcome not in NOT_DECIDED
                 and abs((remedy.decided - eif).days) <= EIF_UNCERTAINTY_DAYS]
        if near:
            return conclude("art3_2_b", UNKNOWN, (
                f"A decisive date ({iso(min(near))}) is within {EIF_UNCERTAINTY_DAYS} days of {eif_text}, and that day "
                f"is not verified (source: {record.source_note or 'none'}); check the UN Treaty Collection."
            ), (f"register:{record.iso2}.entry_into_force",))

    if start is not None and start >= eif:
        return conclude("art3_2_b", MET, f"The facts began on {iso(start)}, on or after {eif_text}.")

    began = f"The facts began on {iso(start)}, before {eif_text}" if start else \
        f"The date the facts began is not recorded (entry into force for {record.name}: {iso(eif)})"

    substantive, uncertain, missing = [], [], []
    for index, remedy in enumerate(facts.remedies or ()):
        if remedy.outcome in NOT_DECIDED:
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
        return conclude("art3_2_b", MET, (
            f"{began}, but {decision_phrase(index, remedy)}, taken on or after that date, addressed the substance of "
            "the alleged violation: a post-entry-into-force decision in proceedings directly connected to the facts "
            "that could have remedied them counts as a fact within time (I.D.G. v. Spain, E/C.12/55/D/2/2014, "
            "para. 9.3; Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, para. 8.3)."
        ))
    if end is not None and end >= eif:
        lasted = (f"{began}, and lasted until {iso(end)}, after that date" if start else
                  f"The facts lasted until {iso(end)}, after {eif_text} (the date they began is not recorded)")
        return conclude("art3_2_b", MET, (
            f"{lasted}; the Committee can examine the facts after entry into force. Check that they are acts or "
            f"omissions of the State, not their effects: {_PERSIST}"
        ))
    if uncertain:
        names = ", ".join(remedy_name(i, facts.remedies[i]) for i in uncertain)
        return conclude("art3_2_b", UNKNOWN, (
            f"{began}. Whether the decision on {names} was taken after that date and addressed the substance (not "
            "purely formal points) is not recorded; such a decision would bring the facts within time (I.D.G. v. "
            "Spain, para. 9.3)."
        ), tuple(missing))
    if facts.continuing == "yes":
        return conclude("art3_2_b", WARNING, (
            f"{began}; the author says they continued after that date (art. 3(2)(b)): an exception the author must "
            f"show. {_PERSIST}"
        ))
    if start is None and end is None:
        return conclude("art3_2_b", UNKNOWN, (
            f"When the facts occurred is not recorded (entry into force for {record.name}: {iso(eif)})."
        ), ("facts_start", "facts_end"))
    if end is None:
        return conclude("art3_2_b", UNKNOWN, (
            f"{began}, and neither when they ended nor whether they continue is recorded."
        ), ("facts_end",) + (("continuing",) if facts.continuing == "unknown" else ()))
    if facts.continuing == "unknown":
        return conclude("art3_2_b", UNKNOWN, (
            f"{began} and ended on {iso(end)}; whether they continued after entry into force is not recorded."
        ), ("continuing",))
    return conclude("art3_2_b", NOT_MET, (
        f"{began} and ended on {iso(end)}, before it; they did not continue after that date, and no domestic decision "
        f"taken after it addressed their substance (art. 3(2)(b)). {_PERSIST}"
    ))
