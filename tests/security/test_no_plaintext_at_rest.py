"""No readable case content at rest: a canary in every free-text field (CRY-01, DATA-01).

Every free-text field of every form (the WTForms classes of ``caseapp``, their repeatable sections
included) and of the API's report body (its OpenAPI schema) is classified here: ``ENCRYPTED`` (kept only
as ciphertext), ``NOT_STORED`` (checked or used, never kept: passwords, search words), or stored in
clear on purpose (``CLEAR``, ``FORMATTED``), each with its reason. A field added without a class fails
``test_every_free_text_field_is_classified``.

The canary test then sends, as the user the policy table allows, a distinct marker in every
``ENCRYPTED`` and ``NOT_STORED`` field of every form route (``ENDPOINT_FORMS``) and of
``POST /api/v1/reports``, uploads evidence named with a marker (accepted and refused, in the browser and
through the API), searches as a partner, a lawyer and an admin, and scans for the markers, as UTF-8,
UTF-16, hex and lower case: the raw bytes of the instance folder (the SQLite file, its WAL and shared
memory, the file store, any log file), a dump of every row of every table (the session table included;
on PostgreSQL this dump is the scan, since the server's files and its WAL are not readable by the
test), every log record, and every e-mail the events of the walk caused (DATA-06): ``flask notify send``
writes them to the outbox folder (``OUTBOX_SETTINGS``), which is scanned like the rest.
"""

import importlib
import io
import logging
import pkgutil
import secrets
from pathlib import Path

import wtforms
from flask import has_request_context, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields import FieldList, FormField, StringField

import caseapp
from caseapp.api.openapi import REPORT_BODY, SCHEMAS
from caseapp.core.extensions import db
from caseapp.models import Base
from caseapp.services import tokens
from tests.markers import bytes_under
from tests.security.forms import FORM_DATA, TOKEN_PAGE, client_for, make_scene, principal_for

# --- the classification ----------------------------------------------------------------------------

