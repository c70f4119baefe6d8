"""The engine's sentences as message templates with parameters (issue 18, point 3; DESIGN.md §6: "the
domain … returns message codes and parameters, … and the presentation layer renders them in the reader's
language").

A criterion's reason, a warning and a shared phrase are each a ``Message``: a code of ``TEMPLATES`` and
the values of the template's ``%(name)s`` placeholders. A value is text the facts or the register hold
(shown as written), a number, a date, or another ``Message`` (a phrase inside a sentence), so a sentence
is translated as a whole with its phrases translated inside it. ``Renderer`` turns a message into text
with a translator and a date formatter; ``ENGLISH`` (no translation, ISO dates) gives the reasons of
DESIGN.md §5, which ``Criterion.reason`` and ``Assessment.warnings`` hold.

The templates are English and marked with ``N_`` (a no-op) for ``pybabel extract -k N_``; a template
with a count has a plural form, marked with ``Nn_`` (``-k Nn_:1,2``). Pure: no Flask, no Babel."""

import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from caseapp.domain.deadlines import days_left, format_day
from caseapp.domain.i18n import N_, Nn_


class Message(NamedTuple):
    """One sentence or phrase: a code of ``TEMPLATES`` and its placeholders' values."""

    code: str
    params: dict[str, Any]


class Day(NamedTuple):
    """A date as people read it ("6 Nov 2026": the deadline's label), as opposed to a reason's date."""

    value: date


class Month(NamedTuple):
    """A date's month, by its name ("February")."""

    value: date


class State(NamedTuple):
    """A State the register knows, by its ISO 3166-1 code and the register's (the UN's English) name: a
    renderer may name it in its own language."""

    code: str
    name: str


class Listing(NamedTuple):
    """Several values in one placeholder (names, decisions), each rendered, joined by ``separator``."""

    items: tuple
    separator: str = ", "


# The styles a date formatter is asked for: a reason's date (ISO in DESIGN.md §5's reasons), a day as the
# pages show it, a month's name.
DATE = "date"
DAY = "day"
MONTH = "month"

