"""Throughput of the admissibility engine on one core, against DESIGN.md §7 (≥ 20,000 assessments/s).

    .venv/bin/python bench/engine_bench.py           # about 15 s
    .venv/bin/python bench/engine_bench.py --quick   # about 2 s; indicative only

The process is pinned to one CPU (os.sched_setaffinity, where the OS has it). The facts are a mix of
realistic cases (below), parsed once; the timed loop calls ``assess`` on them in turn with the shipped
States register. A second row times the whole command-line path without I/O — JSON text → ``json.loads``
→ ``CaseFacts.from_json`` → ``assess`` → ``to_json`` → ``json.dumps`` — which has no target of its own.
Prints one Markdown table (paste it into bench/README.md) and exits 1 if the target is missed.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere, as a plain script

from caseapp.domain.admissibility import CaseFacts, assess  # noqa: E402
from caseapp.domain.register import StatesRegister  # noqa: E402

TARGET_PER_SECOND = 20_000  # DESIGN.md §7: admissibility engine ≥ 20,000 assessments per second on one core
TODAY = date(2026, 11, 25)


def _remedy(body, kind, filed, decided, notified, outcome="rejected", final=True, substance=True):
    return {"body": body, "kind": kind, "filed": filed, "decided": decided, "notified": notified,
            "outcome": outcome, "final": final, "addressed_substance": substance}


_EVICTION = {
    "state": "ES", "submission_date": "2014-01-28", "in_writing": True, "anonymous": False,
    "author_is_victim": True, "acting_on_behalf": False, "consent": "yes", "consent_justification": None,
    "victims_under_jurisdiction": True, "rights_invoked": ["11(1)", "2(1)"],
    "other_instruments_invoked": ["ICCPR art. 26"], "facts_start": "2012-05-01", "facts_end": "2013-10-16",
    "continuing": "no",
    "remedies": [
        _remedy("Court of First Instance no. 3", "judicial", "2012-06-01", "2012-11-20", "2012-11-28", final=False),
        _remedy("Provincial Court", "appeal", "2012-12-10", "2013-05-02", "2013-05-10", final=False),
        _remedy("Constitutional Court", "constitutional", "2013-06-01", "2013-10-16", "2013-10-21"),
    ],
    "unused_remedies": [{"name": "administrative appeal", "reason": "ineffective", "explanation": "No effect."}],
    "remedies_exception": None, "one_year_exception": None,
    "other_procedures": [{"body": "ECtHR", "same_matter": True, "status": "declared_inadmissible_unreasoned",
                          "date": "2013-11-14"}],
    "only_mass_media_reports": False, "substantiated": "unknown", "abuse": "no", "clear_disadvantage": "yes",
    "general_importance": "unknown",
}

# A mix of what the lawyers' queue holds: complete and incomplete reports, late and pending ones,
# States with unknown or unverified dates, signatories and unlisted States, empty drafts.
MIX: list[dict] = [
    _EVICTION,
    {**_EVICTION, "submission_date": None, "substantiated": "yes"},  # not yet submitted, deadline counted from today
    {**_EVICTION, "submission_date": "2014-11-03"},  # late
    {**_EVICTION, "submission_date": "2014-11-03", "one_year_exception": "The author was in hospital."},
    {**_EVICTION, "state": "IT", "facts_start": "2019-01-10", "facts_end": "2020-02-01", "submission_date": None,
     "remedies": [_remedy("Tribunale di Roma", "judicial", "2019-02-01", "2019-10-01", None, final=None),
                  _remedy("Corte d'appello", "appeal", "2019-11-01", None, None, outcome="pending", final=None)]},
    {**_EVICTION, "state": "VE", "submission_date": "2021-06-01", "facts_start": "2016-03-01", "facts_end": None,
     "continuing": "yes",
     "remedies": [_remedy("criminal complaint", "other", "2016-04-01", None, None, outcome="pending", final=None)],
     "remedies_exception": {"reason": "unreasonably_prolonged", "explanation": "Pending since 2016."},
     "author_is_victim": True, "acting_on_behalf": True, "consent": "no"},
    {**_EVICTION, "state": "NE", "submission_date": "2016-05-01", "facts_start": "2015-03-01",
     "facts_end": "2015-06-01",
     "remedies": [_remedy("Cour d'Etat", "cassation", "2015-06-10", "2016-01-12", "2016-01-20")]},
    {**_EVICTION, "state": "FI", "submission_date": "2015-03-01", "facts_start": "2014-04-20",
     "facts_end": "2014-05-15",
     "remedies": [_remedy("Supreme Administrative Court", "administrative", "2014-05-20", "2014-12-01", None)]},
    {**_EVICTION, "state": "AO"},  # a signatory
    {**_EVICTION, "state": "GB"},  # not listed
    {**_EVICTION, "rights_invoked": [], "other_instruments_invoked": ["ICCPR art. 12(1)", "ICCPR art. 26"]},
    {**_EVICTION, "other_procedures": [{"body": "Human Rights Committee", "same_matter": True, "status": "pending"},
                                       {"body": "ECtHR", "same_matter": None, "status": "examined"}]},
    {"state": "PT", "rights_invoked": ["9"], "facts_start": "2012-01-01", "continuing": "unknown"},  # a draft
    {},  # an empty draft
]


def _pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _rate(run_once, count: int, repeats: int) -> float:
    """Best of ``repeats`` runs of ``count`` operations, in operations per second."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        run_once(count)
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations; indicative only")
    args = parser.parse_args()
    count, repeats = (20_000, 2) if args.quick else (200_000, 3)

    pinned = _pin_to_one_core()
    register = StatesRegister.shipped()
    facts = [CaseFacts.from_json(data) for data in MIX]
    texts = [json.dumps(data) for data in MIX]
    size = len(facts)

    def engine(n: int) -> None:
        for index in range(n):
            assess(facts[index % size], today=TODAY, register=register)

    def whole_path(n: int) -> None:
        for index in range(n):
            parsed = CaseFacts.from_json(json.loads(texts[index % size]))
            json.dumps(assess(parsed, today=TODAY, register=register).to_json())

    engine(2_000)  # warm up
    engine_rate = _rate(engine, count, repeats)
    path_rate = _rate(whole_path, count // 4, repeats)
    verdict = "PASS" if engine_rate >= TARGET_PER_SECOND else "MISS"

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.python_implementation()} {platform.python_version()}; "
          f"{platform.machine()}; nproc {os.cpu_count()}; {pinned}; {size} fact sets in the mix; "
          f"{'quick' if args.quick else 'full'} run ({count:,} assessments, best of {repeats})")
    print()
    print("| measurement | result | target (DESIGN.md §7) | verdict |")
    print("|---|---|---|---|")
    print(f"| assess() over the mix, one core | {engine_rate:,.0f} assessments/s "
          f"| ≥ {TARGET_PER_SECOND:,}/s | {verdict} |")
    print(f"| JSON text → from_json → assess → to_json → JSON text | {path_rate:,.0f} /s | — | — |")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