ENCRYPTED = {
    **{f"ReportForm.{name}": "the report, under the case key" for name in (
        "title", "summary", "narrative", "consent_justification", "remedies_exception_explanation",
        "one_year_exception", "urgent_explanation", "other_instruments")},
    **{f"VictimForm.{name}": "victim identity and contact, under the case key" for name in (
        "name", "contact", "identity_number", "consent_record")},
    "RemedyForm.body": "a domestic remedy, under the case key",
    "UnusedRemedyForm.name": "an unused remedy, under the case key",
    "UnusedRemedyForm.explanation": "an unused remedy, under the case key",
    "ProcedureForm.body": "another procedure, under the case key",
    "MessageForm.body": "the thread, under the case key",
    "InformationRequestForm.body": "a request in the thread, under the case key",
    "DeclineForm.reason": "the decline reason, under the case key",
    "AcceptForm.note": "the acceptance note, a timeline note under the case key",
    "ReopenForm.note": "a timeline note, under the case key",
    **{f"ScreeningForm.{name}": "the lawyer's assessment, under the case key" for name in (
        "summary", "reason_art1", "reason_art2", "reason_art3_1", "reason_art3_2_a", "reason_art3_2_b",
        "reason_art3_2_c", "reason_art3_2_d", "reason_art3_2_e", "reason_art3_2_f", "reason_art3_2_g",
        "reason_art4", "notes_evidence_strength", "notes_informed_consent", "notes_precedent_value",
        "notes_reprisal_risk", "notes_systemic_impact")},
    "RecordForm.recommendations": "the Committee's record, under the case key",
    "RecordForm.notes": "the Committee's record, under the case key",
    "MoveForm.note": "a timeline note, under the case key",
    "InterimRequestForm.note": "an interim measures note, under the case key",
    "FollowUpAssessmentForm.note": "a follow-up note, under the case key",
    "FollowUpSubmissionForm.note": "a follow-up note, under the case key",
    "PublicityForm.note": "a publicity note, under the case key",
    "DraftingSettingsForm.remedies_sought": "the remedies sought, under the case key",
}
NOT_STORED = {
    "ReportFilterForm.q": "a partner's search words: kept between pages only in the sealed session payload",
    "UserFilterForm.q": "an admin's search words: kept between pages only in the sealed session payload",
    "VictimSearchForm.name": "a lawyer's search: used for one POST and its answer, compared by blind index",
    "LoginForm.password": "checked against its argon2id hash",
    "ForgotPasswordForm.email": "compared with the accounts' addresses; never stored, known or not (AUTH-12)",
    "SetupPasswordForm.password": "stored only as an argon2id hash",
    "SetupPasswordForm.confirm": "compared with the password",
    "ChangePasswordForm.current_password": "checked against its argon2id hash",
    "ChangePasswordForm.password": "stored only as an argon2id hash",
    "ChangePasswordForm.confirm": "compared with the password",
}
CLEAR = {
    "LoginForm.email": "the account's sign-in name (SECURITY.md: accounts are not case content)",
    "NewUserForm.email": "the account's sign-in name",
    "UpdateUserForm.email": "the account's sign-in name (the old one is told of the change, AUTH-12)",
    "NewUserForm.display_name": "a staff or partner name shown across the app to the coalition",
    "UpdateUserForm.display_name": "a staff or partner name shown across the app to the coalition",
    "_AccountFields.display_name": "the shared base of the two account forms above",
    "OrganisationForm.name": "a coalition member's name, needed to scope every query (AC-03)",
    "NewTokenForm.name": "the label a partner gives an API token of their own; shown on their account page",
    "PasskeyRegistrationForm.name": "the label a user gives a passkey of their own; shown on their account page",
    "StateForm.name": "the public States register (treaty data, not case content)",
    "StateForm.eif_basis": "the public States register",
    "StateForm.source": "the public States register's history: where a change came from",
    "StateForm.source_note": "the public States register",
    "NewStateForm.name": "the public States register",
    "NewStateForm.eif_basis": "the public States register",
    "NewStateForm.source": "the public States register's history",
    "NewStateForm.source_note": "the public States register",
    "RegisterCheckForm.source": "the public States register's history",
    "PublicationForm.summary": "published on the public decisions page by the coordinators",
    "PublicationForm.links": "published on the public decisions page",
    "NameConsentForm.victim_names": "published only with the victims' consent, confirmed by the case team's "
                                    "lawyer (issue 17, point 7); cleared when withdrawn",
    "MediaForm.outlet": "public press coverage of a decided case (the outlet's own publication)",
    "MediaForm.link": "public press coverage of a decided case",
    "MediaForm.language": "public press coverage of a decided case",
    "PublicityForm.language": "the language of a public action; a language name",
}
FORMATTED = {
    "LoginForm.code": "six digits, refused otherwise; checked, never stored",
    "EnrolTwoFactorForm.code": "six digits, refused otherwise; checked, never stored",
    "ChangePasswordForm.code": "six digits, refused otherwise; checked, never stored",
    "PasskeySignInForm.code": "six digits or a recovery code's form, refused otherwise; checked, never stored",
    "RecordForm.communication_number": "the Committee's public number n/yyyy, refused otherwise",
    "RecordForm.un_symbol": "the Committee's public UN document symbol, refused otherwise",
    "AuditFilterForm.case": "a case reference ESCR-YYYY-NNNN (an opaque id), in a GET filter by design (DATA-01)",
}
PLANTED = {**ENCRYPTED, **NOT_STORED}

# The API report body's free-text fields (paths in the body; ``[]`` is any item of a list).
API_ENCRYPTED = {
    "title", "summary", "narrative", "consent_justification", "other_instruments_invoked[]",
    "victims[].name", "victims[].contact", "victims[].identity_number",
    "remedies[].body", "unused_remedies[].name", "unused_remedies[].explanation", "remedies_exception.explanation",
    "one_year_exception", "other_procedures[].body", "urgent.explanation",
}
API_CLEAR = {
    "rights_invoked[]": "Covenant article codes, refused unless the Covenant has them; the queue filters by them",
}

