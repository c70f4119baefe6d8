"""What the pages call the domain's codes. Shared by the blueprints (a partner's reports, the screening
queue, the cases before the Committee, the dashboard), so none of them imports another for it."""

from caseapp.services import duplicates, todo
from caseapp.web.translation import lazy_gettext as _l
from caseapp.web.translation import lazy_pgettext

# A case's stage (domain/stages.py) as the pages name it.
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "screening": _l("In screening"),
    "info_requested": _l("Information requested"),
    "declined": _l("Declined"),
    "candidate": _l("Strategic candidate"),
    "preparing": _l("Communication in preparation"),
    "submitted_to_committee": _l("Submitted to the Committee"),
    "registered": _l("Registered by the Committee"),
    "observations": _l("State observations"),
    "comments": _l("Author's comments"),
    "decided": _l("Decided"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "discontinued": _l("Discontinued"),
    "friendly_settlement": _l("Friendly settlement"),
}

# A case team change on the case's timeline (``caseapp.services.case_teams``): who changed it follows the
# label, the member's name is the entry's note.
TEAM_ACTION_LABELS = {
    "team_added": _l("Case team: member added"),
    "team_removed": _l("Case team: member removed"),
}

# The filter a home page's count opens a list with (``?show=<preset>``, ``caseapp.services.todo``), as the
# list names it above its rows.
PRESET_LABELS = {
    todo.WAITING: _l("Requests for information waiting for your answer"),
    todo.DRAFTS: _l("Drafts not yet sent"),
    todo.DECISIONS: _l("Decisions on your reports in the last %(days)d days", days=todo.DECISION_DAYS),
    todo.NEW: _l("New reports, not yet screened"),
    todo.ANSWERED: _l("Answers from partners not yet read: back in screening, nothing saved or written since"),
    todo.ONE_YEAR: _l("One-year limits within %(days)d days on your cases", days=todo.ONE_YEAR_DAYS),
    todo.DEADLINES_DUE: _l("Deadlines overdue or due within %(days)d days", days=todo.DEADLINE_DAYS),
    todo.NO_PUBLICITY: _l("Decisions with no publicity action yet"),
    todo.FOLLOW_UP_OVERDUE: _l("Follow-up responses overdue"),
}


# --- screening: the admissibility engine's codes in plain words (issue 17, point 3) ------------------
# The engine (caseapp/domain/admissibility) answers in codes; these are the words a page shows for them.
# tests/web/test_screening_labels.py fails when a code the engine defines has no entry here.

# A criterion's status, the engine's or the lawyer's, in words (never colour alone): the screening pages'
# badges and the drafted communication's assessment.
CRITERION_STATUS_WORDS = {
    "met": _l("met"),
    "not_met": _l("not met"),
    "unknown": _l("unknown"),
    "warning": _l("warning"),
    "not_applicable": _l("not applicable"),
}

# What two reports' victims share when one is flagged as a possible duplicate of the other ("a victim with
# the same %(on)s"): the screening queue and case page.
DUPLICATE_MATCH_WORDS = {
    duplicates.NAME: lazy_pgettext("duplicate", "name"),
    duplicates.IDENTITY_NUMBER: lazy_pgettext("duplicate", "identity number"),
}

# Each criterion by its article and what it asks (OP-ICESCR.md §1).
CRITERION_NAMES = {
    "art1": _l("Art. 1 — State party to the Protocol"),
    "art2": _l("Art. 2 — victims, jurisdiction and consent"),
    "art3_1": _l("Art. 3(1) — domestic remedies exhausted"),
    "art3_2_a": _l("Art. 3(2)(a) — one-year time limit"),
    "art3_2_b": _l("Art. 3(2)(b) — facts after the Protocol's entry into force"),
    "art3_2_c": _l("Art. 3(2)(c) — same matter not examined elsewhere"),
    "art3_2_d": _l("Art. 3(2)(d) — compatible with the Covenant"),
    "art3_2_e": _l("Art. 3(2)(e) — substantiated, not only media reports"),
    "art3_2_f": _l("Art. 3(2)(f) — no abuse of the right to submit"),
    "art3_2_g": _l("Art. 3(2)(g) — in writing, not anonymous"),
    "art4": _l("Art. 4 — clear disadvantage"),
}

