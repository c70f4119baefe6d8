"""Load realistic synthetic cases into an instance, fast, for the load benchmark (bench/README.md).

    .venv/bin/python bench/seed.py --instance instance-bench --cases 100000

Every case is built with the app's own code — ``ReportInput`` for the facts, ``one_year_count`` for the
one-year limit, ``new_victim`` for victims (encrypted and blind-indexed), ``CaseVault.set`` for every
encrypted column (AAD ``table|column|row-uuid|v1``), ``wrap_key`` for the case's data key, the engine's
``assess`` for the screenings — and then written with SQLAlchemy Core ``insert()`` in chunks of a few
thousand rows, one transaction per chunk, so the pages decrypt them like real ones (``flask keys check``
passes). Worker processes build the chunks while the main process writes them.

What is left out: audit events for the synthetic history (the chain starts with the bench accounts),
and evidence files. The run is idempotent: it adds cases until the instance holds ``--cases`` of them.
It prints no secret: the bench accounts have no password (the load run signs them in by writing a
session row, as the test suite does) and their two-factor secrets are never shown.
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

CHUNK = 2000
BENCH_DOMAIN = "bench.invalid"
ORGANISATIONS = 40
NAMES_FILE = "bench-victim-names.json"  # a sample of seeded victims' names, for the search scenario


# --- the app, in this process and in each worker (forked after it is built) ------------------------

_APP = None


def app_for(instance: Path):
    global _APP
    if _APP is None:
        os.environ["CASEAPP_INSTANCE_PATH"] = str(instance.resolve())
        os.environ.setdefault("CASEAPP_CONFIG", "development")
        os.environ.setdefault("CASEAPP_LOG_LEVEL", "WARNING")
        from caseapp import create_app

        _APP = create_app()
    return _APP


# --- words the synthetic reports are made of (all invented) --------------------------------------

FIRST = ("Ana", "José", "María", "Luis", "Carmen", "Jorge", "Lucía", "Pedro", "Sofía", "Miguel", "Elena", "Javier",
         "Isabel", "Andrés", "Paula", "Diego", "Rosa", "Tomás", "Laura", "Raúl", "Inés", "Óscar", "Marta", "Iván",
         "João", "Mariana", "Tiago", "Beatriz", "Rui", "Inês", "Amélie", "Léa", "Étienne", "Chloé", "Hugo", "Zoé",
         "Jules", "Anaïs", "Théo", "Manon", "Giulia", "Marco", "Chiara", "Matteo", "Sara", "Luca", "Aino", "Eero",
         "Saara", "Juho", "Liisa", "Mikko", "Aigerim", "Arman", "Nurlan", "Dana", "Amina", "Moussa", "Fatou",
         "Ibrahim", "Aïcha", "Oumar", "Kofi", "Ama", "Kwame", "Efua", "Armen", "Anahit", "Tigran", "Lilit",
         "Bat-Erdene", "Oyuun", "Ganbold", "Saraa", "Milica", "Nikola", "Jelena", "Marko", "Ana-Maria", "Ioana",
         "Andrei", "Mihai",
         "Zuzana", "Peter", "Katarína", "Martin", "Valentina", "Camila", "Mateo", "Santiago", "Gabriela", "Daniela",
         "Fernando", "Ricardo", "Patricia", "Alejandro", "Verónica", "Gonzalo", "Florencia", "Agustín", "Rocío",
         "Emilio", "Lorena", "Nicolás", "Carolina", "Sebastián", "Natalia", "Felipe", "Adriana", "Héctor", "Julia")
LAST = ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
        "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
        "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina",
        "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa", "Carvalho",
        "Dubois", "Lefèvre", "Moreau", "Laurent", "Garnier", "Faure", "Rousseau", "Mercier", "Bonnet", "François",
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen",
        "Nurlanovna", "Seitkali", "Abenov", "Diallo", "Traoré", "Koné", "Coulibaly", "Ouédraogo", "Sawadogo",
        "Mensah", "Owusu", "Asante", "Boateng", "Petrosyan", "Hakobyan", "Grigoryan", "Sargsyan", "Batbayar",
        "Gantulga", "Jovanović", "Petrović", "Nikolić", "Marković", "Popescu", "Ionescu", "Popa", "Horváth",
        "Kováč", "Varga", "Tóth", "Nagy", "Quispe", "Mamani", "Flores", "Rojas", "Vargas", "Castro", "Ortiz",
        "Mendoza", "Aguilar", "Chávez", "Herrera", "Medina", "Reyes", "Cruz", "Morales", "Guerrero", "Benítez",
        "Acosta", "Figueroa", "Cabrera", "Sosa", "Villalba", "Cardozo", "Giménez", "Ferrer", "Pacheco", "Vera",
        "Salazar", "Paredes", "Valencia", "Cordero", "Espinoza", "Montenegro", "Calderón", "Zambrano", "Carrasco")
PLACES = ("Riverside", "San Martín", "Los Olivos", "Vila Nova", "Bellevue", "Monte Alto", "La Esperanza", "Portela",
          "Saint-Roch", "Borgo Nuovo", "Kallio", "Almaty Sud", "Ouaga 2000", "Nima", "Erebuni", "Khan-Uul",
          "Novi Grad", "Ferentari", "Petržalka", "El Alto", "Villa 31", "Cerro Norte", "Soyapango", "La Chureca",
          "Barrio Obrero", "Ciudad Sandino", "Los Pinos", "Santa Cruz", "Mirador", "Puerto Nuevo")
SUBJECTS = (
    ("Forced eviction of {n} families in {p}", ["11(1)"]),
    ("Demolition of homes without alternative housing in {p}", ["11(1)", "2(2)"]),
    ("Water supply cut to the {p} settlement", ["11(1)", "12"]),
    ("Closure of the only health centre of {p}", ["12"]),
    ("Maternity ward closed near {p}", ["12", "12(2)(a)"]),
    ("Disability pension withdrawn without a hearing", ["9"]),
    ("Unemployment benefit refused to seasonal workers of {p}", ["9", "2(2)"]),
    ("Roma children excluded from the school of {p}", ["13", "2(2)"]),
    ("School fees charged to {n} families in {p}", ["13"]),
    ("Dismissal of pregnant workers at a factory in {p}", ["7", "10"]),
    ("Unsafe working conditions at the {p} mine", ["7"]),
    ("Minimum pension cut by reform", ["9"]),
    ("Indigenous land in {p} leased to a mining company", ["11(1)", "15(1)(a)", "1"]),
    ("Social housing rules exclude migrants in {p}", ["11(1)", "2(2)"]),
    ("Hospital fees charged to asylum seekers", ["12", "2(2)"]),
    ("Contaminated river used by {n} households of {p}", ["11(1)", "12"]),
    ("Trade union leaders dismissed in {p}", ["8"]),
    ("Mortgage foreclosure of a family home in {p}", ["11(1)"]),
    ("Electricity cut to a family with a sick child", ["11(1)", "12"]),
    ("Denial of maternity leave to domestic workers", ["10", "9"]),
)
SENTENCES = (
    "On {d}, municipal crews arrived without prior notice and began demolishing the houses.",
    "The families had lived there for more than {n} years and paid local taxes.",
    "No consultation took place before the decision, and no alternative accommodation was offered.",
    "The authorities argued that the land was needed for a public infrastructure project.",
    "Several children missed school for months because of the loss of their homes.",
    "The victims applied to the courts, which rejected their claims without examining the substance.",
    "A medical report of {d} describes the consequences for the health of the elderly residents.",
    "The regional ombudsman recommended suspending the measure, but the recommendation was ignored.",
    "Local organisations documented the events with photographs, witness statements and official letters.",
    "The State has not adopted any plan to remedy the situation of the people affected.",
    "The measure affected women heads of household disproportionately.",
    "The company continued its operations despite the complaints lodged by the community.",
    "Water samples taken on {d} showed contamination well above the national limits.",
    "The social security agency stopped the payments after an automated review of the file.",
    "The victims were not informed of the reasons for the decision nor of the available remedies.",
    "Requests for information addressed to the ministry on {d} remained unanswered.",
)
BODIES = ("Juzgado de lo Contencioso-Administrativo n.º {n}", "Tribunal Superior de Justicia", "Tribunal Supremo",
          "Tribunal Constitucional", "Tribunal Administrativo de Círculo", "Supremo Tribunal Administrativo",
          "Tribunal administratif", "Conseil d'État", "Cour de cassation", "Tribunale amministrativo regionale",
          "Consiglio di Stato", "Corte costituzionale", "Korkein hallinto-oikeus", "Cámara Federal de Apelaciones",
          "Corte Suprema de Justicia", "Sala Constitucional", "Labour Court of {p}", "District Court of {p}")
CONTACTS = ("+{c} {n:03d} {m:03d} {k:03d}", "c/o the partner's office in {p}", "{f}.{l}@mail.example")
STAGE_WEIGHTS = {  # by age of the report: recent reports wait in the queue, older ones moved on
    "recent": {"submitted": 45, "screening": 30, "info_requested": 10, "declined": 8, "candidate": 4,
               "preparing": 2, "submitted_to_committee": 1},
    "middle": {"submitted": 10, "screening": 15, "info_requested": 5, "declined": 35, "candidate": 8,
               "preparing": 6, "submitted_to_committee": 6, "registered": 5, "observations": 4, "comments": 3,
               "decided": 1, "withdrawn": 2},
    "old": {"submitted": 2, "screening": 3, "info_requested": 1, "declined": 45, "candidate": 3, "preparing": 2,
            "submitted_to_committee": 3, "registered": 5, "observations": 5, "comments": 5, "decided": 6,
            "follow_up": 7, "closed": 9, "withdrawn": 2, "discontinued": 1.5, "friendly_settlement": 1.5},
}
DRAFT_SHARE = 0.02
SPAN_DAYS = 7 * 365


# --- building one chunk (in a worker) ------------------------------------------------------------

@dataclass
class Context:
    """What every worker needs, fixed before the chunks are built."""

    instance: str
    seed: int
    total: int  # cases in this run
    offset: int  # cases already in the instance (for the dates of a resumed run)
    today: date
    organisations: list[tuple[int, int]]  # (organisation id, its partner's user id), heaviest first
    weights: list[float]
    lawyers: list[int]
    coordinators: list[int]


_COLUMNS: dict[type, list] = {}


def _rows(obj) -> dict:
    """The column values of a transient model row, by column key, with the column's default where unset."""
    columns = _COLUMNS.get(type(obj))
    if columns is None:
        from sqlalchemy import inspect

        columns = _COLUMNS[type(obj)] = [(prop.key, prop.columns[0]) for prop in inspect(type(obj)).column_attrs]
    values = {}
    for key, column in columns:
        value = obj.__dict__.get(key)
        if value is None and column.default is not None and not column.primary_key:
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
        if column.primary_key and value is None:
            continue
        values[column.key] = value
    return values


