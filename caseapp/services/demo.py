"""Fictional demo reports, so a new install shows encrypted data end to end and a living screening
queue. Every name is invented; the dates are set relative to today so the one-year limits show each
warning (in a few weeks, a few months, passed, not yet running)."""

import io
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain.report import RemedyInput, ReportInput, UnusedRemedyInput, VictimInput
from caseapp.models import Case, Organisation, User
from caseapp.services.cases import record_document, store_upload
from caseapp.services.files import FileStore
from caseapp.services.intake import create_report
from caseapp.services.vault import open_vault


def _reports(today: date) -> list[tuple[ReportInput, tuple[str, bytes]]]:
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    return [
        (ReportInput(
            title="[DEMO] Forced eviction of the Riverside settlement",
            summary="Fictional example: 40 families evicted without notice or alternative housing.",
            narrative="Fictional narrative for demonstration only. On a winter morning, municipal crews demolished "
                      "the homes of the Riverside settlement without prior consultation or offer of alternative housing.",
            state="ES", rights_invoked=["11(1)", "2(2)"], facts_start=ago(900), facts_end=ago(880), continuing="no",
            author_is_victim="yes", acting_on_behalf="yes", victims_under_jurisdiction="yes",
            victims=[VictimInput(name="Demo Person One", contact="+00 000 000 001", identity_number="DEMO-0001",
                                 consent="yes", consent_record="Signed authorisation (demo)"),
                     VictimInput(name="Riverside Residents' Association (demo)", kind="group", consent="yes")],
            remedies=[RemedyInput(body="Juzgado de lo Contencioso (demo)", kind="judicial", filed=ago(850),
                                  decided=ago(700), notified=ago(695), outcome="rejected", final="no",
                                  addressed_substance="yes"),
                      RemedyInput(body="Tribunal Constitucional (demo)", kind="constitutional", filed=ago(650),
                                  decided=ago(345), notified=ago(340), outcome="rejected", final="yes",
                                  addressed_substance="no")],
            only_mass_media_reports="no", substantiated="yes", abuse="no", clear_disadvantage="yes",
            general_importance="yes", urgent_risk="yes", urgent_date=today + timedelta(days=20),
            urgent_explanation="Families sleeping in tents; a second demolition is announced (demo).",
        ), ("eviction-notice-demo.txt", b"DEMO evidence file: a fictional eviction notice.\n")),
        (ReportInput(
            title="[DEMO] Water supply cut to a rural school",
            summary="Fictional example: a school without running water for eight months.",
            narrative="Fictional narrative for demonstration only. The regional utility disconnected the school...",
            state="PT", rights_invoked=["11(1)", "12", "13"], facts_start=ago(240), continuing="yes",
            author_is_victim="no", acting_on_behalf="yes",
            victims=[VictimInput(name="Demo Person Two", identity_number="DEMO-0002", consent="unknown")],
            consent_justification="The parents' association is collecting each family's written consent (demo).",
            remedies=[RemedyInput(body="Tribunal Administrativo (demo)", kind="administrative", filed=ago(200),
                                  outcome="pending")],
        ), ("school-water-demo.txt", b"DEMO evidence file: fictional meter readings.\n")),
        (ReportInput(
            title="[DEMO] Disability pension withdrawn without a hearing",
            summary="Fictional example: a pension stopped after an automated review.",
            narrative="Fictional narrative for demonstration only. The social security agency stopped the pension...",
            state="AR", rights_invoked=["9"], facts_start=ago(1000), facts_end=ago(990), continuing="no",
            author_is_victim="yes", acting_on_behalf="no", victims_under_jurisdiction="yes",
            victims=[VictimInput(name="Demo Person Three", identity_number="DEMO-0003", consent="yes")],
            remedies=[RemedyInput(body="Corte Suprema (demo)", kind="cassation", filed=ago(700), decided=ago(430),
                                  notified=ago(420), outcome="rejected", final="yes", addressed_substance="yes")],
        ), ("pension-letter-demo.txt", b"DEMO evidence file: a fictional agency letter.\n")),
        (ReportInput(
            title="[DEMO] Maternity ward closed in a border town",
            summary="Fictional example: the only maternity ward within 90 km closed.",
            narrative="Fictional narrative for demonstration only. The health ministry closed the ward...",
            state="BE", rights_invoked=["12", "12(2)(a)"], facts_start=ago(600), continuing="yes",
            author_is_victim="no", acting_on_behalf="yes", victims_under_jurisdiction="yes",
            victims=[VictimInput(name="Demo Person Four", consent="yes"),
                     VictimInput(name="Demo Person Five", consent="yes")],
            remedies=[RemedyInput(body="Conseil d'État (demo)", kind="administrative", filed=ago(500),
                                  decided=ago(205), notified=ago(200), outcome="rejected", final="yes",
                                  addressed_substance="yes")],
            unused_remedies=[UnusedRemedyInput(name="Constitutional Court referral (demo)", reason="unavailable",
                                               explanation="Individuals cannot refer (demo).")],
        ), ("ward-closure-demo.txt", b"DEMO evidence file: a fictional closure order.\n")),
    ]


def create_demo_cases(session: Session, keyring: Keyring, indexer: BlindIndexer, store: FileStore,
                      organisation: Organisation, author: User, *, today: date) -> int:
    """Submit the demo reports once for ``organisation``, through the partner's own intake; returns how
    many were created."""
    if session.execute(select(func.count()).select_from(Case).where(Case.organisation_id == organisation.id)).scalar_one():
        return 0
    reports = _reports(today)
    for report, (name, content) in reports:
        upload = store_upload(session, store, io.BytesIO(content))
        case, _reference = create_report(session, keyring, indexer, author, report, today=today, submit=True)
        record_document(session, open_vault(session, keyring, case), upload, original_name=name,
                        content_type="text/plain", uploaded_by=author)
    return len(reports)