# What to ask the partner about a criterion that is not met or not known (the drafted request for
# information puts these first, point 4).
CRITERION_QUESTIONS = {
    "art1": _l("Is the State concerned a party to the Optional Protocol, and since when?"),
    "art2": _l("Are the victims under the State's jurisdiction, is the author a victim or authorised by the "
               "victims, and have the victims agreed to the communication?"),
    "art3_1": _l("Were all available domestic remedies used up to a final decision? If one was not used, why not "
                 "(unavailable, ineffective, unreasonably prolonged)?"),
    "art3_2_a": _l("The communication must reach the Committee within one year of the notification of the final "
                   "domestic decision. If that year has passed, why was it not possible to submit in time? Give the "
                   "dates and the facts."),
    "art3_2_b": _l("Did the facts happen, or go on, after the Protocol entered into force for the State? Was there a "
                   "court decision on the substance after that date?"),
    "art3_2_c": _l("Has the same matter been brought before another international body (another UN committee, a "
                   "regional court or commission), and where does it stand there?"),
    "art3_2_d": _l("Which rights of the Covenant (articles 6 to 15) were violated?"),
    "art3_2_e": _l("Which evidence, beyond news reports, supports each violation claimed?"),
    "art3_2_f": _l("Is there anything that could make the communication look like an abuse (bad faith, insulting "
                   "language)?"),
    "art3_2_g": _l("Is the communication in writing, with an identified author?"),
    "art4": _l("What concrete harm did the victims suffer, or what question of general importance does the case "
               "raise?"),
}
# When the one-year limit is not met, the question names the last day (the engine's deadline).
ONE_YEAR_PASSED_QUESTION = _l("The last day to submit the communication to the Committee was %(day)s, one year after "
                              "the notification of the final domestic decision. Why was it not possible to submit it "
                              "in time? Give the dates and the facts.")

# Each fact the engine can find missing (``admissibility.MISSING_KINDS``), as the question that settles it
# and where it is answered: a section of the report's facts (``report-…``) or the lawyer's own
# determination of a criterion (``criterion-…`` on the assessment form). ``%(n)d``: the list entry's
# number; ``%(state)s``: the State.
MISSING_QUESTIONS = {
    "state": (_l("Which State is responsible for the violation?"), "report-state"),
    "victims_under_jurisdiction": (_l("Were the victims under the State's jurisdiction when the facts happened?"),
                                   "report-victims"),
    "author_is_victim": (_l("Is the author the victim, or authorised by the victim?"), "report-victims"),
    "acting_on_behalf": (_l("Does the author act on behalf of the victims?"), "report-victims"),
    "consent": (_l("Have the victims consented to the communication? How was their consent recorded?"),
                "report-victims"),
    "consent_justification": (_l("If the victims' consent cannot be obtained, why can the author act without it?"),
                              "report-victims"),
    "rights_invoked": (_l("Which rights of the Covenant were violated?"), "report-rights"),
    "facts_start": (_l("When did the facts begin?"), "report-facts"),
    "facts_end": (_l("When did the facts end, or are they still going on?"), "report-facts"),
    "continuing": (_l("Are the violations still going on today, and how?"), "report-facts"),
    "remedies": (_l("Which domestic remedies (courts, appeals, administrative complaints) were used, and with what "
                    "result?"), "report-remedies"),
    "remedies.*.final": (_l("Could the decision on domestic remedy no. %(n)d still be appealed?"), "report-remedies"),
    "remedies.*.notified": (_l("On what date was the decision on domestic remedy no. %(n)d notified to the victims "
                               "or their lawyer?"), "report-remedies"),
    "remedies.*.decided": (_l("On what date was domestic remedy no. %(n)d decided?"), "report-remedies"),
    "remedies.*.addressed_substance": (_l("Did the court in domestic remedy no. %(n)d examine the substance of the "
                                          "complaint, not only its form or time limits?"), "report-remedies"),
    "unused_remedies": (_l("Which remedies were not used, and why (unavailable, ineffective, unreasonably "
                           "prolonged)?"), "report-remedies"),
    "unused_remedies.*.reason": (_l("Why was unused remedy no. %(n)d not used?"), "report-remedies"),
    "unused_remedies.*.explanation": (_l("Explain, with facts, why unused remedy no. %(n)d was not used."),
                                      "report-remedies"),
    "remedies_exception": (_l("Why could domestic remedies not be exhausted?"), "report-remedies"),
    "remedies_exception.reason": (_l("Why could domestic remedies not be exhausted (unavailable, ineffective, "
                                     "unreasonably prolonged)?"), "report-remedies"),
    "remedies_exception.explanation": (_l("Explain, with facts, why domestic remedies could not be exhausted."),
                                       "report-remedies"),
    "one_year_exception": (_l("Why was it not possible to submit within one year (for example, no remedy was "
                              "available and the author could only act later)? From what date could the author "
                              "act?"), "report-remedies"),
    "other_procedures": (_l("Has the same matter been brought to another international body (another UN committee, "
                            "a regional court or commission)?"), "report-procedures"),
    "other_procedures.*.same_matter": (_l("Did international procedure no. %(n)d concern the same facts, victims and "
                                          "rights?"), "report-procedures"),
    "other_procedures.*.status": (_l("Where does international procedure no. %(n)d stand (pending, examined, "
                                     "declared inadmissible with or without reasons, withdrawn)?"),
                                  "report-procedures"),
    "only_mass_media_reports": (_l("Does the report rest on facts the victims can prove, and not only on news "
                                   "reports?"), "report-other"),
    "substantiated": (_l("Is each claim sufficiently substantiated by evidence? (your determination)"),
                      "criterion-art3_2_e"),
    "abuse": (_l("Is there anything that makes the communication an abuse, such as bad faith? (your "
                 "determination)"), "criterion-art3_2_f"),
    "anonymous": (_l("Is the author identified (not anonymous)?"), "criterion-art3_2_g"),
    "in_writing": (_l("Is the communication in writing?"), "criterion-art3_2_g"),
    "clear_disadvantage": (_l("What concrete harm did the victims suffer (a clear disadvantage)?"), "report-other"),
    "general_importance": (_l("Does the case raise a serious question of general importance beyond the victims?"),
                           "report-other"),
    "register:*.entry_into_force": (_l("On what day did the Protocol enter into force for %(state)s? Check the UN "
                                       "Treaty Collection and have the States register corrected."),
                                    "criterion-art1"),
    "register:*.party_status": (_l("Is %(state)s a party to the Optional Protocol? Check the UN Treaty Collection and "
                                   "have the States register corrected."), "criterion-art1"),
}