def _text(rng: random.Random, sentences: int, today: date) -> str:
    picked = rng.sample(SENTENCES, k=min(sentences, len(SENTENCES)))
    return " ".join(s.format(d=(today - timedelta(days=rng.randint(30, 2500))).strftime("%d %B %Y"),
                             n=rng.randint(3, 40)) for s in picked)


def _name(rng: random.Random) -> str:
    """A full name: often two given names and two family names, as in the regions concerned. Common
    names still recur across 100,000 reports, as in life; the same person reported twice is added on
    purpose (``_victims``)."""
    first = rng.choice(FIRST)
    if rng.random() < 0.35:
        first = f"{first} {rng.choice(FIRST)}"
    last = rng.choice(LAST)
    if rng.random() < 0.85:
        last = f"{last} {rng.choice(LAST)}"
    return f"{first} {last}"


def _victims(rng: random.Random, place: str, known: list) -> list:
    from caseapp.domain.report import VictimInput

    victims = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]):
        if known and rng.random() < 0.01:  # the same person in another report (duplicate detection)
            victims.append(rng.choice(known))
            continue
        if rng.random() < 0.1:
            victims.append(VictimInput(name=f"Residents' Association of {place} {rng.randint(1, 999)}", kind="group",
                                       consent=rng.choice(("yes", "yes", "unknown"))))
            continue
        name = _name(rng)
        first, last = name.split(" ", 1)
        contact = rng.choice(CONTACTS).format(c=rng.randint(30, 599), n=rng.randint(0, 999), m=rng.randint(0, 999),
                                              k=rng.randint(0, 999), p=place,
                                              f=first.lower(), l=last.split(" ")[0].lower())
        consent = rng.choices(("yes", "unknown", "no"), weights=(80, 15, 5))[0]
        victim = VictimInput(name=name, contact=contact,
                             identity_number=f"{rng.choice('XYZABC')}-{rng.randint(10_000_000, 99_999_999)}"
                             if rng.random() < 0.8 else "",
                             consent=consent, consent_record="Signed authorisation" if consent == "yes" else "",
                             confidential=rng.random() < 0.9)
        victims.append(victim)
        if len(known) < 5000:
            known.append(victim)
    return victims


