"""The admissibility engine: a case's facts → an assessment against Articles 1–4 of the Optional
Protocol (DESIGN.md §5, the contract; domain/OP-ICESCR.md §§1, 2, 5 and 6, the rules).

``assess(facts, *, today, register)`` is pure and deterministic: the same facts, day and register give
the same ``Assessment``. ``CaseFacts.from_json`` reads DESIGN.md §5's JSON strictly and raises
``FactsError(field, message)`` naming the dotted field (``remedies.0.notified``).

Every criterion cites its article; every reason is a plain sentence naming the dates and facts used;
``missing`` names what would settle an ``unknown``. The sentences are messages (``messages``: a code and
its parameters, DESIGN.md §6): ``Criterion.reason`` and ``Assessment.warnings`` hold their English, and
``Assessment.rendered(renderer)`` gives them in the reader's language. Unknown stays unknown: a missing field is never a
silent pass, and no date of a State is guessed.

The modules: ``facts`` (the input and its strict reader), ``result`` (the answer's types),
``context`` (what several criteria share), ``messages`` (the sentences' templates and their renderer),
``decisions``, ``standing`` and ``wording`` (how reasons name things),
one module per criterion — ``art1``, ``art2``, ``exhaustion`` (3(1)), ``time_limits`` (3(2)(a)),
``ratione_temporis`` (3(2)(b)), ``other_procedures`` (3(2)(c)), ``compatibility`` (3(2)(d)),
``substantiation`` (3(2)(e)), ``abuse`` (3(2)(f)), ``form`` (3(2)(g)), ``art4`` —, ``engine``
(``assess``) and ``explanation`` (the assessment as readable text). They import one another
directly, never through this package's namespace, which only gathers the public names.

``missing`` holds CaseFacts field names in dotted form (``remedies.0.final``). A fact that is not in
the CaseFacts but in the States register is named ``register:<ISO2>.<what>`` (``register:NE.
entry_into_force``): it is settled by checking the UN Treaty Collection and correcting the register,
not by asking the partner.

Choices where the text is silent
--------------------------------
Where DESIGN.md §5 and OP-ICESCR.md leave a question open, the engine decides as follows.

1. **Art. 1 and the date of reference.** A State that "becomes a Party" recognises the Committee's
   competence (art. 1(1)) from the Protocol's entry into force for it (art. 18): 5 May 2013 for the
   first ten instruments (art. 18(1)), three months after the deposit for every later one (art. 18(2)),
   computed from the register's deposit date (``states.protocol_entry_into_force``). A communication
   submitted before that day is ``not_met``; one not yet submitted is judged on ``today``. Where the rule
   or the sources leave the day open (Finland deposited on 31 January 2014: 30 April or 1 May 2014; a
   deposit known only by its year; a register date art. 18 does not give), the engine works with the
   bounds and is ``unknown`` only for a date of reference between them; a deposit date nothing confirms
   bounds nothing, so every comparison with it is ``unknown``. No fixed window of days is used.
2. **Certainty where the register gives it.** A State that was not a party to the Covenant on the date of
   reference cannot have been a party to the Protocol (art. 17(2)-(3)): art. 1 ``not_met``. A State the
   register does not list, when the register lists every party as of its date (the 2026 list of 31), was
   not a party as of that date: ``not_met``, the date in the reason, and a note to check the UN Treaty
   Collection when the communication is later than the register. Only a register that misses parties
   (the 2024 one) leaves a State it does not list ``unknown``. A listed row marked unverified adds a
   warning to confirm it. Art. 3(2)(b) uses the same bounds for the facts and the domestic decisions.
3. **A State that is not a party** (a signatory, or one shown not to be a party) makes art. 3(2)(b)
   ``not_applicable`` (no entry into force to compare with); art. 1 is already ``not_met``. A State the
   register may miss leaves art. 1 and 3(2)(b) ``unknown``. Every reason resting on the register names
   its date and source.
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
   ``withdrawn`` are not exhausted: if nothing final follows them, art. 3(1) is ``not_met``, and the
   reason names each as withdrawn, with the decision it challenged (the last decided remedy listed
   before it), never as a decision that "could still be challenged"; art. 3(2)(a) is then
   ``not_applicable`` (the year has not started) unless another decision's finality is unknown.
6. **Pending remedies (art. 3(1)).** Any remedy still ``pending`` means remedies are not exhausted
   (``not_met``) unless the author makes a ``remedies_exception`` (art. 3(1), second sentence; e.g. a
   criminal complaint pending for over four years, *Martínez de Orellana*, paras 7.10–7.12), which is
   a ``warning``. A pending remedy is never a post-EIF "fact" for 3(2)(b) (*Alarcón Flores*, paras
   9.8–9.12).
7. **Unused remedies (art. 3(1)).** Reason ``none`` → ``not_met`` even when a general
   ``remedies_exception`` is made ("mere doubts about the chances of success … do not excuse",
   *M.L.B.*, para. 7.4); ``unavailable`` / ``ineffective`` / ``unreasonably_prolonged`` → ``warning``,
   each cited as the Committee weighs it: only "unreasonably prolonged" is the exception of art. 3(1),
   second sentence; "unavailable" is outside the rule, which asks for *available* remedies; "ineffective"
   is the Committee's practice (remedies must be prima facie effective, *Moreno Romero*, para. 8.2;
   domain/glossary.md, note 6);
   no reason recorded → ``unknown``. No remedy used, none listed as unused and no exception →
   ``unknown`` (the text requires exhaustion; the facts do not say whether any remedy existed).
   A decided remedy whose ``final`` is unknown and no other final decision → ``unknown``; decided
   remedies all marked not final (an appeal was still open) → ``not_met`` unless an exception is made.
   A final decision that ``granted`` the remedy (fully or partly) exhausts it, with a warning that
   victim status must be explained.
8. **The one year without a final decision (art. 3(2)(a)).** Where remedies are pending or the author
   relies on the exception to exhaustion and no final decision exists, the year has not started:
   ``not_applicable``, and ``deadlines`` are null.
   a. **No remedy available.** Where the author claims, and the facts show, that no domestic remedy
      was available (``remedies`` an empty list, and every reason given — ``remedies_exception`` and
      each unused remedy's — is ``unavailable``), there is no exhaustion to count from: the year is
      counted from the end of the facts (``facts_end``), or from a later day on which the author could
      first act, which only the author can show (``one_year_exception``; the year starts with
      sufficient knowledge, *López Rodríguez*, para. 8.3). In time on that count, or late with an
      explanation: ``warning`` (it rests on the claim, which the Committee weighs: *Ziablitsev*, paras
      6.5-6.7); late without one: ``unknown``, ``one_year_exception`` missing; facts that continue: the
      year has not begun (``warning``). The reason names the last day; ``deadlines`` stay null, since
      DESIGN.md §5's ``basis`` is a domestic decision's notification or date.
   b. **Submitted before the final decision.** A communication submitted before the day the year runs
      from (the final decision, or its notification) cannot be late: ``met``, and the reason says it
      was submitted before the decision, not "within one year" of it. The Committee must ascertain
      exhaustion before it considers a communication (art. 3(1)), so exhaustion completed while the
      communication is pending counts, and art. 3(1) says so.
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
15. **Strict input.** ``from_json`` reads the facts as the field vocabulary describes them
    (``caseapp.domain.fields``, ``facts.CASE_FACTS``): it refuses unknown keys (a misspelt field would
    otherwise turn into a silent "unknown"), requires ``state`` as an upper-case ISO 3166-1 alpha-2
    code and dates as ``YYYY-MM-DD``, and holds texts and lists to the intake's limits
    (``caseapp.domain.report``); ``null`` is accepted everywhere and means unknown (for tri-state
    fields, ``"unknown"``). Blank explanations count as not given.
16. **Date order.** Dates out of order (facts ending before they began; a remedy decided before it
    was filed) are reported in ``warnings``; the engine does not correct them.
"""

