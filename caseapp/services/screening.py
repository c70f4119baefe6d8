"""Screening: the admissibility engine run on a report's recorded facts.

The partner's report (decrypted through the case's vault) becomes the engine's ``CaseFacts``
(DESIGN.md §5); the assessment is computed when a lawyer looks, never stored half-way.
"""

from datetime import date

from caseapp.domain.admissibility import (
    Assessment,
    CaseFacts,
    OtherProcedure,
    RemediesException,
    Remedy,
    UnusedRemedy,
    assess,
)
from caseapp.domain.report import ReportInput, victims_consent
from caseapp.domain.states import StatesRegister
from caseapp.services.intake import load_report
from caseapp.services.vault import CaseVault


def _boolean(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def facts_from_report(report: ReportInput) -> CaseFacts:
    """The engine's input from a report. ``submission_date`` stays empty until the communication is sent
    to the Committee, so days are counted from today; a report made through the app is in writing and
    comes from a known organisation."""
    exception = None
    if report.remedies_exception_reason:
        exception = RemediesException(report.remedies_exception_reason, report.remedies_exception_explanation or None)
    return CaseFacts(
        state=report.state,
        in_writing=True,
        anonymous=False,
        author_is_victim=_boolean(report.author_is_victim),
        acting_on_behalf=_boolean(report.acting_on_behalf),
        consent=victims_consent(report.victims),
        consent_justification=report.consent_justification or None,
        victims_under_jurisdiction=_boolean(report.victims_under_jurisdiction),
        rights_invoked=tuple(report.rights_invoked),
        other_instruments_invoked=tuple(report.other_instruments),
        facts_start=report.facts_start,
        facts_end=report.facts_end,
        continuing=report.continuing,
        remedies=tuple(
            Remedy(body=r.body or None, kind=r.kind, filed=r.filed, decided=r.decided, notified=r.notified,
                   outcome=r.outcome, final=_boolean(r.final), addressed_substance=_boolean(r.addressed_substance))
            for r in report.remedies
        ),
        unused_remedies=tuple(UnusedRemedy(u.name or None, u.reason, u.explanation or None) for u in report.unused_remedies),
        remedies_exception=exception,
        one_year_exception=report.one_year_exception or None,
        other_procedures=tuple(
            OtherProcedure(body=p.body or None, same_matter=_boolean(p.same_matter), status=p.status, date=p.date)
            for p in report.other_procedures
        ),
        only_mass_media_reports=_boolean(report.only_mass_media_reports),
        substantiated=report.substantiated,
        abuse=report.abuse,
        clear_disadvantage=report.clear_disadvantage,
        general_importance=report.general_importance,
    )


def assess_report(vault: CaseVault, *, today: date) -> Assessment:
    return assess(facts_from_report(load_report(vault)), today=today, register=StatesRegister.shipped())
