"""Article 3(2)(b): facts before the Protocol's entry into force for the State, unless they continued
after it (choices 2, 3 and 11 of the package docstring)."""

from datetime import date

from caseapp.domain.admissibility.context import Context
from caseapp.domain.admissibility.decisions import NOT_DECIDED, decision_phrase, remedy_name
from caseapp.domain.admissibility.result import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, WARNING, Criterion, conclude
from caseapp.domain.admissibility.standing import eif_doubt, eif_phrase, register_phrase
from caseapp.domain.admissibility.wording import iso
from caseapp.domain.register import UNKNOWN as UNKNOWN_STANDING

_PERSIST = ("Effects that merely extend in time are not continuing facts (Merino Sierra v. Spain, E/C.12/59/D/4/2014, "
            "para. 6.7; Alarcón Flores et al. v. Ecuador, E/C.12/62/D/14/2016, paras 9.8-9.12).")


def check(c: Context) -> Criterion:
    facts = c.facts
    if not facts.state:
        return conclude("art3_2_b", UNKNOWN, (
            "The State concerned is not recorded, so the Protocol's entry into force for it is not known."
        ), ("state",))
    record, eif = c.record, c.eif
    if record is None:
        if c.standing.status == UNKNOWN_STANDING:
            return conclude("art3_2_b", UNKNOWN, (
                f"The State is not listed in {register_phrase(c.register)}, which does not list every party, so the "
                "Protocol's entry into force for it is not known; check the UN Treaty Collection."
            ), (f"register:{facts.state}.party_status",))
        return conclude("art3_2_b", NOT_APPLICABLE, (
            f"The State is not a party to the Protocol ({register_phrase(c.register)}): the Protocol has not entered "
            "into force for it (arts 1 and 18), so there is no date to compare the facts with."
        ))
    start, end = facts.facts_start, facts.facts_end
    missing_eif = (f"register:{record.iso2}.entry_into_force",)
    if eif.day is None and eif.earliest is None:
        return conclude("art3_2_b", UNKNOWN, (
            f"The date on which the Protocol entered into force for {record.name} is not in "
            f"{register_phrase(c.register)}; check the UN Treaty Collection."
        ), missing_eif)

    def after(day: date) -> bool | None:
        """Whether ``day`` is on or after entry into force; None where the rule and the sources leave it open."""
        return eif.in_force_on(day)

    eif_text = f"the Protocol's entry into force for {record.name} {eif_phrase(record, eif, c.register)}"
    if start is not None and after(start) is True:
        return conclude("art3_2_b", MET, f"The facts began on {iso(start)}, on or after {eif_text}.")

    if start is None:
        began = f"The date the facts began is not recorded ({eif_text})"
    elif after(start) is None:
        began = f"The facts began on {iso(start)}, which may be before or after {eif_text}"
    else:
        began = f"The facts began on {iso(start)}, before {eif_text}"
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
        return conclude("art3_2_b", MET, (
            f"{began}, but {decision_phrase(index, remedy)}, taken on or after that date, addressed the substance of "
            "the alleged violation: a post-entry-into-force decision in proceedings directly connected to the facts "
            "that could have remedied them counts as a fact within time (I.D.G. v. Spain, E/C.12/55/D/2/2014, "
            "para. 9.3; Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, para. 8.3)."
        ))
    if end is not None and after(end) is True:
        lasted = (f"{began}, and lasted until {iso(end)}, after that date" if start else
                  f"The facts lasted until {iso(end)}, after {eif_text} (the date they began is not recorded)")
        return conclude("art3_2_b", MET, (
            f"{lasted}; the Committee can examine the facts after entry into force. Check that they are acts or "
            f"omissions of the State, not their effects: {_PERSIST}"
        ))
    if open_dates:
        return conclude("art3_2_b", UNKNOWN, (
            f"{began}. Whether {iso(min(open_dates))} came before or after entry into force depends on its exact day. "
            f"{eif_doubt(record, eif)} Check the UN Treaty Collection."
        ), missing_eif)
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
            f"When the facts occurred is not recorded ({eif_text})."
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
