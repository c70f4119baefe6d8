"""Hypothesis fuzzing of every HTML form (IN-02): never a 500, never invalid data persisted.

Every state-changing route of the URL map outside the JSON API (which Schemathesis fuzzes,
tests/web/test_api_schema.py) is fuzzed here, starting from the valid request a legitimate user sends
(``FORM_DATA`` in tests/security/forms.py, shared with the CSRF suite) and the fields of the form the
view really reads (recorded while that valid request runs, so a field added to a form is fuzzed too).
Each example replaces some fields with adversarial values (empty, blank, longer than any limit up to
1 MB, NUL and control characters, lone surrogates and invalid UTF-8, bidi and zero-width characters,
markup, SQL-ish text, numbers out of range, impossible dates), repeats some as lists, drops some and
adds unknown ones, and sends it as the principal the policy table lets use the route. CSRF stays off
here: the CSRF suite covers tokens.

For every example: the status is below 500 and no page shows a traceback; a refusal (a 4xx, or a page
showing a form error or an error flash) changed nothing in the database but the append-only audit log
and the bookkeeping a refusal is meant to keep (a failed sign-in counts towards the throttle, AUTH-07);
an accepted request stored only data that its own services read back and that passes the domain's
checks, and that PostgreSQL would store as it is (no NUL in text, lengths and integers within their
columns), whatever database the suite runs on.

State carries over between examples (a report declined by one example is declined for the next):
later examples then meet refusals, 404s and redirects, which are fine; a 500 never is. A route whose
valid request consumes its object (a setup link) gets a fresh one before each example.

FUZZ_EXAMPLES raises the number of examples per route (12 by default). Under CI the examples are
derandomised, so a submission's run is repeatable; elsewhere each run draws new ones.
"""

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from flask import has_request_context, request
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Integer, String, Text, event, select
from wtforms.fields import FieldList

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.domain import covenant, roles
from caseapp.domain import report as report_rules
from caseapp.domain.committee import check_record
from caseapp.domain.fields import TRI_STATE
from caseapp.intake import steps
from caseapp.models import ApiToken, Base, Case, Communication, Organisation, User
from caseapp.models.base import utcnow
from caseapp.services import accounts, intake, messages, register, screening, timeline
from caseapp.services.committee import record_values
from caseapp.services.vault import open_vault
from tests.factories import build_app
from tests.security.forms import FORM_DATA, FORM_PAGE, TOKEN_PAGE, client_for, make_scene, principal_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _unsafe_rules() -> list[tuple[str, str]]:
    """(endpoint, method) of every state-changing rule in the URL map of a freshly built app."""
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp), None)
        return sorted({(rule.endpoint, method) for rule in app.url_map.iter_rules()
                       for method in (rule.methods or set()) & UNSAFE_METHODS})


UNSAFE_RULES = _unsafe_rules()
FORM_ROUTES = [(endpoint, method) for endpoint, method in UNSAFE_RULES if not endpoint.startswith("api.")]

# What a refused request may still write: the append-only audit log always (a refusal can be an
# event worth keeping), sessions (a page touches its session's last activity and keeps its flash
# messages there) and, for a sign-in, the failure the per-account throttle counts (AUTH-07).
ALWAYS_WRITTEN = frozenset({"audit_events", "user_sessions"})
REFUSAL_BOOKKEEPING = {"auth.login": frozenset({"login_failures"})}

REFUSAL_MARKERS = ("alert-danger", "invalid-feedback")  # an error flash or a form error (templates/)


# --- adversarial values ----------------------------------------------------------------------------

