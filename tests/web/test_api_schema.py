"""The OpenAPI document of the JSON API matches the behaviour (issue 4, item 5; SECURITY.md "Test
methods" item 7).

* The document is a valid OpenAPI 3.0 document (openapi-spec-validator).
* It describes exactly the API blueprint's routes: every /api/v1 rule and method of ``app.url_map``
  is in it, and every path and method in it is served.
* Schemathesis (IN-02) generates requests from it — valid ones and, in negative mode, invalid ones —
  and runs them in-process against the WSGI app with a partner's token: no response is a 5xx, and
  every response conforms to the document (status code, content type, body schema). The number of
  examples is small and fixed, so this takes seconds; SCHEMATHESIS_EXAMPLES raises it for a longer run.
"""

import io
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caseapp.api import URL_PREFIX
from caseapp.api.openapi import document
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.services import tokens
from caseapp.web.errors import JSON_ERROR_CODES
from tests.factories import make_user

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_document_is_valid_openapi_3():
    spec = document()
    assert spec["openapi"].startswith("3.0.")
    validate(spec)  # raises with the offending path when the document is not valid


def test_the_document_is_served_publicly(client):
    response = client.get(f"{URL_PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == document()


def _served(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every API rule: "/api/v1/reports/<id>" → "/reports/{id}"."""
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "api":
            continue
        assert rule.rule.startswith(URL_PREFIX + "/"), rule.rule
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(URL_PREFIX))
        served |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return served


def _described(spec) -> set[tuple[str, str]]:
    return {(path, method) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS}


def test_every_api_route_is_described_and_every_description_is_served(app):
    spec = document()
    assert spec["servers"] == [{"url": URL_PREFIX}]
    served, described = _served(app), _described(spec)
    assert served - described == set(), "routes missing from caseapp/api/openapi.py"
    assert described - served == set(), "the document describes routes that do not exist"


def test_path_parameters_are_declared_as_the_routes_name_them(app):
    spec = document()
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method in set(item) & HTTP_METHODS:
            declared |= {p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"}
        assert declared == names, path


def test_every_error_response_uses_the_error_schema():
    spec = document()
    codes = spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert set(codes) == set(JSON_ERROR_CODES.values())
    for path, item in spec["paths"].items():
        for method in set(item) & HTTP_METHODS:
            operation = item[method]
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response == {"$ref": f"#/components/responses/Error{status}"}, (path, method, status)
            protected = operation.get("security", spec["security"]) != []
            assert ("401" in operation["responses"]) == protected, (path, method)
            assert "429" in operation["responses"], (path, method)


# --- Schemathesis (IN-02) --------------------------------------------------------------------------


@pytest.fixture
def fuzz_setup(app, client, org_a):
    """A partner's token and a submitted report of theirs with one document, made through the API."""
    partner = make_user(app, roles.PARTNER, org_a).user
    secret = tokens.create(db.session, partner, "Schemathesis").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post(f"{URL_PREFIX}/reports", headers=headers, json={
        "title": "Fuzzed report", "narrative": "What happened.", "victims": [{"name": "Ana"}],
    }).get_json()
    uploaded = client.post(f"{URL_PREFIX}/reports/{created['id']}/documents", headers=headers,
                           data={"file": (io.BytesIO(b"%PDF-1.7 evidence"), "evidence.pdf")},
                           content_type="multipart/form-data").get_json()
    return headers, {"id": created["id"], "doc_id": uploaded["documents"][0]["id"]}


def _isolated(app):
    """The app as a WSGI callable giving each request an app context of its own, as a server does (the
    test's own context would otherwise be shared with the requests; see conftest.HTTPSClient)."""
    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)
    return wsgi


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
def test_schemathesis_finds_no_server_error_and_no_schema_drift(app, fuzz_setup, mode):
    headers, ids = fuzz_setup
    schema = schemathesis.openapi.from_wsgi(f"{URL_PREFIX}/openapi.json", _isolated(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the operation serving the document it was loaded from.
    assert {(op.path, op.method.lower()) for op in operations} == _described(document()) - {("/openapi.json", "get")}
    failures = []
    for operation in operations:
        # Operations on a report run twice: on the partner's real report and document (so the 200s and
        # their bodies are checked), and on generated ids (which must all be 404s).
        real_ids = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
        for path_parameters in ([real_ids, None] if real_ids else [None]):
            strategy = operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=path_parameters)

            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case):
                response = case.call()
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Negative mode needs an input the document constrains; a GET whose only inputs are ids
                # (any string, or the real ones given) has none to break. Positive mode covers it.
                if mode is not GenerationMode.NEGATIVE:
                    raise
            except Exception as exc:  # collect every operation's failure, then report them together
                where = "real ids" if path_parameters else "generated ids"
                failures.append(f"{operation.method.upper()} {operation.path} ({where}): {exc}")
    assert failures == []
