"""Fictional demo reports, so a new install shows encrypted data end to end and a living screening
queue. Every name is invented; the dates are set relative to today so the one-year limits show each
warning (in a few weeks, a few months, passed, not yet running)."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.core.files import EncryptedStore
from caseapp.crypto import Keyring
from caseapp.crypto.blind_index import BlindIndexer
from caseapp.domain import deadlines, stages
from caseapp.domain.admissibility import MET
from caseapp.domain.committee import INADMISSIBLE, VIEWS_VIOLATION
from caseapp.domain.report import RemedyInput, ReportInput, UnusedRemedyInput, VictimInput
from caseapp.domain.screening import (
    STRATEGIC_FACTORS,
    Determination,
    FactorScore,
    ScreeningContent,
    default_determinations,
)
from caseapp.models import Case, Organisation, User
from caseapp.services import case_teams, committee, register, screening
from caseapp.services.cases import record_document, store_upload
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
                      "the homes of the Riverside settlement without prior consultation "
                      "or offer of alternative housing.",
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


def create_demo_cases(session: Session, keyring: Keyring, indexer: BlindIndexer, store: EncryptedStore,
                      organisation: Organisation, author: User, *, today: date) -> int:
    """Submit the demo reports once for ``organisation``, through the partner's own intake; returns how
    many were created."""
    existing = select(func.count()).select_from(Case).where(Case.organisation_id == organisation.id)
    if session.execute(existing).scalar_one():
        return 0
    reports = _reports(today)
    for report, (name, content) in reports:
        upload = store_upload(session, store, io.BytesIO(content))
        case, _reference = create_report(session, keyring, indexer, author, report, today=today, submit=True)
        record_document(session, open_vault(session, keyring, case), upload, original_name=name,
                        content_type="text/plain", uploaded_by=author)
    return len(reports)


# --- cases before the Committee: one at every stage, so a new user sees a living dashboard -------------

# (title, State, rights, stage reached, days ago the final domestic decision was notified). A side exit
# (withdrawn, discontinued, friendly settlement) leaves from the stage in EXITS_FROM.
PIPELINE = (
    ("[DEMO] Hunger strike over school meals cut", "FR", ["11(2)", "13"], stages.SCREENING, 150),
    ("[DEMO] Hospital fees charged to asylum seekers", "LU", ["12", "2(2)"], stages.INFO_REQUESTED, 160),
    ("[DEMO] Land dispute between neighbours", "UY", ["11(1)"], stages.DECLINED, 170),
    ("[DEMO] Eviction of a family with three children", "ES", ["11(1)"], stages.CANDIDATE, 200),
    ("[DEMO] Unemployment benefit refused to seasonal workers", "IT", ["9"], stages.PREPARING, 240),
    ("[DEMO] Roma settlement without water or sanitation", "PT", ["11(1)", "12"], stages.SUBMITTED_TO_COMMITTEE, 330),
    ("[DEMO] Closure of the only rural clinic", "EC", ["12"], stages.REGISTERED, 700),
    ("[DEMO] Social housing allocation rules exclude migrants", "BE", ["11(1)", "2(2)"], stages.OBSERVATIONS, 900),
    ("[DEMO] Pension reform cuts minimum pension", "AR", ["9"], stages.COMMENTS, 1100),
    ("[DEMO] Eviction from a squatted building", "ES", ["11(1)"], stages.FOLLOW_UP, 1500),
    ("[DEMO] Dismissal of pregnant workers", "ES", ["7", "10"], stages.CLOSED, 1700),
    ("[DEMO] Water tariffs for informal settlements", "SV", ["11(1)"], stages.WITHDRAWN, 210),
    ("[DEMO] Denial of disability allowance", "FI", ["9"], stages.DISCONTINUED, 720),
    ("[DEMO] Demolition of a market", "ME", ["6", "11(1)"], stages.FRIENDLY_SETTLEMENT, 950),
)


EXITS_FROM = {stages.WITHDRAWN: stages.CANDIDATE, stages.DISCONTINUED: stages.REGISTERED,
              stages.FRIENDLY_SETTLEMENT: stages.OBSERVATIONS}


def _committee_record(stage: str, today: date) -> dict:
    """Dates for a case that has reached ``stage``, relative to today, in the procedure's order."""
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    steps = stages.STAGES
    reached = steps.index(stage)
    values: dict = {}
    if reached >= steps.index(stages.SUBMITTED_TO_COMMITTEE):
        values["submitted_on"] = ago(700 if reached >= steps.index(stages.DECIDED) else 200)
    if reached >= steps.index(stages.REGISTERED):
        values["registered_on"] = ago(680 if reached >= steps.index(stages.DECIDED) else 180)
        values["communication_number"] = f"{400 + reached}/2025"
    if reached >= steps.index(stages.OBSERVATIONS):
        values["transmitted_on"] = ago(660 if reached >= steps.index(stages.DECIDED) else 160)
    if reached >= steps.index(stages.COMMENTS):
        values["state_observations_received_on"] = ago(500 if reached >= steps.index(stages.DECIDED) else 20)
        values["author_comments_letter_on"] = ago(490 if reached >= steps.index(stages.DECIDED) else 15)
        values["author_comments_due"] = deadlines.suggested_author_comments_due(values["author_comments_letter_on"])
    if reached >= steps.index(stages.DECIDED):
        values["author_comments_sent_on"] = ago(440)
        values["decision_type"] = VIEWS_VIOLATION if stage == stages.FOLLOW_UP else INADMISSIBLE
        values["decision_adopted_on"] = ago(260)
        values["decision_transmitted_on"] = ago(250)
        values["articles_violated"] = ["11(1)"] if stage == stages.FOLLOW_UP else []
        values["un_symbol"] = f"E/C.12/77/D/{values['communication_number']}"
    return values