# One list per kind of trouble: each kind is as likely as the others, whatever its length.
NASTY = {
    "blank": ["", " ", "   \t\n", "\r\n\r\n", "\u00a0\u3000"],
    "control": ["\x00", "a\x00b", "\x00" * 3, "\x01\x02\x1b[31m\x7f", "\u0085\u2028\u2029", "%00"],
    "not utf-8": ["\ud800", "x\udfffy", b"\xed\xa0\x80", b"\xff\xfe\xfd", b"\xc0\xaf", b"\xe2\x82"],  # lone surrogates
    "unicode": ["\u202eevil\u202c", "\u200b\u200c\u200d\ufeff", "e\u0301\u0301\u0301", "\U0001f4a9", "ﷺ" * 3,
                "\ufffd", "İı", "ß", "\u0130\u0131\u212a"],
    "markup": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}{% raw %}",
               "javascript:alert(1)", "../../etc/passwd", "=cmd|' /C calc'!A0"],
    "sql": ["' OR '1'='1", "1; DROP TABLE users; --", "%", "_", "\\", "%_%", "' || pg_sleep(0) --"],
    "number": ["-1", "0", "-0", "1.5", "1e309", "NaN", "inf", "0x10", "2147483647", "2147483648", "-2147483649",
               "9223372036854775808", "99999999999999999999999", "-99999999999999999999999", "٣", "３", " 7 "],
    "date": ["2025-02-30", "2025-02-29", "2024-02-29", "2025-13-01", "2025-00-10", "0000-00-00", "0001-01-01",
             "9999-12-31", "10000-01-01", "-2025-01-01", "2025-1-1", "2025-01-01T00:00:00", " 2025-01-01 ",
             "2099-01-01", "1900-01-01"],
    "choice": ["yes", "no", "unknown", "met", "not_met", "party", "signatory", "closed", "decided", "admin",
               "lawyer", "partner", "coordinator", "save", "submit", "add-victims", "remove-victims-0",
               "remove-remedies-99999999999", "on", "y", "1"],
    "e-mail": ["a@b", "ADMIN@EXAMPLE.ORG", "@", "x@" + "y" * 300 + ".org", "a@b@c", "12/2026", "E/C.12/77/D/242/2021"],
}
LONG = st.builds(lambda unit, count: unit * count, st.sampled_from(["a", "é", "\U0001f600", "<b>", " "]),
                 st.sampled_from([11, 41, 101, 121, 201, 255, 256, 301, 501, 1_001, 4_001, 5_001, 50_001, 100_001]))
DATES = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.sampled_from([1, 1900, 2000, 2024, 2025, 2100, 9999]),
                  st.integers(0, 13), st.integers(0, 32))
VALUES = st.one_of(
    *(st.sampled_from(values) for values in NASTY.values()), LONG, DATES,
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=20), st.binary(max_size=12),
    st.just("m" * 1_048_577),  # 1 MB: past MAX_FORM_MEMORY_SIZE, which refuses it with a 413
)
SPICE = st.one_of(*(st.sampled_from(values) for key, values in NASTY.items()
                    if key in ("control", "not utf-8", "unicode", "markup", "blank")))
EXTRA_NAMES = st.one_of(
    st.sampled_from(["csrf_token", "action", "id", "uuid", "case_id", "organisation_id", "role", "stage", "admin",
                     "victims-0-name", "victims-199-name", "victims-200-name", "victims-99999999999-name",
                     "remedies--1-body", "rights_invoked", "reference", "is_admin", "__proto__", "", "a" * 300]),
    st.text(min_size=1, max_size=12),
)


@dataclass(frozen=True)
class Mutation:
    """What one example does to the valid form: per field, ``("drop",)``, ``("set", value)``,
    ``("list", [values])`` (a repeated key) or ``("wrap", before, after)`` (the valid value with
    something around it); then unknown fields added."""

    changes: tuple[tuple[str, tuple], ...]
    extras: tuple[tuple[str, object], ...]


def mutations(fields: list[str]) -> st.SearchStrategy[Mutation]:
    change = st.one_of(
        st.just(("drop",)),
        VALUES.map(lambda value: ("set", value)),
        st.lists(VALUES, min_size=2, max_size=3).map(lambda values: ("list", values)),
        st.tuples(st.just("wrap"), SPICE | st.just(""), SPICE),
    )
    return st.builds(
        Mutation,
        st.lists(st.tuples(st.sampled_from(fields), change), min_size=1, max_size=6).map(tuple),
        st.lists(st.tuples(EXTRA_NAMES, VALUES), max_size=2).map(tuple),
    )


def apply(valid: dict[str, str], mutation: Mutation) -> list[tuple[str, object]]:
    fields: dict[str, list] = {name: [value] for name, value in valid.items()}
    for name, change in mutation.changes:
        if change[0] == "drop":
            fields.pop(name, None)
        elif change[0] == "set":
            fields[name] = [change[1]]
        elif change[0] == "list":
            fields[name] = list(change[1])
        else:
            before, after = change[1:]
            fields[name] = [_bytes(before) + _bytes(value) + _bytes(after) for value in fields.get(name, [""])]
    pairs = [(name, value) for name, values in fields.items() for value in values]
    return pairs + list(mutation.extras)


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, object]]) -> bytes:
    """The body as a browser would send it, but also with lone surrogates and bytes that are no UTF-8."""
    return "&".join(f"{quote_plus(_bytes(name))}={quote_plus(_bytes(value))}" for name, value in pairs).encode()