def _report(rng: random.Random, submitted: date, known: list):
    from caseapp.domain.report import ProcedureInput, RemedyInput, ReportInput, UnusedRemedyInput

    subject, rights = rng.choice(SUBJECTS)
    place = rng.choice(PLACES)
    title = subject.format(n=rng.randint(3, 120), p=place)
    notified = submitted - timedelta(days=rng.randint(20, 520))
    facts_start = notified - timedelta(days=rng.randint(300, 2500))
    remedies = []
    filed = facts_start + timedelta(days=rng.randint(20, 120))
    kinds = rng.choice((("judicial", "appeal"), ("administrative", "constitutional"), ("judicial", "cassation"),
                        ("administrative",), ("judicial", "appeal", "cassation")))
    span = max((notified - filed).days, len(kinds) * 30)
    for index, kind in enumerate(kinds):
        last = index == len(kinds) - 1
        decided = filed + timedelta(days=span // len(kinds) - 10)
        remedies.append(RemedyInput(
            body=rng.choice(BODIES).format(n=rng.randint(1, 40), p=place), kind=kind, filed=filed, decided=decided,
            notified=notified if last else decided + timedelta(days=7),
            outcome=rng.choice(("rejected", "rejected", "partly_granted")) if last or rng.random() < 0.8 else "granted",
            final="yes" if last else "no", addressed_substance=rng.choice(("yes", "no", "unknown"))))
        filed = decided + timedelta(days=rng.randint(10, 60))
    if rng.random() < 0.1:  # a remedy still pending: the one-year limit is not counted
        pending = remedies[-1]
        pending.outcome, pending.notified, pending.decided, pending.final = "pending", None, None, "no"
    unused = [UnusedRemedyInput(name="Amparo before the constitutional court", reason="ineffective",
                                explanation="Settled case law rejects such claims.")] if rng.random() < 0.15 else []
    procedures = [ProcedureInput(body="European Court of Human Rights", same_matter="no",
                                 status="declared_inadmissible_unreasoned",
                                 date=notified + timedelta(days=90))] if rng.random() < 0.05 else []
    urgent = rng.random() < 0.12
    states = ("ES", "PT", "AR", "BE", "FR", "IT", "EC", "SV", "UY", "FI", "LU", "BO", "CR", "HN", "VE", "MN", "AM",
              "ME", "SK", "NE", "DE", "GA", "CV", "CF", "SM", "BA", "MV", "GB", "US", "BR", "MX", "CL", "NL")
    return ReportInput(
        title=title, summary=f"{title}. {_text(rng, 1, submitted)}",
        narrative=_text(rng, rng.randint(4, 12), submitted),
        state=rng.choices(states, weights=[14, 9, 9, 6, 6, 6, 5, 4, 4, 3, 2, 3, 2, 2, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1,
                                          1, 1, 2, 2, 2, 2, 1, 1])[0],
        rights_invoked=list(rights), other_instruments=["ICCPR art. 26"] if rng.random() < 0.2 else [],
        facts_start=facts_start,
        facts_end=None if rng.random() < 0.3 else notified - timedelta(days=rng.randint(60, 250)),
        continuing=rng.choice(("no", "no", "yes", "unknown")), author_is_victim=rng.choice(("no", "no", "yes")),
        acting_on_behalf="yes", victims=_victims(rng, place, known), remedies=remedies, unused_remedies=unused,
        other_procedures=procedures, only_mass_media_reports="no",
        one_year_exception="The victims could not obtain legal aid in time." if rng.random() < 0.05 else "",
        victims_under_jurisdiction=rng.choice(("yes", "yes", "unknown")), substantiated=rng.choice(("yes", "unknown")),
        abuse="no", clear_disadvantage=rng.choice(("yes", "yes", "unknown")),
        general_importance=rng.choice(("yes", "unknown", "no")),
        urgent_risk="yes" if urgent else rng.choice(("no", "unknown")),
        urgent_date=submitted + timedelta(days=rng.randint(5, 60)) if urgent else None,
        urgent_explanation="A second demolition is announced." if urgent else "",
    )


def _path(stage: str) -> list[str]:
    """The moves that bring a submitted report to ``stage``."""
    committee = ["candidate", "preparing", "submitted_to_committee", "registered", "observations", "comments",
                 "decided", "follow_up", "closed"]
    if stage in ("submitted",):
        return []
    if stage in ("screening", "info_requested", "declined"):
        return ["screening"] + ([stage] if stage != "screening" else [])
    exits = {"withdrawn": "candidate", "discontinued": "registered", "friendly_settlement": "observations"}
    if stage in exits:
        return ["screening", *committee[: committee.index(exits[stage]) + 1], stage]
    if stage == "closed":
        return ["screening", *committee[: committee.index("decided") + 1], "closed"]
    return ["screening", *committee[: committee.index(stage) + 1]]


NOTES = {
    "screening": "Screening started.", "info_requested": "Information requested from the partner.",
    "declined": "The facts do not disclose a violation of Covenant rights by the State.",
    "candidate": "A strong strategic case.",
}


def build_chunk(args: tuple[Context, int, int]) -> dict[str, list]:
    """Rows for cases ``start`` … ``start + count - 1`` of this run, by table."""
    context, start, count = args
    app = app_for(Path(context.instance))
    from caseapp.crypto.envelope import new_data_key
    from caseapp.crypto.keyring import wrap_key
    from caseapp.domain import committee as committee_rules
    from caseapp.domain import deadlines
    from caseapp.domain.admissibility import MET, assess, one_year_count
    from caseapp.domain.screening import (
        STRATEGIC_FACTORS,
        Determination,
        FactorScore,
        ScreeningContent,
        case_facts,
        default_determinations,
    )
    from caseapp.models import (
        Case,
        CaseEvent,
        Communication,
        DomesticRemedy,
        FollowUpAssessment,
        InterimMeasure,
        Message,
        OtherProcedure,
        PublicityAction,
        ScreeningVersion,
        UnusedRemedy,
    )
    from caseapp.models.case import PARTNER_VIEW_COLUMNS
    from caseapp.services.cases import new_victim
    from caseapp.services.intake import set_other_instruments
    from caseapp.services.vault import CaseVault

    keyring = app.extensions["caseapp.keyring"]
    indexer = app.extensions["caseapp.blind_indexer"]
    register = _REGISTER
    rng = random.Random(context.seed * 1_000_003 + start)  # noqa: S311 — synthetic data, reproducible per seed
    known: list = []
    out: dict[str, list] = {"cases": [], "names": []}
    now_day = context.today
    for i in range(start, start + count):
        position = (context.offset + i) / max(context.offset + context.total, 1)
        submitted_day = now_day - timedelta(days=int(SPAN_DAYS * (1 - position)))
        submitted_at = datetime.combine(submitted_day, datetime.min.time(), UTC) + timedelta(
            seconds=rng.randint(8 * 3600, 19 * 3600))
        age = (now_day - submitted_day).days
        draft = rng.random() < DRAFT_SHARE and age < 120
        weights = STAGE_WEIGHTS["recent" if age < 365 else "middle" if age < 3 * 365 else "old"]
        stage = "draft" if draft else rng.choices(list(weights), weights=list(weights.values()))[0]
        organisation_id, partner_id = rng.choices(context.organisations, weights=context.weights)[0]
        report = _report(rng, submitted_day, known)
        case = Case(uuid=uuid4(), organisation_id=organisation_id, created_by_id=partner_id)
        key = new_data_key()
        kek_id, wrapped = wrap_key(keyring, case.key_scope, key)
        vault = CaseVault(case, key, kek_id)
        case.state_code = report.state
        case.rights_invoked = report.rights_invoked
        set_other_instruments(vault, report.other_instruments)
        case.facts_start, case.facts_end, case.continuing = report.facts_start, report.facts_end, report.continuing
        case.author_is_victim, case.acting_on_behalf = report.author_is_victim, report.acting_on_behalf
        case.remedies_exception_reason = None
        case.only_mass_media_reports = report.only_mass_media_reports
        for name in PARTNER_VIEW_COLUMNS:
            setattr(case, name, getattr(report, name))
        case.urgent_risk, case.urgent_date = report.urgent_risk, report.urgent_date
        facts = case_facts(report)
        case.one_year_basis_date, case.one_year_last_day = one_year_count(facts) or (None, None)
        for column in ("title", "summary", "narrative", "consent_justification", "remedies_exception_explanation",
                       "one_year_exception", "urgent_explanation"):
            vault.set(case, column, getattr(report, column).strip() or None)
        created_at = submitted_at - timedelta(days=rng.randint(0, 20), seconds=rng.randint(0, 36000))
        case.created_at = created_at
        case.stage = "submitted" if stage != "draft" else "draft"
        case.submitted_at = None if draft else submitted_at
        children: dict[str, list] = {}

        def add(table: str, obj, _children=children) -> None:
            _children.setdefault(table, []).append(_rows(obj))

        children["case_rights"] = [{"case_id": None, "code": code} for code in dict.fromkeys(report.rights_invoked)]
        for item in report.victims:
            victim = new_victim(vault, indexer, item)
            add("victims", victim)
            if victim.kind == "individual" and rng.random() < 0.05:
                out["names"].append(item.name)
        for item in report.remedies:
            remedy = DomesticRemedy(uuid=uuid4(), kind=item.kind, filed=item.filed, decided=item.decided,
                                    notified=item.notified, outcome=item.outcome, final=item.final,
                                    addressed_substance=item.addressed_substance)
            vault.set(remedy, "body", item.body)
            add("domestic_remedies", remedy)
        for item in report.unused_remedies:
            unused = UnusedRemedy(uuid=uuid4(), reason=item.reason)
            vault.set(unused, "name", item.name)
            vault.set(unused, "explanation", item.explanation)
            add("unused_remedies", unused)
        for item in report.other_procedures:
            procedure = OtherProcedure(uuid=uuid4(), same_matter=item.same_matter, status=item.status,
                                       on_date=item.date)
            vault.set(procedure, "body", item.body)
            add("other_procedures", procedure)

        # Screening and the Committee: the same rows the services write, with dates after submission.
        moment = submitted_at
        lawyer = rng.choice(context.lawyers)
        coordinator = rng.choice(context.coordinators)
        path = [] if draft else _path(stage)
        if path:
            engine = assess(facts, today=submitted_day + timedelta(days=10), register=register).to_json()
            accepted = "candidate" in path
            determinations = tuple(
                Determination(d.criterion, d.engine_status, MET if accepted else d.status,
                              "Checked against the file." if accepted and d.engine_status != MET else
                              ("To be checked." if d.differs else ""))
                for d in default_determinations(engine))
            scores = tuple(FactorScore(factor, rng.randint(2, 5) if accepted else None, "")
                           for factor, _name in STRATEGIC_FACTORS)
            content = ScreeningContent(determinations, scores, "Screened against the file.", engine)
            moment += timedelta(days=rng.randint(2, 40))
            version = ScreeningVersion(uuid=uuid4(), version=1, author_id=lawyer, created_at=moment,
                                       engine_overall=engine.get("overall", "incomplete"), overall=content.overall)
            vault.set(version, "content", json.dumps(content.to_json(), ensure_ascii=False, sort_keys=True))
            add("screening_versions", version)
        previous = case.stage
        communication = None
        for target in path:
            moment += timedelta(days=rng.randint(3, 90))
            role = "lawyer" if target in ("screening", "info_requested", "declined", "candidate") else "coordinator"
            event = CaseEvent(uuid=uuid4(), occurred_at=moment, actor_id=lawyer if role == "lawyer" else coordinator,
                              actor_role=role, from_stage=previous, to_stage=target, action="move")
            vault.set(event, "note", NOTES.get(target))
            add("case_events", event)
            previous = target
            if target == "info_requested":
                message = Message(uuid=uuid4(), author_id=lawyer, author_role="lawyer", kind="information_request",
                                  created_at=moment)
                vault.set(message, "body", "Please send the final judgment and each victim's signed authorisation.")
                add("messages", message)
            if target == "declined":
                vault.set(case, "decline_reason", NOTES["declined"])
            if target == "preparing":
                communication = {"submitted_on": None}
            if communication is not None:
                day = moment.date()
                if target == "submitted_to_committee":
                    communication["submitted_on"] = day
                elif target == "registered":
                    communication["registered_on"] = day
                    communication["communication_number"] = f"{rng.randint(1, 999)}/{day.year}"
                elif target == "observations":
                    communication["transmitted_on"] = day
                elif target == "comments":
                    communication["state_observations_received_on"] = day - timedelta(days=2)
                    communication["author_comments_letter_on"] = day
                    communication["author_comments_due"] = deadlines.suggested_author_comments_due(day)
                elif target == "decided":
                    if communication.get("author_comments_letter_on"):
                        letter_on = communication["author_comments_letter_on"]
                        communication["author_comments_sent_on"] = letter_on + timedelta(days=40)
                    violation = "follow_up" in path or rng.random() < 0.5
                    communication["decision_type"] = (committee_rules.VIEWS_VIOLATION if violation
                                                      else committee_rules.INADMISSIBLE)
                    communication["decision_adopted_on"] = day - timedelta(days=10)
                    communication["decision_transmitted_on"] = day
                    communication["articles_violated"] = list(report.rights_invoked) if violation else []
                    if communication.get("communication_number"):
                        number = communication["communication_number"]
                        communication["un_symbol"] = f"E/C.12/{rng.randint(60, 78)}/D/{number}"
                elif target == "discontinued":
                    communication["discontinued_on"] = day
                elif target == "friendly_settlement":
                    communication["settlement_on"] = day
        if communication is not None:
            row = Communication(uuid=uuid4(), articles_violated=communication.pop("articles_violated", []),
                                public_links=[], **communication)
            vault.set(row, "notes", "Communication prepared with the partner's lawyers.")
            if row.decision_type and rng.random() < 0.3:
                row.public_summary = f"The Committee adopted its decision on {row.decision_adopted_on:%d %B %Y}."
                transmitted_at = datetime.combine(row.decision_transmitted_on, datetime.min.time(), UTC)
                row.published_at = transmitted_at + timedelta(days=30)
            row.updated_at = moment
            add("communications", row)
            if report.urgent_risk == "yes":
                requested_on = communication.get("submitted_on") or moment.date()
                measure = InterimMeasure(uuid=uuid4(), requested_on=requested_on,
                                         outcome="granted", outcome_on=requested_on + timedelta(days=5),
                                         compliance=rng.choice(("unknown", "complied", "not_complied")))
                vault.set(measure, "note", "Interim measures requested with the communication.")
                add("interim_measures", measure)
            if "follow_up" in path:
                assessment = FollowUpAssessment(uuid=uuid4(), assessed_on=moment.date(), grade="partly_satisfactory",
                                                procedure="continued")
                vault.set(assessment, "note", "Some measures taken; the housing plan is not adopted.")
                add("follow_up_assessments", assessment)
            if row.decision_type:
                action = PublicityAction(uuid=uuid4(), kind="press_release", done_on=row.decision_transmitted_on,
                                         language="English")
                vault.set(action, "note", None)
                add("publicity_actions", action)
        case.updated_at = moment
        case.stage = stage if not draft else "draft"
        out["cases"].append({"case": _rows(case), "data_key": {"scope": case.key_scope, "recipient": "server",
                                                              "kek_id": kek_id, "wrapped_key": wrapped,
                                                              "created_at": created_at},
                             "children": children})
    return out


_REGISTER = None


def _worker_init(instance: str) -> None:
    """Each worker reads the States register once (the engine needs it for the screenings)."""
    global _REGISTER
    app = app_for(Path(instance))
    from caseapp.core.extensions import db
    from caseapp.services import register

    with app.app_context():
        _REGISTER = register.load_register(db.session)
        db.session.remove()
        db.engine.dispose()  # no connection crosses into the worker's work


# --- writing (main process) ----------------------------------------------------------------------

def ensure_people(app) -> tuple[list[tuple[int, int]], list[float], list[int], list[int]]:
    """The bench organisations and accounts, created once: (organisation, partner) pairs heaviest first,
    their weights, and the lawyers' and coordinators' ids."""
    from caseapp.core import two_factor
    from caseapp.core.database import writing
    from caseapp.core.extensions import db
    from caseapp.domain import roles
    from caseapp.services import accounts

    keyring = app.extensions["caseapp.keyring"]

    def enrol(user) -> None:
        secret = two_factor.new_secret()  # enrolled like a real account; never shown
        accounts.enrol_two_factor(db.session, keyring, user, secret, two_factor.current_code(secret), window=1)
        user.totp_last_step = None

    with app.app_context(), writing():
        pairs = []
        for number in range(1, ORGANISATIONS + 1):
            name = f"Bench NGO {number:02d}"
            organisation = (accounts.find_organisation(db.session, name)
                            or accounts.create_organisation(db.session, name))
            email = "bench-partner@" + BENCH_DOMAIN if number == 1 else f"partner{number:02d}@{BENCH_DOMAIN}"
            user = accounts.find_user(db.session, email)
            if user is None:
                user = accounts.create_user(db.session, keyring, email=email, role=roles.PARTNER,
                                            organisation=organisation, display_name=f"Partner {number:02d}")
                enrol(user)  # every role has a second factor by default (TWO_FACTOR_REQUIRED_ROLES)
            pairs.append((organisation.id, user.id))
        staff = {roles.LAWYER: [], roles.COORDINATOR: []}
        for role, count in ((roles.LAWYER, 6), (roles.COORDINATOR, 3)):
            for number in range(1, count + 1):
                email = f"bench-{role}@{BENCH_DOMAIN}" if number == 1 else f"{role}{number:02d}@{BENCH_DOMAIN}"
                user = accounts.find_user(db.session, email)
                if user is None:
                    user = accounts.create_user(db.session, keyring, email=email, role=role,
                                                display_name=f"{role.title()} {number:02d}")
                    enrol(user)
                staff[role].append(user.id)
        db.session.commit()
    # A few large organisations and a long tail, as partner networks are: the first holds about 5 %.
    weights = [1 / (rank + 3) for rank in range(ORGANISATIONS)]
    return pairs, weights, staff[roles.LAWYER], staff[roles.COORDINATOR]


CHILD_TABLES = ("case_rights", "victims", "domestic_remedies", "unused_remedies", "other_procedures",
                "screening_versions", "case_events", "messages", "communications", "interim_measures",
                "follow_up_assessments", "publicity_actions")


def write_chunk(connection, chunk: dict, counters: dict[int, int]) -> None:
    """One chunk in one transaction: data keys, cases (ids back in order), then their rows."""
    from sqlalchemy import insert

    from caseapp.models import Base

    tables = Base.metadata.tables
    rows = chunk["cases"]
    for item in rows:
        case = item["case"]
        if case["submitted_at"] is not None:
            year = case["submitted_at"].year
            counters[year] = counters.get(year, 0) + 1
            case["reference"] = f"ESCR-{year}-{counters[year]:04d}"
        else:
            case["reference"] = None
    connection.execute(insert(tables["data_keys"]), [item["data_key"] for item in rows])
    cases = tables["cases"]
    ids = connection.execute(insert(cases).returning(cases.c.id, sort_by_parameter_order=True),
                             [item["case"] for item in rows]).scalars().all()
    for table in CHILD_TABLES:
        batch = []
        for case_id, item in zip(ids, rows, strict=True):
            for values in item["children"].get(table, ()):
                values["case_id"] = case_id
                batch.append(values)
        for start in range(0, len(batch), 5000):
            connection.execute(insert(tables[table]), batch[start : start + 5000])


def save_counters(connection, counters: dict[int, int]) -> None:
    from sqlalchemy import select, update

    from caseapp.models import ReferenceCounter

    table = ReferenceCounter.__table__
    existing = dict(connection.execute(select(table.c.year, table.c.last_number)).all())
    for year, number in counters.items():
        if year in existing:
            connection.execute(update(table).where(table.c.year == year).values(last_number=number))
        else:
            connection.execute(table.insert().values(year=year, last_number=number))


def verify_sample(app, count: int = 20) -> None:
    """Open random seeded cases through the services the pages use, decrypting everything they show."""
    from sqlalchemy import func, select

    from caseapp.core.extensions import db
    from caseapp.models import Case
    from caseapp.services import intake, messages, screening, timeline
    from caseapp.services.vault import open_vault

    with app.app_context():
        query = select(Case).where(Case.reference.is_not(None)).order_by(func.random()).limit(count)
        picked = db.session.execute(query).scalars()
        for case in picked:
            vault = open_vault(db.session, app.extensions["caseapp.keyring"], case)
            report = intake.load_report(vault)
            if not (report.title and report.victims):
                raise SystemExit(f"seeded case {case.reference} does not read back whole")
            screening.versions(db.session, vault)
            timeline.timeline(db.session, vault)
            messages.thread(db.session, vault)
            vault.get(case, "decline_reason")
        db.session.remove()


def store_derived(app, *, seeded: bool) -> None:
    """Store the deadlines and the duplicate flags of the seeded reports, as `flask deadlines --refresh`
    and `flask duplicates record` do (the rows above are written with Core inserts, not through the
    services and ORM events that keep them when a report is written)."""
    from tqdm import tqdm

    from caseapp.core.database import writing
    from caseapp.core.extensions import db
    from caseapp.services import deadlines, duplicates

    with app.app_context(), writing():
        if seeded:  # Core inserts bypass the ORM events that keep the stored deadlines: compute them again
            with tqdm(total=deadlines.cases_with_reference(db.session), unit="case", desc="Deadlines") as bar:
                deadlines.refresh_all(db.session, commit=db.session.commit, progress=bar.update)
        pending = duplicates.unchecked_ids(db.session)
        db.session.rollback()
        if not pending:
            return
        started = time.perf_counter()
        with tqdm(total=len(pending), unit="case", desc="Duplicates") as bar:
            duplicates.record_in_batches(db.session, app.extensions["caseapp.keyring"], pending,
                                         commit=db.session.commit, progress=bar.update)
        pairs = duplicates.pair_count(db.session)
        db.session.remove()
    print(f"Checked {len(pending):,} reports for duplicates in {time.perf_counter() - started:.0f} s: "
          f"{pairs:,} pairs flagged.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default=os.environ.get("CASEAPP_INSTANCE_PATH", "instance-bench"),
                        help="the instance folder (made by `make setup INSTANCE=…`)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases the instance should hold (default 100,000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="processes building the rows while this one writes them (default: one per core)")
    parser.add_argument("--seed", type=int, default=20261128, help="random seed (runs are reproducible per seed)")
    args = parser.parse_args(argv)
    from tqdm import tqdm

    instance = Path(args.instance)
    app = app_for(instance)
    from sqlalchemy import func, select

    from caseapp.core.database import writing
    from caseapp.core.extensions import db
    from caseapp.models import Case, ReferenceCounter

    started = time.perf_counter()
    with app.app_context():
        existing = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
        counters = dict(db.session.execute(select(ReferenceCounter.year, ReferenceCounter.last_number)).all())
        db.session.remove()
    wanted = args.cases - existing
    print(f"Instance {instance.resolve()}: {existing:,} cases; target {args.cases:,}.")
    if wanted <= 0:
        print("Already seeded: nothing to add.")
        store_derived(app, seeded=False)
        return 0
    organisations, weights, lawyers, coordinators = ensure_people(app)
    with app.app_context():
        db.engine.dispose()
    context = Context(str(instance), args.seed, wanted, existing, datetime.now(UTC).date(), organisations, weights,
                      lawyers, coordinators)
    jobs = [(context, start, min(CHUNK, wanted - start)) for start in range(0, wanted, CHUNK)]
    names: list[str] = []
    with app.app_context():
        engine = db.engine
        bar = tqdm(total=wanted, unit="case", desc="Seeding", smoothing=0.1)
        # At most two chunks per worker are built ahead of the writer, so memory stays bounded when
        # writing is the slower side (PostgreSQL).
        ahead = threading.BoundedSemaphore(max(args.workers, 1) * 2)

        def feed():
            for job in jobs:
                ahead.acquire()
                yield job

        if args.workers > 0:
            pool = multiprocessing.get_context("fork").Pool(args.workers, initializer=_worker_init,
                                                            initargs=(str(instance),))
            chunks = pool.imap(build_chunk, feed())
        else:
            _worker_init(str(instance))
            pool, chunks = None, map(build_chunk, feed())
        try:
            for chunk in chunks:
                with writing(), engine.begin() as connection:
                    write_chunk(connection, chunk, counters)
                    save_counters(connection, counters)
                names.extend(chunk["names"])
                bar.update(len(chunk["cases"]))
                ahead.release()
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            bar.close()
    elapsed = time.perf_counter() - started
    names_path = instance / NAMES_FILE
    previous = json.loads(names_path.read_text()) if names_path.exists() else []
    names_path.write_text(json.dumps((previous + names)[:5000], ensure_ascii=False))
    verify_sample(app)
    print(f"Seeded {wanted:,} cases in {elapsed:.0f} s ({wanted / elapsed:,.0f} cases/s); a sample of 20 decrypts "
          f"through the services.")
    store_derived(app, seeded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