# Which route sends each form. Base classes and forms read from a GET query string are not sent here.
ENDPOINT_FORMS = {
    "intake.edit_report": "ReportForm",
    "intake.list_reports": "ReportFilterForm",
    "messages.post_message": "MessageForm",
    "screening.request_information": "InformationRequestForm",
    "screening.assess_report": "ScreeningForm",
    "screening.decline_report": "DeclineForm",
    "screening.reopen_report": "ReopenForm",
    "screening.accept_report": "AcceptForm",
    "screening.search_victims": "VictimSearchForm",
    "committee.edit_record": "RecordForm",
    "committee.move_case": "MoveForm",
    "committee.add_interim_measure": "InterimRequestForm",
    "committee.add_follow_up_assessment": "FollowUpAssessmentForm",
    "committee.add_follow_up_submission": "FollowUpSubmissionForm",
    "committee.record_publicity": "PublicityForm",
    "committee.add_media": "MediaForm",
    "committee.publish": "PublicationForm",
    "committee.confirm_name_consent": "NameConsentForm",
    "drafting.save_settings": "DraftingSettingsForm",
    "account.create_token": "NewTokenForm",
    "account.change_password": "ChangePasswordForm",
    "admin.list_users": "UserFilterForm",
    "admin.new_user": "NewUserForm",
    "admin.update_user": "UpdateUserForm",
    "admin.new_organisation": "OrganisationForm",
    "register.new_state": "NewStateForm",
    "register.edit_state": "StateForm",
    "register.check_register": "RegisterCheckForm",
    "auth.setup_account": "SetupPasswordForm",
    "auth.forgot_password": "ForgotPasswordForm",
    "auth.login": "LoginForm",
}
NOT_SENT = {"_AccountFields": "a base class", "AuditFilterForm": "a GET filter (a case reference only)",
            "EnrolTwoFactorForm": "its only field is a code", "PasskeySignInForm": "its only text field is a code",
            "PasskeyRegistrationForm": "its only text, the passkey's name, is clear (CLEAR); the rest is the "
                                       "browser's WebAuthn answer (tests/web/test_passkeys.py)",
            "VictimForm": "sent inside ReportForm",
            "OneYearForm": "the remedies step's dates for the live one-year date (intake.one_year_limit); never stored",
            "RemedyForm": "sent inside ReportForm", "UnusedRemedyForm": "sent inside ReportForm",
            "ProcedureForm": "sent inside ReportForm",
            "DraftChoiceForm": "a GET choice of a draft's language and annexes (document ids); never stored"}
# The order the routes are sent in: a report is asked about, assessed, declined, reopened and accepted; the
# decided case's documents are drafted before the Committee's forms move it on (a closed case is not drafted for).
ORDER = ["intake.edit_report", "intake.list_reports", "messages.post_message", "screening.request_information",
         "screening.assess_report", "screening.decline_report", "screening.reopen_report", "screening.accept_report",
         "screening.search_victims", "drafting.save_settings"]
# Two fields that must be equal get the same marker.
SAME_AS = {"confirm": "password"}
# Outbox folders to scan, by config setting: the .eml files `flask notify send` writes with no mail server.
OUTBOX_SETTINGS: tuple[str, ...] = ("MAIL_OUTBOX_FOLDER",)


# --- the forms of the app --------------------------------------------------------------------------


# Entry points that build the app from the environment when imported (as wsgi.py does outside the package):
# they hold no form, and importing them here would start a jobs worker's app.
ENTRY_POINT_MODULES = frozenset({"caseapp.jobs.worker"})