# --- the fields of the form a view reads -----------------------------------------------------------


class FormRecorder:
    """Records the first form a POST request's view builds from the request (its own form)."""

    def __init__(self):
        self.forms: dict[str, FlaskForm] = {}

    def install(self, monkeypatch) -> None:
        original = FlaskForm.__init__
        forms = self.forms

        def recording_init(form, *args, **kwargs):
            original(form, *args, **kwargs)
            if (has_request_context() and request.method in UNSAFE_METHODS and not args and "formdata" not in kwargs
                    and request.endpoint not in forms):
                forms[request.endpoint] = form

        monkeypatch.setattr(FlaskForm, "__init__", recording_init)

    def field_names(self, endpoint: str) -> list[str]:
        """The names a browser sends for the recorded form, with one entry of each repeatable section."""
        form = self.forms.get(endpoint)
        names = []
        for field in form or ():
            if isinstance(field, FieldList):
                names += [sub.name for sub in field.append_entry()]
            elif field.type != "CSRFTokenField":
                names.append(field.name)
        return names


@pytest.fixture
def recorder(monkeypatch):
    recorder = FormRecorder()
    recorder.install(monkeypatch)
    return recorder


# --- what the database holds ---------------------------------------------------------------------


def fingerprint(skip: frozenset[str]) -> dict[str, list]:
    """Every row of every table but those in ``skip``."""
    with db.engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
                for table in Base.metadata.sorted_tables if table.name not in skip}


INT32, INT64 = 2**31, 2**63


def column_problems() -> list[str]:
    """Values PostgreSQL would refuse (a 500 there) even where SQLite stores them: NUL in text, text
    longer than its column, integers outside their column's range."""
    problems = []
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            checked = [column for column in table.columns if isinstance(column.type, String | Integer)]
            if not checked:
                continue
            for row in connection.execute(select(*checked)):
                for column, value in zip(checked, row, strict=True):
                    where = f"{table.name}.{column.name}={value!r:.80}"
                    if isinstance(value, str) and "\x00" in value:
                        problems.append(f"NUL in {where}")
                    length = getattr(column.type, "length", None)
                    if isinstance(value, str) and length and not isinstance(column.type, Text) and len(value) > length:
                        problems.append(f"longer than {length} characters: {where}")
                    limit = INT64 if isinstance(column.type, BigInteger) else INT32
                    if isinstance(value, int) and isinstance(column.type, Integer) and not -limit <= value < limit:
                        problems.append(f"integer out of range: {where}")
    return problems


def assert_stored_data_valid() -> None:
    """Whatever is stored reads back through the services and passes the domain's checks."""
    db.session.expire_all()
    assert column_problems() == []
    today = utcnow().date()
    for case in db.session.execute(select(Case)).scalars():
        vault = open_vault(db.session, keyring(), case)
        report = intake.load_report(vault)
        assert intake.check(report, today=today, submitting=False) == {}, case.uuid
        for name, limit in (("title", report_rules.MAX_TITLE), ("summary", report_rules.MAX_SUMMARY),
                            ("narrative", report_rules.MAX_NARRATIVE)):
            assert len(getattr(report, name)) <= limit, name
        for answer in ("continuing", "author_is_victim", "acting_on_behalf", "urgent_risk"):
            assert getattr(report, answer) in TRI_STATE, answer
        if case.reference is not None:
            messages.thread(db.session, vault)
            screening.versions(db.session, vault)
        timeline.timeline(db.session, vault)
    for communication in db.session.execute(select(Communication)).scalars():
        case = db.session.get(Case, communication.case_id)
        vault = open_vault(db.session, keyring(), case)
        vault.get(communication, "recommendations"), vault.get(communication, "notes")
        assert check_record(record_values(communication), today=today, covenant_codes=frozenset(covenant.BY_CODE)) == {}
    register.load_register(db.session)
    for user in db.session.execute(select(User)).scalars():
        assert user.role in roles.ROLES and user.email == accounts.normalise_email(user.email) and "@" in user.email
        assert user.organisation_id is not None or not roles.needs_organisation(user.role), user.email
    for organisation in db.session.execute(select(Organisation)).scalars():
        assert organisation.name == " ".join(organisation.name.split()) and organisation.name, repr(organisation.name)
    for token in db.session.execute(select(ApiToken)).scalars():
        assert token.name.strip(), repr(token.name)