# Why a fact still listed under a criterion that is met (or only a warning) matters: never a bare
# "Missing" under "met".
STILL_OPEN_LABELS = {
    "met": _l("Met on what is recorded. Still worth answering, because the Committee may ask:"),
    "warning": _l("The engine relies here on a claim the author must show. To show it, answer:"),
    "not_applicable": _l("Not applicable on what is recorded. Worth answering in case the facts change:"),
}

# The engine's warnings (``admissibility.WARNING_CODES``), titled; the engine's sentence follows.
WARNING_LABELS = {
    "one_year_passed": _l("One-year limit passed"),
    "one_year_soon": _l("One-year limit close"),
    "register_unverified": _l("States register entry not verified"),
    "others_without_consent": _l("Claims for other victims without their consent"),
    "accessory_articles_only": _l("Only articles 1 to 3 of the Covenant invoked"),
    "housing_due_diligence": _l("Housing case: applications for social housing"),
    "remedy_granted": _l("The final decision granted the remedy"),
    "facts_date_order": _l("Dates of the facts out of order"),
    "remedy_date_order": _l("Dates of a domestic remedy out of order"),
}

# The report's answers (caseapp/domain/report.py vocabularies), as the facts beside the assessment show them.
FACT_WORDS = {
    # why a remedy was not used, or why remedies need not be exhausted (the exceptions of art. 3(1))
    "unavailable": _l("unavailable"),
    "ineffective": _l("ineffective"),
    "unreasonably_prolonged": _l("unreasonably prolonged"),
    "none": _l("no reason given"),
    # how a remedy ended
    "rejected": _l("rejected"),
    "granted": _l("granted"),
    "partly_granted": _l("partly granted"),
    "pending": _l("pending"),
    "withdrawn": _l("withdrawn"),
    # where another international procedure stands
    "examined": _l("examined"),
    "declared_inadmissible_reasoned": _l("declared inadmissible, with reasons"),
    "declared_inadmissible_unreasoned": _l("declared inadmissible, without reasons"),
    # kinds of remedy and of victim
    "judicial": _l("judicial"),
    "appeal": _l("appeal"),
    "cassation": _l("cassation"),
    "constitutional": _l("constitutional"),
    "administrative": _l("administrative"),
    "other": _l("other"),
    "individual": _l("individual"),
    "group": _l("group"),
    # yes / no / not known
    "yes": _l("yes"),
    "no": _l("no"),
    "unknown": _l("not known"),
}