from caseapp.domain.admissibility.engine import assess
from caseapp.domain.admissibility.explanation import explain
from caseapp.domain.admissibility.facts import (
    CASE_FACTS,
    FACT_FIELDS,
    CaseFacts,
    FactsError,
    OtherProcedure,
    RemediesException,
    Remedy,
    UnusedRemedy,
)
from caseapp.domain.admissibility.messages import DATE, DAY, ENGLISH, MONTH, Message, Renderer
from caseapp.domain.admissibility.result import (
    ADMISSIBLE,
    ARTICLES,
    BASIS_DECISION,
    BASIS_NOTIFICATION,
    CRITERIA,
    INADMISSIBLE,
    INCOMPLETE,
    MET,
    MISSING_KINDS,
    NOT_APPLICABLE,
    NOT_MET,
    STATUSES,
    UNKNOWN,
    WARNING,
    WARNING_CODES,
    Assessment,
    Criterion,
    Deadlines,
    missing_index,
    missing_kind,
    overall_status,
)
from caseapp.domain.admissibility.time_limits import one_year_count, one_year_last_day

__all__ = [
    "ADMISSIBLE", "ARTICLES", "BASIS_DECISION", "BASIS_NOTIFICATION", "CASE_FACTS", "CRITERIA", "DATE", "DAY",
    "ENGLISH", "FACT_FIELDS", "INADMISSIBLE", "INCOMPLETE", "MET", "MISSING_KINDS", "MONTH", "NOT_APPLICABLE",
    "NOT_MET", "STATUSES", "UNKNOWN", "WARNING", "WARNING_CODES", "Assessment", "CaseFacts", "Criterion", "Deadlines",
    "FactsError", "Message", "OtherProcedure", "RemediesException", "Remedy", "Renderer", "UnusedRemedy", "assess",
    "explain", "missing_index", "missing_kind", "one_year_count", "one_year_last_day", "overall_status",
]
