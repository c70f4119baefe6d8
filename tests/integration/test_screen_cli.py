"""`flask screen FILE.json` (or `-`): the engine's contract on the command line (DESIGN.md §5)."""

import json
from pathlib import Path

import pytest

from caseapp.core.extensions import babel
from caseapp.domain.admissibility import CRITERIA
from tests.factories import build_app
from tests.unit.test_admissibility import ADMISSIBLE, DESIGN_EXAMPLE

IDS = [criterion_id for criterion_id, _ in CRITERIA]


def screen(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["screen", *args], input=input)


def write(tmp_path: Path, data, name="facts.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_screen_prints_the_assessment_as_json(app, tmp_path):
    result = screen(app, write(tmp_path, DESIGN_EXAMPLE), "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["overall", "criteria", "excluded_claims", "deadlines", "warnings"]
    assert [c["id"] for c in out["criteria"]] == IDS
    assert all(list(c) == ["id", "article", "status", "reason", "missing"] for c in out["criteria"])
    one_year = out["criteria"][IDS.index("art3_2_a")]
    assert one_year == {
        "id": "art3_2_a", "article": "Article 3(2)(a)", "status": "met",
        "reason": "Submitted on 2014-01-28, within one year of notification of the final decision (2013-10-21); "
                  "last day 2014-10-21.",
        "missing": [],
    }
    assert out["excluded_claims"] == ["ICCPR art. 26"]
    assert out["deadlines"] == {"one_year_last_day": "2014-10-21", "days_left": 266, "basis": "notification"}
    assert out["overall"] == "incomplete"
    assert result.output.startswith('{\n  "overall"')  # indent 2


def test_screen_reads_standard_input(app):
    result = screen(app, "-", "--today", "2026-11-25", input=json.dumps(ADMISSIBLE))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["overall"] == "admissible"
    assert {c["status"] for c in out["criteria"]} == {"met"}


def test_screen_today_sets_days_left_when_not_submitted(app, tmp_path):
    data = dict(ADMISSIBLE, submission_date=None)
    path = write(tmp_path, data)
    early = json.loads(screen(app, path, "--today", "2014-10-14").output)
    assert early["deadlines"] == {"one_year_last_day": "2014-10-21", "days_left": 7, "basis": "notification"}
    assert early["warnings"][0].startswith(
        "Last day to submit to the Committee: 21 Oct 2014 (in 7 days): 7-day warning")
    late = json.loads(screen(app, path, "--today", "2014-10-24").output)
    assert late["deadlines"]["days_left"] == -3 and late["overall"] == "inadmissible"


@pytest.mark.parametrize(("data", "field"), [
    ({"submission_date": "28-01-2014"}, "submission_date"),
    ({"remedies": [{"notified": "2013-02-30"}]}, "remedies.0.notified"),
    ({"remedies": [{"kind": "supreme"}]}, "remedies.0.kind"),
    ({"other_procedures": [{"status": "decided"}]}, "other_procedures.0.status"),
    ({"consent": "maybe"}, "consent"),
    ({"in_writing": "yes"}, "in_writing"),
    ({"rights_invoked": "11(1)"}, "rights_invoked"),
    ({"unknown_field": 1}, "unknown_field"),
])
def test_screen_malformed_facts_print_a_json_error_and_exit_2(app, tmp_path, data, field):
    result = screen(app, write(tmp_path, data))
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["field"] == field and error["message"]
    assert list(json.loads(result.output)) == ["error"]


def test_screen_malformed_facts_on_stdin_and_with_explain(app):
    result = screen(app, "-", "--explain", input='{"remedies": [{"notified": "yesterday"}]}')
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["field"] == "remedies.0.notified"


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]"])
def test_screen_refuses_what_is_not_a_json_object(app, tmp_path, text):
    result = screen(app, write(tmp_path, text))
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["field"] is None and error["message"]


def test_screen_missing_file(app, tmp_path):
    result = screen(app, str(tmp_path / "absent.json"))
    assert result.exit_code == 2
    assert "Cannot read" in json.loads(result.output)["error"]["message"]


def test_screen_bad_today_option(app, tmp_path):
    result = screen(app, write(tmp_path, {}), "--today", "25/11/2026")
    assert result.exit_code == 2 and "--today" in result.output


def test_screen_explain_prints_readable_text(app, tmp_path):
    result = screen(app, write(tmp_path, DESIGN_EXAMPLE), "--explain", "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Overall: incomplete"
    for criterion_id, article in CRITERIA:
        assert any(line.startswith("[") and f"{article} ({criterion_id}):" in line for line in lines), criterion_id
    assert ("[met] Article 3(2)(a) (art3_2_a): Submitted on 2014-01-28, within one year of notification of the "
            "final decision (2013-10-21); last day 2014-10-21.") in lines
    assert "[unknown] Article 3(2)(e) (art3_2_e):" in result.output
    assert ("    Missing: substantiated — Is each claim sufficiently substantiated by evidence? (your determination)"
            in lines)
    assert "Excluded claims (art. 3(2)(d)): ICCPR art. 26" in lines
    assert ("Last day to submit to the Committee: 21 Oct 2014; submitted on 28 Jan 2014, 266 days before the "
            "last day.") in lines
    assert "Warnings:" in lines


def test_screen_explain_not_yet_submitted_shows_the_deadline_label(app, tmp_path):
    data = dict(ADMISSIBLE, submission_date=None)
    result = screen(app, write(tmp_path, data), "--explain", "--today", "2014-10-09")
    assert "Last day to submit to the Committee: 21 Oct 2014 (in 12 days)" in result.output.splitlines()
    assert "Overall: admissible (prima facie)" in result.output
    passed = screen(app, write(tmp_path, data), "--explain", "--today", "2014-10-24")
    assert "Last day to submit to the Committee: 21 Oct 2014 (passed 3 days ago)" in passed.output.splitlines()


def test_screen_needs_no_keys_and_never_touches_the_database(tmp_path):
    database = tmp_path / "never.sqlite3"
    app = build_app(tmp_path, None, require_keys=False, KEKS=None, INDEX_SECRET=None,
                    SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    assert app.extensions["caseapp.keyring"] is None
    result = screen(app, "-", "--today", "2026-11-25", input=json.dumps(DESIGN_EXAMPLE))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["deadlines"]["one_year_last_day"] == "2014-10-21"
    assert not database.exists()


# --- --lang (issue 18, point 3) ---------------------------------------------------------------------------

def catalogue(tmp_path: Path, language: str, translations: dict) -> str:
    """A compiled catalogue for ``language`` with only ``translations`` (msgid → msgstr), in a translations
    directory of its own: what the app's catalogues in caseapp/translations will hold."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    messages = Catalog(locale=language)
    for msgid, msgstr in translations.items():
        messages.add(msgid, msgstr)
    folder = tmp_path / "translations" / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as mo:
        write_mo(mo, messages)
    return str(tmp_path / "translations")


def forget_catalogues(app) -> None:
    """flask_babel keeps the catalogues it has loaded by locale for the whole process, not per app (the
    cache of the one Babel instance's domain): a test with catalogues of its own starts and ends without."""
    with app.app_context():
        babel.domain_instance.cache.clear()


@pytest.fixture
def lang_app(tmp_path):
    """An app whose catalogues are in ``directory`` (keyless, as ``flask screen`` runs)."""
    apps = []

    def build(directory: str):
        app = build_app(tmp_path, None, require_keys=False, KEKS=None, INDEX_SECRET=None,
                        BABEL_TRANSLATION_DIRECTORIES=directory)
        forget_catalogues(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        forget_catalogues(app)


def test_screen_lang_without_a_catalogue_speaks_english(tmp_path, lang_app):
    """The sentences stay English; what the locale itself names (the State, by Babel's name) follows it."""
    app = lang_app(str(tmp_path / "no-catalogues"))
    path = write(tmp_path, DESIGN_EXAMPLE)
    english = screen(app, path, "--today", "2026-11-25")
    for language, spain in (("es", "España"), ("fr", "Espagne")):
        other = screen(app, path, "--today", "2026-11-25", "--lang", language)
        assert other.exit_code == 0, other.output
        assert spain in other.output and other.output.replace(spain, "Spain") == english.output
    refused = screen(app, path, "--lang", "de")
    assert refused.exit_code == 2 and "--lang" in refused.output


def test_screen_lang_gives_the_reasons_in_that_language_with_the_same_json_shape(tmp_path, lang_app):
    submitted = "Submitted on %(submitted)s, within one year of %(counted)s; last day %(last)s."
    counted = "notification of the final decision (%(start)s)"
    directory = catalogue(tmp_path, "es", {
        submitted: "Presentada el %(submitted)s, dentro del año siguiente a la %(counted)s; último día: %(last)s.",
        counted: "notificación de la decisión definitiva (%(start)s)",
        "Overall: %(overall)s": "Resultado: %(overall)s",
        "incomplete": "incompleto",
        "Last day to submit to the Committee: %(last)s; submitted on %(submitted)s, %(relation)s.":
            "Último día para presentar: %(last)s; presentada el %(submitted)s, %(relation)s.",
        # Babel's Spanish has three plural forms (one, many — a million —, other)
        ("%(days)s day before the last day", "%(days)s days before the last day"):
            ("%(days)s día antes del último día", "%(days)s días antes del último día",
             "%(days)s días antes del último día"),
    })
    app = lang_app(directory)
    path = write(tmp_path, DESIGN_EXAMPLE)
    english = json.loads(screen(app, path, "--today", "2026-11-25").output)
    result = screen(app, path, "--today", "2026-11-25", "--lang", "es")
    assert result.exit_code == 0, result.output
    spanish = json.loads(result.output)
    one_year = spanish["criteria"][IDS.index("art3_2_a")]
    assert one_year["reason"] == ("Presentada el 2014-01-28, dentro del año siguiente a la notificación de la decisión "
                                  "definitiva (2013-10-21); último día: 2014-10-21.")
    # the same shape and values; only the sentences change (those the catalogue lacks stay English)
    assert list(spanish) == list(english)
    assert [{k: v for k, v in c.items() if k != "reason"} for c in spanish["criteria"]] == [
        {k: v for k, v in c.items() if k != "reason"} for c in english["criteria"]]
    assert spanish["criteria"][0]["reason"].replace("España", "Spain") == english["criteria"][0]["reason"]
    assert {k: v for k, v in spanish.items() if k not in ("criteria", "warnings")} == {
        k: v for k, v in english.items() if k not in ("criteria", "warnings")}

    explained = screen(app, path, "--explain", "--today", "2026-11-25", "--lang", "es").output.splitlines()
    assert explained[0] == "Resultado: incompleto"
    assert ("Último día para presentar: 21 oct 2014; presentada el 28 ene 2014, 266 días antes del último día."
            in explained)