TEMPLATES: dict[str, str | tuple[str, str]] = {
    # --- shared phrases -----------------------------------------------------------------------------
    # TRANSLATORS: the engine's phrases (phrase.*, kind.*, exception.*, eif.*) fill a %(name)s of a sentence;
    # %(body)s, %(name)s and %(source)s are written as the partner or the States register wrote them.
    "phrase.remedy_no": N_("remedy no. %(n)s"),
    "phrase.remedy_no_start": N_("Remedy no. %(n)s"),
    "phrase.unused_remedy_no": N_("unused remedy no. %(n)s"),
    "phrase.unused_remedy_no_start": N_("Unused remedy no. %(n)s"),
    "phrase.procedure_no": N_("procedure no. %(n)s"),
    "phrase.body_decision": N_("the %(body)s decision"),
    "phrase.remedy_decision": N_("the decision on remedy no. %(n)s"),
    "phrase.decision_of": N_("%(decision)s of %(decided)s"),
    "phrase.decision_notified": N_("%(decision)s, notified on %(notified)s"),
    "phrase.filed_on": N_("filed on %(filed)s"),
    "phrase.withdrawn": N_("%(remedy)s (%(details)s)"),
    "phrase.withdrawn_against": N_("%(remedy)s (%(details)s) against %(decision)s"),
    # TRANSLATORS: a withdrawn remedy by its kind, with its article: "the appeal (…) against the … decision".
    "kind.judicial": N_("the proceedings"),
    "kind.appeal": N_("the appeal"),
    "kind.cassation": N_("the appeal in cassation"),
    "kind.constitutional": N_("the constitutional complaint"),
    "kind.administrative": N_("the administrative appeal"),
    "kind.other": N_("the remedy"),
    "phrase.submitted_on": N_("submitted on %(submitted)s"),
    "phrase.judged_on_today": N_("not yet submitted (judged on today, %(today)s)"),
    "phrase.the_state": N_("the State"),
    # Why a remedy need not be used, in the author's words and as the Committee weighs it (wording.py).
    # TRANSLATORS: after "domestic remedies are …" and "it is …" (art. 3(1)).
    "exception.unavailable": N_("unavailable"),
    "exception.ineffective": N_("ineffective"),
    "exception.unreasonably_prolonged": N_("unreasonably prolonged"),
    "exception_basis.unavailable": N_(
        "art. 3(1) asks only that available remedies be exhausted, and at registration the author must show that "
        "none was available (Ziablitsev v. France, E/C.12/71/D/176/2020, paras 6.5-6.7)"),
    "exception_basis.ineffective": N_(
        "not an exception in the text of art. 3(1) but the Committee's practice, which counts only remedies that are "
        "prima facie effective (Moreno Romero v. Spain, E/C.12/69/D/48/2018, para. 8.2); the author must show it, and "
        "mere doubts about a remedy's chances of success do not excuse using it (M.L.B. v. Luxembourg, "
        "E/C.12/66/D/20/2017, para. 7.4)"),
    "exception_basis.unreasonably_prolonged": N_(
        "the exception of art. 3(1), second sentence, which the author must show (e.g. a criminal complaint pending "
        "for over four years without progress, Martínez de Orellana v. Venezuela, E/C.12/77/D/242/2021, paras "
        "7.10-7.12)"),
    "outcome.rejected": N_("rejected"),
    "outcome.granted": N_("granted"),
    "outcome.partly_granted": N_("partly granted"),
    # --- the States register (standing.py) -----------------------------------------------------------
    "register.phrase": N_("the States register as of %(as_of)s, from %(source)s"),
    "register.no_source": N_("no source recorded"),
    "instrument.ratification": N_("ratification"),
    "instrument.accession": N_("accession"),
    "eif.rule_18_1": N_("art. 18(1): its instrument was among the first ten"),
    "eif.rule_18_2_deposit": N_("art. 18(2): three months after the deposit of its instrument of %(instrument)s on "
                                "%(deposit)s"),
    "eif.rule_18_2": N_("art. 18(2): three months after the deposit of its instrument of %(instrument)s"),
    "eif.why": N_("(%(rule)s)"),
    "eif.why_dated": N_("(%(rule)s; register as of %(as_of)s)"),
    "eif.on": N_("on %(day)s %(why)s"),
    "eif.between": N_("between %(earliest)s and %(latest)s %(why)s"),
    "eif.on_if_right": N_("on %(day)s if the register's deposit date is right %(why)s"),
    "eif.doubt_no_such_day": N_("Three months after %(deposit)s falls on a day %(month)s does not have, so the rule "
                                "gives %(earliest)s or %(latest)s, and the register's date is not verified (source: "
                                "%(source)s)."),
    "eif.doubt_year_only": N_("The register knows only the year of the instrument (%(year)s), not the day (source: "
                              "%(source)s)."),
    "eif.doubt_deposit_unverified": N_("The register's deposit date %(deposit)s is not verified (source: %(source)s)."),
    "eif.doubt_register_disagrees": N_("The register gives %(recorded)s, which is not what art. 18 gives from the "
                                       "deposit (source: %(source)s)."),
    "eif.doubt_source": N_("Source: %(source)s."),
    # --- Article 1 (art1.py) -------------------------------------------------------------------------
    "art1.no_state": N_("The State concerned is not recorded."),
    # TRANSLATORS: ends a sentence after a comma: "…, so X was not a party to the Protocol, and the Committee …".
    "art1.no_competence": N_("and the Committee cannot receive a communication concerning a State that is not a "
                             "party (art. 1(2))."),
    "art1.not_covenant_party": N_(
        "%(state)s was not a party to the International Covenant on Economic, Social and Cultural Rights on "
        "%(reference)s (the Covenant's status as of %(as_of)s, source: %(source)s). Only a State that has ratified or "
        "acceded to the Covenant can become a party to the Optional Protocol (art. 17(2)-(3)), so %(state)s was not "
        "a party to the Protocol, %(no_competence)s"),
    "art1.not_listed": N_("%(state)s is not listed as a party to the Optional Protocol in %(register)s, which does not "
                          "list every party, so this does not show that it is not a party."),
    "art1.register_identifies": N_("The register identifies %(listed)s of the %(reported)s parties the source "
                                   "reported."),
    "phrase.check_untc": N_("Check the UN Treaty Collection."),
    "art1.signatory": N_("%(state)s signed the Optional Protocol but is not a party to it in %(register)s: signature "
                         "alone does not give the Committee competence, %(no_competence)s Check the UN Treaty "
                         "Collection in case it has ratified since."),
    "art1.signatory_on": N_("%(state)s signed the Optional Protocol on %(signed)s but is not a party to it in "
                            "%(register)s: signature alone does not give the Committee competence, %(no_competence)s "
                            "Check the UN Treaty Collection in case it has ratified since."),
    "art1.not_party_as_of": N_("%(state)s was not a party to the Optional Protocol as of %(as_of)s: %(register)s "
                               "lists every party as of that date (%(parties)s), %(no_competence)s"),
    "art1.covenant_signatory_only": N_("As of %(as_of)s it also had only signed the Covenant (source: %(source)s), "
                                       "which it must ratify or accede to before it can join the Protocol "
                                       "(art. 17(2)-(3))."),
    "art1.covenant_not_party": N_("As of %(as_of)s it also was not a party to the Covenant (source: %(source)s), which "
                                  "it must ratify or accede to before it can join the Protocol (art. 17(2)-(3))."),
    "art1.later_than_register": N_("The communication, %(reference)s, is later than %(as_of)s: check the UN Treaty "
                                   "Collection for a ratification or accession since; the Protocol would enter into "
                                   "force for %(state)s three months after its deposit (art. 18(2))."),
    "art1.no_instrument_date": N_("%(state)s is listed as a party in %(register)s, but the register has no date for "
                                  "its instrument, so the day on which the Protocol entered into force for it "
                                  "(art. 18) is unknown; check the UN Treaty Collection."),
    "art1.in_force_open_submitted": N_("Whether it was in force for %(state)s when the communication was submitted "
                                       "(%(reference)s) depends on the exact day; check the UN Treaty Collection."),
    "art1.in_force_open_assessed": N_("Whether it was in force for %(state)s when the communication was assessed "
                                      "(%(reference)s) depends on the exact day; check the UN Treaty Collection."),
    "art1.moment_submitted": N_("submitted on %(reference)s"),
    "art1.moment_not_submitted": N_("not yet submitted (today is %(today)s)"),
    "art1.before_eif": N_("The Optional Protocol entered into force for %(state)s %(when)s; the communication, "
                          "%(moment)s, comes before that date, when the Committee is not yet competent to receive it "
                          "(art. 1). It can be submitted from %(first_day)s."),
    "art1.party": N_("%(state)s is a party to the Optional Protocol, which entered into force for it %(when)s, "
                     "according to %(register)s."),
    # --- Article 2 (art2.py) -------------------------------------------------------------------------
    "art2.not_under_jurisdiction": N_(
        "The victims are recorded as not under the jurisdiction of %(state)s: a communication must concern "
        "individuals under the jurisdiction of the State party (art. 2; e.g. acts of another State's courts, "
        "M.L.B. v. Luxembourg, E/C.12/66/D/20/2017, para. 7.5)."),
    "art2.jurisdiction_unknown": N_("Whether the victims are under the jurisdiction of %(state)s is not recorded."),
    "art2.under_jurisdiction": N_("The victims are under the jurisdiction of %(state)s."),
    "art2.victim_unknown": N_("Whether the author is a victim or acts on behalf of victims is not recorded."),
    "art2.neither": N_("The author is recorded as neither a victim nor acting on behalf of victims: a communication "
                       "must be submitted by or on behalf of persons claiming to be victims (art. 2; S.C. and G.P. v. "
                       "Italy, E/C.12/65/D/22/2017, para. 6.19)."),
    "art2.claims_victim": N_("The author claims to be a victim."),
    "art2.behalf_unknown": N_("Whether the author also acts on behalf of other victims is not recorded."),
    # TRANSLATORS: fills %(others)s in "acts on behalf of %(others)s" and "Whether %(others)s consented".
    "art2.others_other": N_("other victims"),
    "art2.others_the": N_("the victims"),
    "art2.with_consent": N_("The author acts on behalf of %(others)s with their consent."),
    "art2.justified": N_("The author acts on behalf of %(others)s without consent and gives a justification for "
                         "acting without it: the Committee must accept that acting without consent is justified "
                         "(art. 2, second sentence)."),
    "art2.justified_unrecorded": N_("The author acts on behalf of %(others)s without recorded consent and gives a "
                                    "justification for acting without it: the Committee must accept that acting "
                                    "without consent is justified (art. 2, second sentence)."),
    "art2.without_consent_rule": N_("claims made on behalf of others without consent are inadmissible (art. 2; "
                                    "Martínez de Orellana v. Venezuela, E/C.12/77/D/242/2021, para. 7.3)"),
    "art2.own_claims_go_on": N_("The author acts on behalf of other victims without their consent and without a "
                                "justification: the author's own claims go on, but %(rule)s."),
    "art2.without_consent": N_("The author acts on behalf of the victims without their consent and without a "
                               "justification: %(rule)s."),
    "art2.consent_unknown": N_("Whether %(others)s consented to the author acting on their behalf is not recorded."),
    "art2.victim_alone": N_("The author claims to be a victim and does not act on behalf of others."),
    "art2.alone_victim_unknown": N_("The author does not act on behalf of others, and whether the author is a victim "
                                    "is not recorded."),
    # --- Article 3(1) (exhaustion.py) ----------------------------------------------------------------
    "art3_1.exception_without_reason": N_("An exception to exhaustion is recorded without its reason."),
    "art3_1.exception_argued": N_("The author argues that domestic remedies are %(reason)s: %(basis)s."),
    "art3_1.unused_no_reason": N_("%(name)s was not used and no reason is given: available remedies must be exhausted "
                                  "(art. 3(1)); mere doubts about its chances of success do not excuse it (M.L.B. v. "
                                  "Luxembourg, para. 7.4)."),
    "art3_1.unused_reason_unknown": N_("Why %(name)s was not used is not recorded."),
    "art3_1.unused_because": N_("%(name)s was not used because, the author says, it is %(reason)s: %(basis)s."),
    "art3_1.remedies_unknown": N_("The domestic remedies used are not recorded."),
    "art3_1.pending": N_("%(name)s is still pending"),
    "art3_1.pending_filed": N_("%(name)s (filed on %(filed)s) is still pending"),
    "art3_1.pending_exception": N_("%(pending)s; the author relies on the exception to exhaustion."),
    "art3_1.pending_not_exhausted": N_("%(pending)s: domestic remedies are not exhausted (art. 3(1)). Wait for the "
                                       "final decision and submit within a year of its notification, or record why "
                                       "the remedy is unreasonably prolonged (the exception to exhaustion)."),
    "art3_1.final": N_("The final domestic decision is %(decision)s."),
    "art3_1.final_outcome": N_("The final domestic decision is %(decision)s (%(outcome)s)."),
    "art3_1.final_after_submission": N_(
        "It was given after the communication was submitted (%(submitted)s), which does not matter: the Committee "
        "must have ascertained that remedies are exhausted before it considers the communication (art. 3(1)), so "
        "exhaustion completed while the communication is pending counts."),
    "art3_1.final_unknown": N_("Whether the decision on %(names)s was final (no further remedy available) is not "
                               "recorded."),
    "art3_1.withdrawn": N_("The author withdrew %(withdrawn)s, and no final decision followed: a withdrawn remedy is "
                           "not exhausted (art. 3(1)), and the final domestic decision is the last decision on a "
                           "remedy (Arellano Medina v. Ecuador, E/C.12/63/D/7/2015, para. 8.7), which a withdrawal "
                           "does not give."),
    "art3_1.none_final": N_("No decision is recorded as final: %(decision)s could still be challenged, so domestic "
                            "remedies are not exhausted (art. 3(1))."),
    "art3_1.none_used": N_("No domestic remedy is recorded as used, and no reason is given why none was: the author "
                           "must exhaust available remedies or show that they are unavailable, ineffective or "
                           "unreasonably prolonged (art. 3(1); Ziablitsev v. France, E/C.12/71/D/176/2020, paras "
                           "6.5-6.7)."),
    # --- Article 3(2)(a) (time_limits.py) ------------------------------------------------------------
    "art3_2_a.pending": N_("The one-year limit has not started: %(names)s is still pending, and the year runs from "
                           "the day after notification of the final domestic decision (López Rodríguez v. Spain, "
                           "E/C.12/57/D/1/2013, para. 8.3)."),
    "art3_2_a.exception": N_("There is no final domestic decision from which to count the year: the author relies on "
                             "the exception to exhaustion (art. 3(1)). Submit without delay."),
    "art3_2_a.remedies_unknown": N_("The final domestic decision is not known: the domestic remedies are not "
                                    "recorded."),
    "art3_2_a.withdrawn": N_("The one-year limit has not started: the author withdrew %(withdrawn)s, so no final "
                             "domestic decision ended the remedies (art. 3(1)), and the year runs from the day after "
                             "notification of the final domestic decision (López Rodríguez v. Spain, "
                             "E/C.12/57/D/1/2013, para. 8.3)."),
    "art3_2_a.no_final": N_("No final domestic decision is recorded, so the one-year limit cannot be counted."),
    "art3_2_a.no_dates": N_("The dates of the final decision (%(name)s) are not recorded, so the one-year limit cannot "
                            "be counted."),
    "art3_2_a.notified_before_taken": N_("The final decision (%(name)s) is recorded as notified on %(notified)s, "
                                         "before it was taken on %(decided)s: correct the dates before the one-year "
                                         "limit can be counted."),
    "art3_2_a.counted_notification": N_("notification of the final decision (%(start)s)"),
    "art3_2_a.counted_decision": N_("the final decision (%(start)s; its notification date is not recorded, so the "
                                    "year is counted from the decision, which can only bring the last day earlier)"),
    "art3_2_a.before_decision": N_("before the final domestic decision (%(decision)s)"),
    "art3_2_a.before_notified": N_("before the final domestic decision (%(decision)s) was notified"),
    "art3_2_a.submitted_before": N_(
        "Submitted on %(submitted)s, %(before)s: the year runs from the day after the final decision is notified, so "
        "it had not begun and the communication cannot be late (art. 3(2)(a)). The Committee must have ascertained "
        "exhaustion before it considers the communication (art. 3(1)), so remedies exhausted while it is pending "
        "count."),
    "art3_2_a.submitted_in_time": N_("Submitted on %(submitted)s, within one year of %(counted)s; last day %(last)s."),
    "art3_2_a.submitted_late": N_("Submitted on %(submitted)s, after the last day %(last)s, one year from "
                                  "%(counted)s."),
    "art3_2_a.late_decision_basis": N_("%(late)s The notification may have come later and moved the last day: record "
                                       "it."),
    "art3_2_a.late_explained": N_("%(late)s The author explains why it was not possible to submit in time: an "
                                  "exception the author must demonstrate (art. 3(2)(a))."),
    "art3_2_a.late": N_("%(late)s The year runs from the day after notification (López Rodríguez v. Spain, para. "
                        "8.3); no reason why submission in time was not possible is recorded."),
    # TRANSLATORS: the start of a sentence without its end: other templates continue it (%(premise)s. or %(premise)s:).
    "art3_2_a.premise": N_("No domestic remedy was available, the author says, and none is recorded as used; the year "
                           "of art. 3(2)(a) runs from the exhaustion of domestic remedies, so there is no final "
                           "decision to count it from"),
    "art3_2_a.weigh": N_("It rests on the claim that no remedy was available, which the author must show (art. 3(1); "
                         "Ziablitsev v. France, E/C.12/71/D/176/2020, paras 6.5-6.7)."),
    "art3_2_a.facts_continue": N_("%(premise)s. The facts continue, so a year counted from them has not begun: submit "
                                  "without delay. %(weigh)s"),
    "art3_2_a.facts_end_unknown": N_("%(premise)s: it runs from the facts, and when they ended (or whether they "
                                     "continue) is not recorded."),
    "art3_2_a.counted_from_facts": N_("counted from the end of the facts (%(end)s), the last day is %(last)s"),
    "art3_2_a.facts_submitted_within": N_("submitted on %(submitted)s, within it"),
    "art3_2_a.facts_submitted_after": N_("submitted on %(submitted)s, after it"),
    "art3_2_a.facts_in_time": N_("%(premise)s: %(counted)s; %(when)s. %(weigh)s"),
    "art3_2_a.facts_late_explained": N_("%(premise)s: %(counted)s; %(when)s. The author explains why acting or "
                                        "submitting earlier was not possible: an exception the author must demonstrate "
                                        "(art. 3(2)(a)). %(weigh)s"),
    "art3_2_a.facts_late": N_("%(premise)s: %(counted)s; %(when)s. The year runs from a later day only if the author "
                              "could first act then (it starts with sufficient knowledge, López Rodríguez v. Spain, "
                              "E/C.12/57/D/1/2013, para. 8.3) or could not submit in time (art. 3(2)(a)): record when "
                              "and why, or the communication is late."),
    # --- Article 3(2)(b) (ratione_temporis.py) -------------------------------------------------------
    "art3_2_b.persist": N_("Effects that merely extend in time are not continuing facts (Merino Sierra v. Spain, "
                           "E/C.12/59/D/4/2014, para. 6.7; Alarcón Flores et al. v. Ecuador, E/C.12/62/D/14/2016, "
                           "paras 9.8-9.12)."),
    "art3_2_b.no_state": N_("The State concerned is not recorded, so the Protocol's entry into force for it is not "
                            "known."),
    "art3_2_b.not_listed": N_("The State is not listed in %(register)s, which does not list every party, so the "
                              "Protocol's entry into force for it is not known; check the UN Treaty Collection."),
    "art3_2_b.not_a_party": N_("The State is not a party to the Protocol (%(register)s): the Protocol has not entered "
                               "into force for it (arts 1 and 18), so there is no date to compare the facts with."),
    "art3_2_b.no_eif": N_("The date on which the Protocol entered into force for %(state)s is not in %(register)s; "
                          "check the UN Treaty Collection."),
    "art3_2_b.eif": N_("the Protocol's entry into force for %(state)s %(when)s"),
    "art3_2_b.began_after": N_("The facts began on %(start)s, on or after %(eif)s."),
    # TRANSLATORS: %(began)s — the start of a sentence without its end, continued by other templates.
    "art3_2_b.start_unknown": N_("The date the facts began is not recorded (%(eif)s)"),
    "art3_2_b.began_open": N_("The facts began on %(start)s, which may be before or after %(eif)s"),
    "art3_2_b.began_before": N_("The facts began on %(start)s, before %(eif)s"),
    "art3_2_b.substantive_decision": N_(
        "%(began)s, but %(decision)s, taken on or after that date, addressed the substance of the alleged violation: "
        "a post-entry-into-force decision in proceedings directly connected to the facts that could have remedied "
        "them counts as a fact within time (I.D.G. v. Spain, E/C.12/55/D/2/2014, para. 9.3; Arellano Medina v. "
        "Ecuador, E/C.12/63/D/7/2015, para. 8.3)."),
    "art3_2_b.lasted": N_("%(began)s, and lasted until %(end)s, after that date"),
    "art3_2_b.lasted_start_unknown": N_("The facts lasted until %(end)s, after %(eif)s (the date they began is not "
                                        "recorded)"),
    "art3_2_b.lasted_after": N_("%(lasted)s; the Committee can examine the facts after entry into force. Check that "
                                "they are acts or omissions of the State, not their effects: %(persist)s"),
    "art3_2_b.open_date": N_("%(began)s. Whether %(day)s came before or after entry into force depends on its exact "
                             "day."),
    "art3_2_b.uncertain_decision": N_("%(began)s. Whether the decision on %(names)s was taken after that date and "
                                      "addressed the substance (not purely formal points) is not recorded; such a "
                                      "decision would bring the facts within time (I.D.G. v. Spain, para. 9.3)."),
    "art3_2_b.continuing": N_("%(began)s; the author says they continued after that date (art. 3(2)(b)): an "
                              "exception the author must show. %(persist)s"),
    "art3_2_b.when_unknown": N_("When the facts occurred is not recorded (%(eif)s)."),
    "art3_2_b.end_unknown": N_("%(began)s, and neither when they ended nor whether they continue is recorded."),
    "art3_2_b.continuing_unknown": N_("%(began)s and ended on %(end)s; whether they continued after entry into force "
                                      "is not recorded."),
    "art3_2_b.before": N_("%(began)s and ended on %(end)s, before it; they did not continue after that date, and no "
                          "domestic decision taken after it addressed their substance (art. 3(2)(b)). %(persist)s"),
    # --- Article 3(2)(c) (other_procedures.py) -------------------------------------------------------
    "art3_2_c.unknown": N_("Whether the same matter was submitted to another procedure of international investigation "
                           "or settlement is not recorded."),
    "art3_2_c.none": N_("No other procedure of international investigation or settlement is recorded."),
    "art3_2_c.different": N_("%(body)s concerns a different matter."),
    "art3_2_c.same_matter_unknown": N_("Whether %(body)s concerns the same matter (same parties, events and rights) is "
                                       "not recorded."),
    "art3_2_c.pending": N_("The same matter is being examined by %(body)s (art. 3(2)(c))."),
    "art3_2_c.examined": N_("The same matter has been examined by %(body)s (art. 3(2)(c))."),
    "art3_2_c.examined_on": N_("The same matter has been examined by %(body)s on %(day)s (art. 3(2)(c))."),
    "art3_2_c.unreasoned": N_("%(body)s declared the same matter inadmissible without reasons: an unreasoned decision "
                              "is not an examination (Merino Sierra v. Spain, E/C.12/59/D/4/2014, paras 6.4-6.5)."),
    "art3_2_c.unreasoned_on": N_("%(body)s declared the same matter inadmissible on %(day)s without reasons: an "
                                 "unreasoned decision is not an examination (Merino Sierra v. Spain, "
                                 "E/C.12/59/D/4/2014, paras 6.4-6.5)."),
    "art3_2_c.reasoned": N_("%(body)s declared the same matter inadmissible with reasons: it was 'examined' only if "
                            "the reasons went beyond purely formal admissibility criteria (Merino Sierra, paras "
                            "6.4-6.5). Read the decision; if it examined the substance, record the status "
                            "'examined'."),
    "art3_2_c.reasoned_on": N_("%(body)s declared the same matter inadmissible on %(day)s with reasons: it was "
                               "'examined' only if the reasons went beyond purely formal admissibility criteria "
                               "(Merino Sierra, paras 6.4-6.5). Read the decision; if it examined the substance, "
                               "record the status 'examined'."),
    "art3_2_c.withdrawn": N_("The same matter was withdrawn from %(body)s before any examination."),
    "art3_2_c.withdrawn_on": N_("The same matter was withdrawn from %(body)s on %(day)s before any examination."),
    "art3_2_c.status_unknown": N_("The status of the same matter before %(body)s is not recorded."),
    # --- Article 3(2)(d) (compatibility.py) ----------------------------------------------------------
    "art3_2_d.excluded": N_("Claims under other instruments are incompatible with the Covenant and excluded "
                            "(art. 3(2)(d); V.T.F. and A.F.L. v. Spain, E/C.12/56/D/6/2015, para. 4.2): %(claims)s."),
    "art3_2_d.rights_unknown": N_("The Covenant rights invoked are not recorded."),
    "art3_2_d.no_covenant_right": N_("No right set forth in the Covenant is invoked, so no claim is left to examine "
                                     "(art. 3(2)(d))."),
    "art3_2_d.compatible": N_("The claims under the Covenant (%(claims)s) are compatible with it."),
    "art3_2_d.goes_on": N_("The assessment goes on with the Covenant claims."),
    # --- Article 3(2)(e) (substantiation.py) ---------------------------------------------------------
    "art3_2_e.mass_media": N_("The communication is based exclusively on reports disseminated by mass media "
                              "(art. 3(2)(e))."),
    "art3_2_e.mass_media_unknown": N_("Whether the communication rests only on mass-media reports is not recorded."),
    "art3_2_e.not_mass_media": N_("The communication does not rest only on mass-media reports."),
    "art3_2_e.not_substantiated": N_("The claims are recorded as not sufficiently substantiated or manifestly "
                                     "ill-founded (art. 3(2)(e))."),
    "art3_2_e.substantiated_unknown": N_("Whether the claims are sufficiently substantiated is not yet determined."),
    "art3_2_e.substantiated": N_("The claims are recorded as sufficiently substantiated."),
    # --- Article 3(2)(f) (abuse.py) ------------------------------------------------------------------
    "art3_2_f.abuse": N_("The communication is recorded as an abuse of the right to submit one, which typically "
                         "arises from submission in bad faith (art. 3(2)(f); M.B.B. v. Spain, E/C.12/68/D/79/2018, "
                         "para. 9.5)."),
    "art3_2_f.no_abuse": N_("No abuse of the right to submit a communication is recorded."),
    "art3_2_f.unknown": N_("Whether the communication is an abuse of the right of submission (e.g. bad faith) is not "
                           "yet determined; a mere lack of diligence is not in itself an abuse (Taghzouti Ezqouihel, "
                           "E/C.12/69/D/56/2018, para. 6.3)."),
    # --- Article 3(2)(g) (form.py) -------------------------------------------------------------------
    "art3_2_g.anonymous": N_("The communication is anonymous (art. 3(2)(g))."),
    "art3_2_g.anonymous_unknown": N_("Whether the communication is anonymous is not recorded."),
    "art3_2_g.not_anonymous": N_("The communication is not anonymous."),
    "art3_2_g.not_in_writing": N_("The communication is not in writing (art. 3(2)(g))."),
    "art3_2_g.in_writing_unknown": N_("Whether the communication is in writing is not recorded."),
    "art3_2_g.in_writing": N_("It is in writing."),
    # --- Article 4 (art4.py) -------------------------------------------------------------------------
    "art4.discretion": N_("Article 4 is not an admissibility requirement but a discretion of the Committee (Ben Djazia "
                          "and Bellili v. Spain, E/C.12/61/D/5/2015, para. 11.5)."),
    "art4.disadvantage": N_("The author has suffered a clear disadvantage."),
    "art4.no_disadvantage_importance": N_(
        "The communication does not reveal a clear disadvantage, so the Committee may decline to consider it. The "
        "author argues that the communication raises a serious issue of general importance, which the Committee may "
        "accept. %(discretion)s"),
    "art4.no_disadvantage": N_("The communication does not reveal a clear disadvantage, so the Committee may decline "
                               "to consider it. No serious issue of general importance is claimed. %(discretion)s"),
    "art4.importance_only": N_("Whether the author suffered a clear disadvantage is not recorded; the author argues "
                               "that the communication raises a serious issue of general importance. %(discretion)s"),
    "art4.unknown": N_("Whether the author suffered a clear disadvantage is not recorded. %(discretion)s"),
    # --- warnings (result.WARNING_CODES) -------------------------------------------------------------
    "warning.one_year_passed": N_("%(label)s: the one-year limit of art. 3(2)(a) has passed."),
    "warning.one_year_soon": N_("%(label)s: %(level)s-day warning for the one-year limit of art. 3(2)(a)."),
    "warning.register_unverified": N_("The register's entry for %(state)s is not verified (source: %(source)s): "
                                      "confirm in the UN Treaty Collection that it is a party and when the Protocol "
                                      "entered into force for it."),
    "warning.register_no_source": N_("none"),
    "warning.others_without_consent": N_("Art. 2: the claims made on behalf of the other victims, without their "
                                         "consent or a justification, are inadmissible; only the author's own claims "
                                         "go on."),
    "warning.accessory_articles_only": N_("Only articles 1, 2 or 3 of the Covenant are invoked: the Committee reads "
                                          "them together with a substantive right (arts 6-15); name the substantive "
                                          "right violated."),
    "warning.housing_due_diligence": N_("In housing cases (art. 11(1)) the Committee weighs whether the author applied "
                                        "in time for social or emergency housing, for exhaustion and substantiation "
                                        "(e.g. Loor Chila v. Spain, E/C.12/70/D/102/2019, para. 6.4)."),
    "warning.remedy_granted": N_("The final decision of %(name)s granted the remedy: explain why the author is still a "
                                 "victim of a violation (art. 2), e.g. the decision was not enforced."),
    "warning.remedy_partly_granted": N_("The final decision of %(name)s partly granted the remedy: explain why the "
                                        "author is still a victim of a violation (art. 2), e.g. the decision was not "
                                        "enforced."),
    "warning.facts_date_order": N_("The facts are recorded as ending (%(end)s) before they began (%(start)s): check "
                                   "when the facts began and ended."),
    "warning.remedy_date_order": N_("%(name)s is recorded as decided (%(decided)s) before it was filed (%(filed)s): "
                                    "check the dates of domestic remedy no. %(n)s."),
    # --- the deadline's label (domain/deadlines.deadline_label, in the one-year warnings and --explain) ----
    # TRANSLATORS: %(when)s is "in 12 days", "today" or "passed 3 days ago" (deadline.*).
    "deadline.label": N_("Last day to submit to the Committee: %(day)s (%(when)s)"),
    "deadline.today": N_("today"),
    # --- flask screen --explain (explanation.py) -----------------------------------------------------
    "explain.overall": N_("Overall: %(overall)s"),
    "explain.overall_prima_facie": N_("Overall: %(overall)s (prima facie)"),
    # TRANSLATORS: a line of flask screen --explain: "[met] Article 3(2)(a) (art3_2_a): the reason"; %(id)s is a code.
    "explain.criterion": N_("[%(status)s] %(article)s (%(id)s): %(reason)s"),
    "explain.missing": N_("Missing: %(paths)s"),
    "explain.missing_question": N_("Missing: %(path)s — %(question)s"),
    "explain.excluded": N_("Excluded claims (art. 3(2)(d)): %(claims)s"),
    "explain.last_day_unknown": N_("Last day to submit to the Committee: not known (see Article 3(2)(a) above)."),
    "explain.on_the_last_day": N_("on the last day"),
    "explain.submitted": N_("Last day to submit to the Committee: %(last)s; submitted on %(submitted)s, %(relation)s."),
    "explain.decision_basis": N_("Counted from the decision date: the notification date is not recorded."),
    "explain.warnings": N_("Warnings:"),
    "overall.admissible": N_("admissible"),
    "overall.inadmissible": N_("inadmissible"),
    "overall.incomplete": N_("incomplete"),
    # TRANSLATORS: a criterion's status as flask screen --explain prints it, in brackets; DESIGN.md §5's codes.
    "status.met": N_("met"),
    "status.not_met": N_("not_met"),
    "status.unknown": N_("unknown"),
    "status.warning": N_("warning"),
    "status.not_applicable": N_("not_applicable"),
    "article.art1": N_("Article 1"),
    "article.art2": N_("Article 2"),
    "article.art3_1": N_("Article 3(1)"),
    "article.art3_2_a": N_("Article 3(2)(a)"),
    "article.art3_2_b": N_("Article 3(2)(b)"),
    "article.art3_2_c": N_("Article 3(2)(c)"),
    "article.art3_2_d": N_("Article 3(2)(d)"),
    "article.art3_2_e": N_("Article 3(2)(e)"),
    "article.art3_2_f": N_("Article 3(2)(f)"),
    "article.art3_2_g": N_("Article 3(2)(g)"),
    "article.art4": N_("Article 4"),
}

