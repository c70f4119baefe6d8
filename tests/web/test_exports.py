"""Coordinators' CSV exports (issue 6, item 8): the cases and the decisions, every cell neutralised
against formula injection (IN-04), no victim data, never cached (SESS-08). Who may download them is
pinned by the access matrix (tests/security/test_access_matrix.py: coordinators only)."""

import csv
import io
import re
from datetime import date
from uuid import uuid4

import pytest

from caseapp.core.extensions import db
from caseapp.models import MediaCoverage, PublicityAction
from caseapp.models.base import utcnow
from caseapp.services import exports
from tests.factories import add_to_team, login, make_case
from tests.web.decision_records import decided_case

VICTIM_MARKER = "Victim-marker-Itzel-5e0a"
# The headings a coordinator reads (in English here; tests/web/test_languages.py reads them in Spanish); the
# rows below are keyed by the columns' code names.
CASES_HEADER = ["Reference", "Title", "Stage", "State code", "State", "Covenant articles invoked",
                "Submitted to the lawyers", "Last day to submit to the Committee", "Communication number",
                "UN document symbol", "Submitted to the Committee", "Registered by the Committee",
                "Decision type code", "Decision adopted on"]
DECISIONS_HEADER = ["Reference", "State code", "State", "Covenant articles invoked", "Decision type code", "Decision",
                    "Decision adopted on", "Transmitted to the parties", "Articles found violated",
                    "UN document symbol", "Published on the public decisions page", "Publicised in the country"]
KEYS = {"cases": {str(heading): key for key, heading in exports.CASES_COLUMNS},
        "decisions": {str(heading): key for key, heading in exports.DECISIONS_COLUMNS}}


@pytest.fixture
def coordinator(app, people):
    client = app.test_client()
    login(app, client, people["coordinator"].user)
    return client


def before_the_committee(case, coordinator=None):
    """Move a submitted case to the committee stages (where coordinators see it), with ``coordinator`` on its
    case team when given (so its title is exported to them)."""
    case.stage = "candidate"
    db.session.commit()
    if coordinator is not None:
        add_to_team(case, coordinator)
    return case


@pytest.fixture
def org(org_a):
    return org_a


def download(client, url: str) -> tuple[list[str], list[dict[str, str]], object]:
    response = client.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    keys = [KEYS["decisions" if "decisions" in url else "cases"][heading] for heading in header]
    return header, [dict(zip(keys, row, strict=True)) for row in reader], response


def test_cases_export(app, coordinator, org, people):
    decided, _ = decided_case(app, org, title="Eviction of the Calle Mayor tenants", victim_name=VICTIM_MARKER,
                              rights=("11(1)", "2(2)"), adopted_on=date(2026, 3, 12))
    add_to_team(decided, people["coordinator"].user)
    draft, _ = make_case(app, org, title="A draft nobody but the partner sees")
    submitted = before_the_committee(make_case(app, org, title="Just submitted", victim=None, submit=True)[0],
                                     people["coordinator"].user)

    header, rows, response = download(coordinator, "/exports/cases.csv")

    assert header == CASES_HEADER
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {decided.reference, submitted.reference}  # drafts are not cases yet
    row = by_reference[decided.reference]
    assert row["title"] == "Eviction of the Calle Mayor tenants"
    assert (row["stage"], row["state_code"], row["state"], row["rights"]) == ("decided", "ES", "Spain", "11(1); 2(2)")
    assert row["submitted_at"] == decided.submitted_at.date().isoformat()
    assert (row["communication_number"], row["un_symbol"]) == ("1/2024", "E/C.12/77/D/1/2024")
    assert (row["submitted_on"], row["registered_on"]) == ("2024-01-10", "2024-02-01")
    assert (row["decision_type"], row["decision_adopted_on"]) == ("views_violation", "2026-03-12")
    other = by_reference[submitted.reference]
    assert other["title"] == "Just submitted" and other["communication_number"] == "" and other["stage"] == "candidate"
    assert "A draft nobody" not in response.get_data(as_text=True)
    assert draft.reference is None


def test_headers_make_a_dated_uncached_attachment(app, coordinator, org):  # SESS-08, HDR-01
    decided_case(app, org)
    for kind in ("cases", "decisions"):
        response = coordinator.get(f"/exports/{kind}.csv")
        assert response.get_data(as_text=True).startswith(",".join(DECISIONS_HEADER if kind == "decisions"
                                                                   else CASES_HEADER))
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; ")
        assert f'filename="escr-{kind}-{utcnow().date().isoformat()}.csv"' in disposition
        assert response.headers.getlist("Cache-Control") == ["no-store"]
        assert "cookie" in response.headers.get("Vary", "").lower()
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_formula_in_a_title_is_neutralised(app, coordinator, org, people):  # IN-04
    formula = '=HYPERLINK("http://x")'
    case, _ = make_case(app, org, title=formula, submit=True)
    case.state_code = "ES"
    before_the_committee(case, people["coordinator"].user)
    decided, _ = decided_case(app, org, title="@SUM(1+1)", un_symbol="-E/C.12/1", communication_number="+1/2024")
    add_to_team(decided, people["coordinator"].user)

    _header, rows, response = download(coordinator, "/exports/cases.csv")

    titles = {row["title"] for row in rows}
    assert "'" + formula in titles and "'@SUM(1+1)" in titles
    assert formula not in titles
    (decided,) = (row for row in rows if row["title"] == "'@SUM(1+1)")
    assert (decided["un_symbol"], decided["communication_number"]) == ("'-E/C.12/1", "'+1/2024")
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # As written on the wire, too: the cell starts with the quote (quoted by csv for its own double quotes).
    assert '"\'=HYPERLINK(""http://x"")"' in response.get_data(as_text=True)