# --- one request -----------------------------------------------------------------------------------


def prepare(scene, endpoint: str, principal: str):
    """A client signed in as ``principal`` and the valid form of ``endpoint`` (whose objects it may
    prepare: a screening before accepting, a decline before reopening)."""
    client = client_for(scene, principal)
    page_endpoint = FORM_PAGE.get(endpoint) or TOKEN_PAGE.get(principal)
    # e.g. the enrolment page shows the secret the valid code needs
    page = client.get(scene.url(page_endpoint, principal)).get_data(as_text=True) if page_endpoint else ""
    return client, FORM_DATA[endpoint](scene, page)


def send(client, url: str, method: str, pairs: list[tuple[str, object]]) -> bool:
    """Send one request and say whether it was refused. Asserts that neither the response nor the page
    it redirects to is a server error or shows a traceback."""
    body = urlencoded(pairs)
    response = client.open(url, method=method, data=body, content_type="application/x-www-form-urlencoded")
    shown = response
    if 300 <= response.status_code < 400:
        shown = client.get(response.headers["Location"])
    for answer in (response, shown):
        assert answer.status_code < 500, f"{method} {url}: {answer.status_code} for the body {body[:300]!r}"
        assert "Traceback" not in answer.get_data(as_text=True)
    text = shown.get_data(as_text=True)
    return response.status_code >= 400 or any(marker in text for marker in REFUSAL_MARKERS)


# The pages that show what the forms store, opened once after a route's examples: whatever was
# accepted must not break a list, a dashboard, a feed or an export either.
OVERVIEW_PAGES = ("main.index", "account.show", "intake.list_reports", "intake.show_report", "screening.list_reports",
                  "screening.show_report", "committee.list_cases", "committee.show_case", "dashboard.show",
                  "deadlines.dashboard", "decisions.list_decisions", "decisions.atom_feed", "decisions.export_cases",
                  "decisions.export_decisions", "admin.list_users", "admin.show_user", "admin.list_organisations",
                  "register.list_states", "register.show_state", "admin.audit_log")


def assert_pages_still_open(scene, principal: str) -> None:
    client = client_for(scene, principal)
    for endpoint in OVERVIEW_PAGES:
        response = client.get(scene.url(endpoint, principal))
        assert response.status_code < 500, f"GET {endpoint} as {principal} after the fuzzing: {response.status_code}"


def refresh(scene, endpoint: str) -> None:
    """A fresh object for routes whose valid request uses it up: a setup link, a pending enrolment."""
    if endpoint == "auth.setup_account":
        scene.setup_token = accounts.issue_setup_token(db.session, scene.user("partner_b"), timedelta(hours=24))
        db.session.commit()
    if endpoint in ("auth.enrol_two_factor", "auth.enrol_passkey") and scene.user("pending_2fa").has_second_factor:
        accounts.reset_two_factor(db.session, scene.user("admin"), scene.user("pending_2fa"))
        db.session.commit()


@pytest.fixture
def postgres_refusals(app):
    """PostgreSQL refuses a NUL character in any text parameter of a query (a 500 if the app sends one);
    SQLite accepts it. Refusing it here too lets the SQLite run find those 500s."""
    def refuse_nul(_connection, _cursor, _statement, parameters, _context, executemany):
        for row in parameters if executemany else [parameters]:
            # A batched INSERT of several rows ("insertmanyvalues", e.g. the recovery codes) comes as
            # executemany with one flat row of all the values.
            values = row.values() if isinstance(row, dict) else row if isinstance(row, list | tuple) else (row,)
            if any(isinstance(value, str) and "\x00" in value for value in values):
                raise ValueError("a text parameter contains NUL, which PostgreSQL refuses")

    event.listen(db.engine, "before_cursor_execute", refuse_nul)
    yield
    event.remove(db.engine, "before_cursor_execute", refuse_nul)


@pytest.fixture
def server_errors(caplog):
    """The traceback of the last logged server error, for the failure message."""
    caplog.set_level(logging.ERROR, logger="caseapp.web.errors")

    def last() -> str:
        records = [record for record in caplog.records if record.exc_info]
        return logging.Formatter().formatException(records[-1].exc_info) if records else ""

    return last