# The templates with a count: their singular and plural forms, and the parameter that chooses between them.
COUNTS = {
    "art3_2_a.not_submitted_in_time": "left", "art3_2_a.not_submitted_late": "days", "art3_2_a.facts_left": "left",
    "art3_2_a.facts_passed": "days", "deadline.in_days": "days", "deadline.passed_days": "days",
    "explain.days_before": "days", "explain.days_after": "days",
}
TEMPLATES.update({
    "art3_2_a.not_submitted_in_time": Nn_(
        "Not yet submitted: in time if submitted by %(last)s, one year from %(counted)s; %(left)s day left as of "
        "%(today)s.",
        "Not yet submitted: in time if submitted by %(last)s, one year from %(counted)s; %(left)s days left as of "
        "%(today)s."),
    "art3_2_a.not_submitted_late": Nn_(
        "Not yet submitted, and the last day, %(last)s (one year from %(counted)s), passed %(days)s day before today "
        "(%(today)s).",
        "Not yet submitted, and the last day, %(last)s (one year from %(counted)s), passed %(days)s days before today "
        "(%(today)s)."),
    "art3_2_a.facts_left": Nn_("not yet submitted: %(left)s day left as of %(today)s",
                               "not yet submitted: %(left)s days left as of %(today)s"),
    "art3_2_a.facts_passed": Nn_("not yet submitted, and it passed %(days)s day before today (%(today)s)",
                                 "not yet submitted, and it passed %(days)s days before today (%(today)s)"),
    "deadline.in_days": Nn_("in %(days)s day", "in %(days)s days"),
    "deadline.passed_days": Nn_("passed %(days)s day ago", "passed %(days)s days ago"),
    "explain.days_before": Nn_("%(days)s day before the last day", "%(days)s days before the last day"),
    "explain.days_after": Nn_("%(days)s day after the last day", "%(days)s days after the last day"),
})

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def placeholders(code: str) -> frozenset[str]:
    """The parameters a template names (every form of it)."""
    forms = TEMPLATES[code]
    forms = forms if isinstance(forms, tuple) else (forms,)
    return frozenset(name for form in forms for name in _PLACEHOLDER.findall(form))