def _screened_and_accepted(session: Session, vault, lawyer: User, today: date) -> None:
    """A lawyer's screening that adopts the engine's reading (settling its warnings) and scores every
    factor, then the decision to accept."""
    engine = screening.assess_report(vault, today=today, register=register.load_register(session)).to_json()
    content = ScreeningContent(
        tuple(Determination(d.criterion, d.engine_status, MET, "" if d.engine_status == MET else
                            "Demo: checked against the file.") for d in default_determinations(engine)),
        tuple(FactorScore(factor, 4, "") for factor, _name in STRATEGIC_FACTORS), "Demo screening.", engine)
    screening.record_screening(session, vault, lawyer, content)
    screening.accept(session, vault, lawyer, "Demo: a strong strategic case.")


def _screening_only(session: Session, vault, lawyer: User, stage: str, today: date) -> None:
    """A report still in screening, waiting for the partner's answer, or declined."""
    engine = screening.assess_report(vault, today=today, register=register.load_register(session)).to_json()
    content = ScreeningContent(tuple(Determination(d.criterion, d.engine_status, d.status,
                                                   "Demo: to be checked." if d.differs else "")
                                     for d in default_determinations(engine)),
                               tuple(FactorScore(factor, None, "") for factor, _name in STRATEGIC_FACTORS),
                               "Demo: first reading.", engine)
    if stage == stages.SCREENING:
        screening.record_screening(session, vault, lawyer, content)
    elif stage == stages.INFO_REQUESTED:
        screening.request_information(session, vault, lawyer,
                                      "Demo: please send the hospital's invoices and the court's judgment.")
    else:
        screening.decline(session, vault, lawyer, "Demo: a private dispute between neighbours does not engage the "
                                                  "State's obligations under the Covenant (art. 3(2)(d)).")


# The strategic candidate's evidence, for a lawyer to draft its communication and annexes from.
DRAFTING_EVIDENCE = (
    ("eviction order (demo).txt", b"Fictional eviction order, for demonstration only.\n"),
    ("letter to the housing office (demo).txt", b"Fictional application for social housing, for demonstration.\n"),
)