def _form_classes() -> dict[str, type]:
    for module in pkgutil.walk_packages(caseapp.__path__, "caseapp."):
        if module.name not in ENTRY_POINT_MODULES:
            importlib.import_module(module.name)
    found, todo = {}, list(wtforms.Form.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("caseapp."):
            assert found.setdefault(cls.__name__, cls) is cls, f"two form classes named {cls.__name__}"
    return found


def _text_fields(cls: type) -> list[str]:
    """The free-text fields a form class declares (StringField and its kinds: text areas, e-mail, password)."""
    return sorted(name for name in dir(cls)
                  if isinstance(unbound := getattr(cls, name), wtforms.fields.core.UnboundField)
                  and issubclass(unbound.field_class, StringField) and unbound.field_class.__name__ != "HiddenField")


FORMS = _form_classes()


def _api_text_paths(schema: dict, path: str = "") -> set[str]:
    """The free-text strings of a JSON Schema: strings without an enum, a format or an anchored pattern."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rpartition("/")[2]]
    kind = schema.get("type")
    if kind == "object":
        return {found for name, sub in schema.get("properties", {}).items()
                for found in _api_text_paths(sub, f"{path}.{name}" if path else name)}
    if kind == "array":
        return _api_text_paths(schema.get("items", {}), f"{path}[]")
    if kind == "string" and not {"enum", "format"} & set(schema) and not schema.get("pattern", "").startswith("^"):
        return {path}
    return set()


def test_every_free_text_field_is_classified():  # CRY-01, DATA-01
    """A new form or API field must be classified here before it can be stored: in clear or not."""
    classes = [PLANTED, CLEAR, FORMATTED]
    fields = {f"{name}.{field}" for name, cls in FORMS.items() for field in _text_fields(cls)}
    unclassified = sorted(field for field in fields if not any(field in listed for listed in classes))
    assert unclassified == [], "classify each new free-text field in ENCRYPTED, NOT_STORED, CLEAR or FORMATTED"
    twice = sorted(field for field in fields if sum(field in listed for listed in classes) > 1)
    assert twice == []
    assert sorted(set().union(*classes) - fields) == [], "classified fields that no form has any more"
    with_text = {name for name, cls in FORMS.items() if _text_fields(cls)}
    assert sorted(with_text - set(ENDPOINT_FORMS.values()) - set(NOT_SENT)) == [], "which route sends this form?"
    api = _api_text_paths(REPORT_BODY)
    assert sorted(api - API_ENCRYPTED - set(API_CLEAR)) == [], "classify each new API free-text field"
    assert sorted((API_ENCRYPTED | set(API_CLEAR)) - api) == []


# --- markers -----------------------------------------------------------------------------------------


class Markers:
    def __init__(self):
        self.run = secrets.token_hex(4)
        self.planted: dict[str, str] = {}  # marker → where it was sent

    def new(self, where: str) -> str:
        marker = f"CANARY{len(self.planted):03d}x{self.run}"
        self.planted[marker] = where
        return marker


def _forms_of(marker: str) -> tuple[bytes, ...]:
    return (marker.encode(), marker.encode("utf-16-le"), marker.encode().hex().encode(), marker.lower().encode())


def found_in(raw: bytes, markers) -> list[str]:
    lowered = raw.lower()
    return [marker for marker in markers
            if any(form in raw or form in lowered for form in _forms_of(marker))]


# --- sending -----------------------------------------------------------------------------------------


class FormRecorder:
    """The class of the first form a POST view builds from the request: it must be the one planted."""

    def __init__(self):
        self.seen: dict[str, str] = {}

    def install(self, monkeypatch):
        original = FlaskForm.__init__
        seen = self.seen

        def recording_init(form, *args, **kwargs):
            original(form, *args, **kwargs)
            if has_request_context() and request.method == "POST" and not args and "formdata" not in kwargs:
                seen.setdefault(request.endpoint, type(form).__name__)

        monkeypatch.setattr(FlaskForm, "__init__", recording_init)


def _planted_form(form_name: str, valid: dict, markers: Markers, endpoint: str) -> dict:
    """The valid request with a marker in each planted field; one entry of each repeatable section."""
    cls = FORMS[form_name]
    data = dict(valid)
    own = {}
    planted = [field for field in _text_fields(cls) if f"{form_name}.{field}" in PLANTED]
    for field in planted:
        if SAME_AS.get(field) not in planted:
            own[field] = markers.new(f"{endpoint} {form_name}.{field}")
    for field in planted:
        if field not in own:
            own[field] = own[SAME_AS[field]]
    data.update(own)
    for name in dir(cls):
        unbound = getattr(cls, name)
        if not isinstance(unbound, wtforms.fields.core.UnboundField) or unbound.field_class is not FieldList:
            continue
        entry = unbound.args[0]
        sub_cls = entry.args[0] if entry.field_class is FormField else None
        if sub_cls is None:
            continue
        sub_name = sub_cls.__name__
        for field in _text_fields(sub_cls):
            if f"{sub_name}.{field}" in PLANTED:
                data[f"{name}-0-{field}"] = markers.new(f"{endpoint} {sub_name}.{field}")
        for sub in sub_cls():  # the section's choices as a browser sends them: the default, else the first
            if isinstance(sub, StringField) or not hasattr(sub, "iter_choices"):
                continue
            first = next(iter(sub.iter_choices()))[0]
            data.setdefault(f"{name}-0-{sub.name}", str(sub.data if sub.data not in (None, "") else first))
    return data


def _refused(client, response) -> bool:
    shown = client.get(response.headers["Location"]) if 300 <= response.status_code < 400 else response
    text = shown.get_data(as_text=True)
    assert response.status_code < 500 and shown.status_code < 500
    return response.status_code >= 400 or "alert-danger" in text or "invalid-feedback" in text


def _send_forms(scene, markers: Markers, monkeypatch) -> dict[str, bool]:
    recorder = FormRecorder()
    recorder.install(monkeypatch)
    refused = {}
    for endpoint in sorted(ENDPOINT_FORMS, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER),
                                                             name)):
        principal = principal_for(endpoint, "POST")
        client = client_for(scene, principal)
        page = client.get(scene.url(TOKEN_PAGE[principal], principal)).get_data(as_text=True) \
            if principal in TOKEN_PAGE else ""
        data = _planted_form(ENDPOINT_FORMS[endpoint], FORM_DATA[endpoint](scene, page), markers, endpoint)
        response = client.post(scene.url(endpoint, principal, "POST"), data=data)
        refused[endpoint] = _refused(client, response)
        assert recorder.seen.get(endpoint) == ENDPOINT_FORMS[endpoint], f"{endpoint} reads another form"
        if endpoint == "intake.list_reports":  # the partner pages through the results of the search
            assert client.get("/intake?page=2").status_code == 200
    return refused


def _send_uploads(scene, markers: Markers) -> None:
    """Evidence named with a marker: kept (its name encrypted) and refused (its name in no flash message)."""
    partner = client_for(scene, "partner_a")
    kept = markers.new("intake evidence file name") + ".pdf"
    refused = markers.new("refused intake evidence file name") + ".pdf"
    for name, body, status in ((kept, b"%PDF-1.7\n%%EOF\n", 302), (refused, b"MZ\x90\x00 a program", 400)):
        response = partner.post(
            scene.url("intake.edit_report", "partner_a", "POST"), content_type="multipart/form-data",
            data={**FORM_DATA["intake.edit_report"](scene, ""), "evidence": [(io.BytesIO(body), name)]})
        assert response.status_code == status  # a refusal is shown in place, on the page that refused it
        if status == 400:
            assert name in response.get_data(as_text=True)
    thread_refused = markers.new("refused thread attachment name") + ".pdf"
    response = partner.post(scene.url("messages.post_message", "partner_a", "POST"),
                            content_type="multipart/form-data",
                            data={"body": "See attached.", "files": [(io.BytesIO(b"MZ\x90\x00"), thread_refused)]})
    assert response.status_code == 400  # shown in place, like the report form's: nothing of it went to the session
    assert thread_refused in response.get_data(as_text=True)


def _api_body(markers: Markers) -> dict:
    from tests.web.test_api import full_report

    body = full_report(submit=False)

    def plant(value, path: str):
        if isinstance(value, dict):
            return {key: plant(item, f"{path}.{key}" if path else key) for key, item in value.items()}
        if isinstance(value, list):
            return [plant(item, f"{path}[]") for item in value]
        if path in API_ENCRYPTED:
            return markers.new(f"API {path}")
        return value

    body["one_year_exception"] = "placeholder"
    return plant(body, "")


def _send_api(scene, markers: Markers) -> None:
    secret = tokens.create(db.session, scene.user("partner_a"), "Canary").secret
    db.session.commit()
    client = scene.app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/reports", json=_api_body(markers), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    report_id = response.get_json()["id"]
    for name, body, status in ((markers.new("API document name") + ".pdf", b"%PDF-1.7\n%%EOF\n", 201),
                               (markers.new("API refused document name") + ".pdf", b"MZ\x90\x00", 422)):
        answer = client.post(f"/api/v1/reports/{report_id}/documents", headers=headers,
                             content_type="multipart/form-data", data={"file": [(io.BytesIO(body), name)]})
        assert answer.status_code == status, answer.get_data(as_text=True)[:300]


# --- scanning ----------------------------------------------------------------------------------------


def table_dump() -> bytes:
    """Every row of every table, the session table included, as text (bytea as hex): the scan on
    PostgreSQL, whose files and WAL the test cannot read."""
    db.session.rollback()
    parts = []
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                parts.append(repr(tuple(value.hex() if isinstance(value, bytes) else value for value in row)))
                parts.append(repr(tuple(row)))
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def log_dump(records) -> bytes:
    return "\n".join(f"{record.getMessage()} {vars(record)!r}" for record in records).encode("utf-8", "replace")


def outbox_dump(app) -> bytes:
    return b"".join(bytes_under(Path(app.config[name])) for name in OUTBOX_SETTINGS if app.config.get(name))


def test_no_marker_is_readable_at_rest(app, people, monkeypatch, caplog, tmp_path):  # CRY-01, DATA-01, DATA-06
    caplog.set_level(logging.DEBUG)
    app.config["MAIL_OUTBOX_FOLDER"] = str(tmp_path / "mail-sent")
    scene = make_scene(app, people)
    markers = Markers()
    refused = _send_forms(scene, markers, monkeypatch)
    _send_uploads(scene, markers)
    _send_api(scene, markers)

    # The markers went in: every route carrying case content accepted its request.
    content = [endpoint for endpoint, form in ENDPOINT_FORMS.items()
               if any(f"{form}.{field}" in ENCRYPTED for field in _text_fields(FORMS[form]))]
    assert [endpoint for endpoint in content if refused[endpoint]] == []

    # Every message the walk caused is sent (requests for information, answers, decisions, new reports).
    sending = app.test_cli_runner().invoke(args=["notify", "send"])
    assert sending.exit_code == 0, sending.output
    assert len(list(Path(app.config["MAIL_OUTBOX_FOLDER"]).glob("*.eml"))) >= 3

    places = {
        "database tables (incl. user_sessions)": table_dump(),
        "instance folder (database file, -wal, -shm, file store, logs)": bytes_under(Path(app.instance_path)),
        "log records": log_dump(caplog.records),
        "outbox": outbox_dump(app),
    }
    if db.engine.dialect.name == "sqlite":
        assert Path(app.instance_path, "test.sqlite3-wal").exists()
    leaks = {place: [markers.planted[marker] for marker in found_in(raw, markers.planted)]
             for place, raw in places.items()}
    assert {place: found for place, found in leaks.items() if found} == {}
    # The walk reached every planted field of every form and of the API.
    sent = {where.rpartition(" ")[2] for where in markers.planted.values()}
    expected = {key for key in PLANTED if key.rpartition(".")[2] not in SAME_AS}  # a confirmation repeats its field
    assert sorted(expected - sent) == [] and sorted(API_ENCRYPTED - sent) == []


def test_the_scan_finds_a_marker_stored_in_clear(app, people):  # CRY-01
    """The scan is not blind: a marker written in clear is found in the tables and on disk."""
    markers = Markers()
    marker = markers.new("organisation name")
    client = client_for(make_scene(app, people), "admin")
    client.post("/admin/organisations/new", data={"name": marker})
    assert found_in(table_dump(), markers.planted) == [marker]
    if db.engine.dialect.name == "sqlite":
        assert found_in(bytes_under(Path(app.instance_path)), markers.planted) == [marker]