def test_victims_are_never_exported(app, coordinator, org):
    decided_case(app, org, victim_name=VICTIM_MARKER, identity_consented=True, victim_names=VICTIM_MARKER)
    make_case(app, org, submit=True, victim=None)
    for url in ("/exports/cases.csv", "/exports/decisions.csv"):
        assert VICTIM_MARKER not in coordinator.get(url).get_data(as_text=True)


def test_cases_export_lists_no_report_in_screening_or_declined(app, coordinator, org, people):  # AC-06
    """Issue 15: the cases CSV listed the titles of reports still in screening or declined. A coordinator's
    export holds the cases before the Committee only, and the title only of those whose team they are on."""
    screened = [make_case(app, org, title=f"Screening-marker-{stage}", submit=True)[0]
                for stage in ("submitted", "screening", "info_requested", "declined")]
    for case, stage in zip(screened, ("submitted", "screening", "info_requested", "declined"), strict=True):
        case.stage = stage
    db.session.commit()
    theirs = before_the_committee(make_case(app, org, title="Team-marker-title", submit=True)[0],
                                  people["coordinator"].user)
    others = before_the_committee(make_case(app, org, title="Off-team-marker-title", submit=True)[0])

    _header, rows, response = download(coordinator, "/exports/cases.csv")

    text = response.get_data(as_text=True)
    assert "Screening-marker" not in text and "Off-team-marker" not in text
    assert {row["reference"]: row["title"] for row in rows} == {theirs.reference: "Team-marker-title",
                                                               others.reference: ""}


def test_decisions_export(app, coordinator, org):
    published, _ = decided_case(app, org, state="PT", rights=("12",), decision_type="views_violation",
                                adopted_on=date(2026, 3, 12), transmitted_on=date(2026, 4, 2),
                                articles_violated=("12", "2(2)"), un_symbol="E/C.12/77/D/3/2024")
    unpublished, _ = decided_case(app, org, decision_type="inadmissible", articles_violated=(), published=False,
                                  un_symbol=None)
    undecided, _ = make_case(app, org, submit=True)  # no communication, no decision: not a row
    for kind in ("press_release", "authorities"):
        db.session.add(PublicityAction(uuid=uuid4(), case_id=published.id, kind=kind, done_on=date(2026, 4, 10)))
    db.session.add(PublicityAction(uuid=uuid4(), case_id=unpublished.id, kind="courts", done_on=date(2026, 4, 10)))
    db.session.commit()

    header, rows, _response = download(coordinator, "/exports/decisions.csv")

    assert header == DECISIONS_HEADER
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {published.reference, unpublished.reference}
    assert undecided.reference not in by_reference
    assert by_reference[published.reference] == {
        "reference": published.reference, "state_code": "PT", "state": "Portugal", "rights": "12",
        "decision_type": "views_violation", "decision": "Views: violation found", "adopted_on": "2026-03-12",
        "transmitted_on": "2026-04-02", "articles_violated": "12; 2(2)", "un_symbol": "E/C.12/77/D/3/2024",
        "published": "yes", "publicised_in_country": "yes",
    }
    other = by_reference[unpublished.reference]
    assert (other["decision"], other["published"], other["publicised_in_country"]) == ("Inadmissible", "no", "no")

    # Media coverage makes the decision public in the country; with the courts told, it is publicised.
    db.session.add(MediaCoverage(uuid=uuid4(), case_id=unpublished.id, outlet="El Diario",
                                 published_on=date(2026, 4, 12)))
    db.session.commit()
    _header, rows, _response = download(coordinator, "/exports/decisions.csv")
    assert {row["reference"]: row for row in rows}[unpublished.reference]["publicised_in_country"] == "yes"


def test_large_export_streams_in_batches(app, coordinator, org, people, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    monkeypatch.setattr(exports, "FLUSH_AT", 200)
    made = [before_the_committee(make_case(app, org, title=f"Case number {n}", submit=True)[0],
                                 people["coordinator"].user) for n in range(5)]
    response = coordinator.get("/exports/cases.csv")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert [row["Reference"] for row in rows] == [case.reference for case in made]
    assert [row["Title"] for row in rows] == [f"Case number {n}" for n in range(5)]


def test_the_home_page_offers_the_exports_to_coordinators_only(app, people):
    for principal in ("coordinator", "lawyer", "partner_a", "admin"):
        client = app.test_client()
        login(app, client, people[principal].user)
        text = client.get("/").get_data(as_text=True)
        offered = bool(re.search(r'href="/exports/cases\.csv"', text)) and 'href="/exports/decisions.csv"' in text
        assert offered is (principal == "coordinator"), principal