def create_demo_pipeline(session: Session, keyring: Keyring, indexer: BlindIndexer, organisation: Organisation,
                         partner: User, lawyer: User, coordinator: User, *, today: date,
                         store: EncryptedStore | None = None) -> int:
    """Demo cases at every stage from strategic candidate to closed, moved through the same services as
    real ones (screening, record, stage moves, interim measures, follow-up, publicity, publication). The
    accepting lawyer joins each accepted case's team, as on the web; the coordinator joins every other one,
    so the demo shows both sides of AC-06 (a case on the coordinator's team, and one off it). The strategic
    candidate is urgent and, given a ``store``, holds two evidence files: everything a lawyer drafts from
    (the communication, its annexes, a request for interim measures; issue 19)."""
    for index, (title, state, rights, stage, notified_days) in enumerate(PIPELINE):
        notified = today - timedelta(days=notified_days)
        report = ReportInput(
            title=title, summary="Fictional example for demonstration only.",
            narrative="Fictional narrative for demonstration only.", state=state, rights_invoked=rights,
            facts_start=notified - timedelta(days=500), facts_end=notified - timedelta(days=400), continuing="no",
            author_is_victim="yes", acting_on_behalf="no", victims_under_jurisdiction="yes",
            victims=[VictimInput(name=f"Demo victim of {title[7:40]}", consent="yes")],
            remedies=[RemedyInput(body="Supreme court (demo)", kind="cassation", filed=notified - timedelta(days=300),
                                  decided=notified - timedelta(days=5), notified=notified, outcome="rejected",
                                  final="yes", addressed_substance="yes")],
            other_procedures=[], only_mass_media_reports="no", substantiated="yes", abuse="no",
            clear_disadvantage="yes", general_importance="yes",
        )
        if stage == stages.CANDIDATE:
            report.urgent_risk, report.urgent_date = "yes", today + timedelta(days=14)
            report.urgent_explanation = "Fictional: the family's eviction is set for two weeks from now."
        case, _reference = create_report(session, keyring, indexer, partner, report, today=today, submit=True)
        vault = open_vault(session, keyring, case)
        if stage == stages.CANDIDATE and store is not None:
            for name, content in DRAFTING_EVIDENCE:
                upload = store_upload(session, store, io.BytesIO(content))
                record_document(session, vault, upload, original_name=name, content_type="text/plain",
                                uploaded_by=partner)
        if stage in (stages.SCREENING, stages.INFO_REQUESTED, stages.DECLINED):
            _screening_only(session, vault, lawyer, stage, today)
            continue
        _screened_and_accepted(session, vault, lawyer, today)
        case_teams.add_member(session, vault, lawyer, lawyer)
        if index % 2 == 0:
            case_teams.add_member(session, vault, lawyer, coordinator)
        exit_stage, stage = (stage, EXITS_FROM[stage]) if stage in EXITS_FROM else (None, stage)
        values = _committee_record(stage, today)
        if values:
            committee.update_record(session, vault, coordinator, values, today=today,
                                    recommendations="Demo: rehouse the family." if stage == stages.FOLLOW_UP
                                    else None)
        path = stages.STAGES[stages.STAGES.index(stages.CANDIDATE) + 1:stages.STAGES.index(stage) + 1]
        for target in path:
            if target == stages.FOLLOW_UP and values.get("decision_type") != VIEWS_VIOLATION:
                continue
            committee.move(session, vault, coordinator, target, None)
        if exit_stage is not None:
            exit_on = {stages.DISCONTINUED: "discontinued_on",
                       stages.FRIENDLY_SETTLEMENT: "settlement_on"}.get(exit_stage)
            if exit_on:
                committee.update_record(session, vault, coordinator, values | {exit_on: today - timedelta(days=30)},
                                        today=today)
            committee.move(session, vault, coordinator, exit_stage, "Demo: the case ended here.")
            continue
        if stage == stages.REGISTERED:
            measure = committee.add_interim_measure(session, vault, coordinator,
                                                    requested_on=today - timedelta(days=118),
                                                    today=today, note="Demo: suspend the closure.")
            committee.update_interim_measure(session, vault, coordinator, measure, outcome="granted",
                                             outcome_on=today - timedelta(days=110), lifted_on=None,
                                             compliance="not_complied", today=today)
        if stage == stages.FOLLOW_UP:
            committee.record_publicity(session, vault, coordinator, kind="press_release",
                                       done_on=today - timedelta(days=245), language="es", note=None, today=today)
            committee.add_media(session, vault, coordinator, outlet="Demo Daily",
                                published_on=today - timedelta(days=244), language="es",
                                link="https://example.org/demo-article", reach=50_000, today=today)
            committee.publish(session, vault, coordinator,
                              summary="Fictional demo: the Committee found that evicting a family without "
                                      "alternative housing violated article 11(1) of the Covenant.",
                              links=["https://example.org/demo-decision"])
    return len(PIPELINE)


# --- what the demo holds, as ``flask demo`` and the README tell it ------------------------------------


@dataclass(frozen=True)
class DemoCounts:
    """The demo organisation's cases as a newcomer meets them: in the lawyers' screening queue, declined,
    and accepted (a strategic candidate, before the Committee, or finished there)."""

    screening: int
    declined: int
    accepted: int

    @property
    def total(self) -> int:
        return self.screening + self.declined + self.accepted


def count_demo_cases(session: Session, organisation: Organisation) -> DemoCounts:
    """Counted in the database, so what ``flask demo`` prints is what the instance holds."""
    by_stage = dict(session.execute(
        select(Case.stage, func.count()).where(Case.organisation_id == organisation.id,
                                               Case.stage != stages.DRAFT).group_by(Case.stage)).all())
    screening = sum(by_stage.pop(stage, 0) for stage in stages.SCREENING_STAGES)
    declined = by_stage.pop(stages.DECLINED, 0)
    return DemoCounts(screening=screening, declined=declined, accepted=sum(by_stage.values()))