_new_message = tuple.__new__  # Message(code, params) without the named tuple's own __new__: one call less


def msg(code: str, **params) -> Message:
    """A message. Not checked here, where the engine spends its time (DESIGN.md §7): the tests read every
    call in the engine and check its code and parameters against the template
    (tests/unit/test_admissibility_messages.py)."""
    return _new_message(Message, (code, params))


def deadline_label(last_day: date, today: date) -> Message:
    """ "Last day to submit to the Committee: 6 Nov 2026 (in 12 days)" / "(today)" / "(passed 3 days ago)": the words of
    ``deadlines.deadline_label``, as a message."""
    left = days_left(last_day, today)
    if left > 0:
        when = msg("deadline.in_days", days=left)
    elif left == 0:
        when = msg("deadline.today")
    else:
        when = msg("deadline.passed_days", days=-left)
    return msg("deadline.label", day=Day(last_day), when=when)


def _same(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def register_name(code: str, name: str) -> str:
    """A State by the register's name (the English reasons)."""
    return name


def english_date(day: date, style: str) -> str:
    """The dates of the engine's own English text: ISO in the reasons (DESIGN.md §5's examples), "6 Nov 2026"
    for a day people read, the month's name."""
    if style == DAY:
        return format_day(day)
    if style == MONTH:
        return day.strftime("%B")
    return day.isoformat()


class Renderer(NamedTuple):
    """Messages into text: ``gettext`` and ``ngettext`` translate a template (gettext's signatures, so a
    Babel ``Translations`` object's methods fit), ``dates`` formats a date in a style (``DATE``, ``DAY``,
    ``MONTH``), ``states`` names a State (code, register's name). The defaults give the English of
    DESIGN.md §5."""

    gettext: Callable[[str], str] = _same
    ngettext: Callable[[str, str, int], str] = _english_plural
    dates: Callable[[date, str], str] = english_date
    states: Callable[[str, str], str] = register_name

    def __call__(self, message: Message) -> str:
        code, params = message
        forms = TEMPLATES[code]
        template = self.ngettext(*forms, params[COUNTS[code]]) if forms.__class__ is tuple else self.gettext(forms)
        if not params:
            return template
        value = self.value
        return template % {name: value(parameter) for name, parameter in params.items()}

    def value(self, value) -> str:
        """One parameter as text: a message rendered, a date formatted, anything else as it is. (By exact
        type, most frequent first: ``flask screen`` renders every reason of every case it assesses.)"""
        kind = value.__class__
        if kind is str:
            return value
        if kind is Message:
            return self(value)
        if kind is date:
            return self.dates(value, DATE)
        if kind is State:
            return self.states(value.code, value.name)
        if kind is Listing:
            return value.separator.join(self.value(item) for item in value.items)
        if kind is Day:
            return self.dates(value.value, DAY)
        if kind is Month:
            return self.dates(value.value, MONTH)
        return str(value)

    def sentences(self, messages) -> str:
        """Several sentences, as a criterion's reason joins them."""
        return " ".join(self(message) for message in messages)


ENGLISH = Renderer()