# Views that build their form from stored answers and read only one step's fields from the request
# (``intake.forms.read_fields``), which the recorder cannot see: the step's fields are fuzzed by name.
READ_BY_STEP = {"intake.new_report": steps.FIRST.fields}


# --- the tests -------------------------------------------------------------------------------------


def test_every_post_route_is_fuzzed():  # IN-02: a new form cannot slip through
    """Every state-changing route of the URL map outside the API has the valid request the fuzzing
    starts from. (The API's routes are each in its OpenAPI document, which Schemathesis fuzzes:
    tests/web/test_api_schema.py::test_every_api_route_is_described_and_every_description_is_served.)"""
    endpoints = {endpoint for endpoint, _method in FORM_ROUTES}
    assert len(endpoints) > 40 and "intake.edit_report" in endpoints
    assert endpoints - FORM_DATA.keys() == set(), "add the valid request of the new route to tests/security/forms.py"
    assert FORM_DATA.keys() - endpoints == set(), "FORM_DATA names routes that no longer exist"


@pytest.mark.parametrize(("endpoint", "method"), FORM_ROUTES, ids=[f"{m} {e}" for e, m in FORM_ROUTES])
def test_fuzzed_form_never_fails_and_never_stores_invalid_data(app, people, recorder, postgres_refusals, server_errors,
                                                                 endpoint, method):  # IN-02
    scene = make_scene(app, people)
    principal = principal_for(endpoint, method)
    skip_on_refusal = ALWAYS_WRITTEN | REFUSAL_BOOKKEEPING.get(endpoint, frozenset())

    def check(pairs_of) -> dict[str, str]:
        refresh(scene, endpoint)
        client, valid = prepare(scene, endpoint, principal)
        before = fingerprint(skip_on_refusal)
        try:
            refused = send(client, scene.url(endpoint, principal, method), method, pairs_of(valid))
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{server_errors()}") from None
        if refused:
            assert fingerprint(skip_on_refusal) == before, f"a refused {endpoint} request changed the database"
        else:
            assert_stored_data_valid()
        return valid

    # The valid request first: it also shows which form the view reads, and so which fields to fuzz.
    valid = check(lambda valid: list(valid.items()))
    assert not valid or endpoint in recorder.forms or endpoint in READ_BY_STEP, (
        "the view read no form: the fuzzing would miss its fields")
    fields = sorted({*valid, *recorder.field_names(endpoint), *READ_BY_STEP.get(endpoint, ())}) or ["csrf_token"]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true",
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(mutation=mutations(fields))
    def fuzz(mutation: Mutation) -> None:
        check(lambda valid: apply(valid, mutation))

    fuzz()
    try:
        assert_pages_still_open(scene, principal)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{server_errors()}") from None


# Longer than any text the forms accept (the narrative's 50,000 characters), shorter than the request's
# form-memory limit, so each field's own maximum has to refuse it.
OVERSIZED = "x" * 60_001


@pytest.mark.parametrize(("endpoint", "method"), FORM_ROUTES, ids=[f"{m} {e}" for e, m in FORM_ROUTES])
def test_every_field_refuses_oversized_input_and_nothing_is_saved(app, people, recorder, endpoint, method):  # IN-01
    """Field by field, deterministically: the valid form with one field far longer than any limit is
    refused (a 4xx or a form error), and the database is as it was. File fields (a text there is no file)
    and checkboxes (any value means "ticked") store no text and are left out."""
    scene = make_scene(app, people)
    principal = principal_for(endpoint, method)
    skip_on_refusal = ALWAYS_WRITTEN | REFUSAL_BOOKKEEPING.get(endpoint, frozenset())
    refresh(scene, endpoint)
    client, valid = prepare(scene, endpoint, principal)
    send(client, scene.url(endpoint, principal, method), method, list(valid.items()))  # records the form's fields
    form = recorder.forms.get(endpoint)
    not_text = {field.name for field in form or () if field.type in ("FileField", "MultipleFileField", "BooleanField")}
    accepted = []
    for field in sorted({*valid, *recorder.field_names(endpoint)} - not_text):
        refresh(scene, endpoint)
        client, valid = prepare(scene, endpoint, principal)
        before = fingerprint(skip_on_refusal)
        if send(client, scene.url(endpoint, principal, method), method, list((valid | {field: OVERSIZED}).items())):
            assert fingerprint(skip_on_refusal) == before, f"a refused {endpoint} request changed the database"
        else:
            accepted.append(field)
    assert accepted == []
