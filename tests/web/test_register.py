"""The OP-ICESCR States register in the database (domain/OP-ICESCR.md §5): seeded from caseapp/data,
dated by its latest check, corrected by admins with a source, every change kept; the intake form's
warnings read it. Non-admins are refused every register page by the access matrix (AC-02, AC-06)."""

import re
from datetime import date, timedelta
from uuid import UUID

import pytest
from sqlalchemy import delete, func, select

from caseapp import ConfigurationError
from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.domain.register import REGISTER_AS_OF, REGISTER_SOURCE, SNAPSHOT_2024, StatesRegister, format_date
from caseapp.models import CovenantStatus, StateParty, StatePartyChange
from caseapp.models.base import utcnow
from caseapp.services import register
from caseapp.web.startup import self_test
from tests.factories import counting, login, make_user

FINLAND = {
    "name": "Finland", "listing": "party", "signature": "2009-09-24", "instrument_type": "ratification",
    "instrument_date": "2014-01-31", "instrument_year": "", "entry_into_force": "2014-04-30",
    "eif_basis": "art18(2) deposit+3 months; exact day UNVERIFIED (Committee says April 2014)",
    "art10_declaration": "unknown", "art11_declaration": "unknown", "verified": "partly",
    "source_note": "UNTC; E/C.12/76/D/251/2022 para 1.1 says April 2014; "
                   "a declaration is recorded, articles UNVERIFIED",
}
NEW_ZEALAND = {
    "iso2": "NZ", "name": "", "listing": "party", "signature": "2010-01-05", "instrument_type": "ratification",
    "instrument_date": "2025-03-03", "instrument_year": "", "entry_into_force": "2025-06-03",
    "eif_basis": "art18(2) deposit+3 months", "art10_declaration": "", "art11_declaration": "", "verified": "yes",
    "source_note": "", "source": "UNTC MTDSG IV-3-a, consulted 2026-11-20",
}
SOURCE = "UNTC MTDSG IV-3-a, consulted 2026-11-20"


@pytest.fixture
def admin(app, client):
    user = make_user(app, roles.ADMIN).user
    login(app, client, user)
    return user


@pytest.fixture
def partner(app, org_a):
    """A partner signed in on a client of their own."""
    client = app.test_client()
    login(app, client, make_user(app, roles.PARTNER, org_a).user)
    return client


def counts() -> dict[str, int]:
    db.session.rollback()
    return {
        "parties": db.session.execute(select(func.count()).where(StateParty.listing == "party")).scalar_one(),
        "signatories": db.session.execute(select(func.count()).where(StateParty.listing == "signatory")).scalar_one(),
        "changes": db.session.execute(select(func.count()).select_from(StatePartyChange)).scalar_one(),
    }


def stored(iso2: str) -> dict:
    db.session.rollback()
    table = StateParty.__table__
    return dict(db.session.execute(select(table).where(table.c.iso2 == iso2)).mappings().one())


def changes_of(iso2: str) -> list[StatePartyChange]:
    """The State's changes in the Protocol's register (its Covenant status has a history of its own)."""
    db.session.rollback()
    return list(db.session.execute(
        select(StatePartyChange).where(StatePartyChange.iso2 == iso2, StatePartyChange.treaty == "protocol")
        .order_by(StatePartyChange.id)).scalars())


def text_of(response) -> str:
    """The page's text with tags removed and entities of quotes decoded, for sentences spanning tags. A span
    (the sources quoted in English, lang="en") is inline: it adds no space, as in the browser."""
    html = re.sub(r"</?span\b[^>]*>", "", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&#34;", '"')


def field_error(response, field: str) -> str:
    html = response.get_data(as_text=True)
    match = re.search(rf'<div id="{field}-error" class="invalid-feedback d-block">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


# --- seeding ----------------------------------------------------------------------------------------


# 50 States and a check as of 1 Feb 2024; 8 States and a check for the change to 3 Feb 2026; 193 Covenant
# statuses and their check.
SEEDED_CHANGES = 51 + 9 + 194


def test_seeding_loads_the_2024_register_then_the_2026_status_once(app):
    assert counts() == {"parties": 31, "signatories": 24, "changes": SEEDED_CHANGES}
    loaded = register.load_register(db.session)
    assert (loaded.as_of, loaded.source, loaded.reported_parties) == (REGISTER_AS_OF, REGISTER_SOURCE, 31)
    assert loaded.missing_parties == 0 and loaded.is_complete
    shipped = StatesRegister.shipped()
    assert loaded.parties == tuple(sorted(shipped.parties, key=lambda record: record.name))
    assert set(loaded.signatories) == set(shipped.signatories)
    assert set(loaded.covenant.records) == set(shipped.covenant.records)
    assert (loaded.covenant.as_of, loaded.covenant.source) == (shipped.covenant.as_of, shipped.covenant.source)

    again = register.seed_shipped(db.session)
    db.session.commit()
    assert (again.changed, again.kept, again.skipped) == (False, [], [])
    assert counts() == {"parties": 31, "signatories": 24, "changes": SEEDED_CHANGES}


def test_each_seeded_state_has_its_history_from_2024_with_each_rows_source(app):
    seeded, updated = changes_of("NE")
    assert (seeded.action, seeded.changed_by_id, seeded.before) == ("seeded", None, None)
    assert seeded.source == "world-politics-datalab ratification CSV (year only); check UNTC"
    assert seeded.after["instrument_year"] == 2014 and seeded.after["instrument_date"] is None
    assert (updated.action, updated.changed_by_id) == ("updated", None)
    assert updated.source == register.find_state(db.session, "NE").source_note
    assert updated.source.startswith("UNTC MTDSG IV-3-a, status at 3 Feb 2026")
    assert (updated.before["instrument_date"], updated.after["instrument_date"]) == (None, "2014-11-07")
    [spain] = changes_of("ES")  # unchanged since 2024: one row
    assert spain.action == "seeded"


def test_seeding_again_never_overwrites_an_admins_change_and_adds_only_what_is_missing(app):
    admin = make_user(app, roles.ADMIN).user
    register.correct_state(db.session, admin, "FI", {**_finland_dates(), "verified": "yes"}, SOURCE)
    db.session.execute(delete(StatePartyChange).where(StatePartyChange.iso2 == "AO"))
    db.session.execute(delete(StateParty).where(StateParty.iso2 == "AO"))
    db.session.commit()

    result = register.seed_shipped(db.session)
    db.session.commit()

    assert (result.parties, result.signatories, result.check_added, result.updates) == ([], ["AO"], False, [])
    assert stored("FI")["verified"] == "yes"
    assert [change.action for change in changes_of("FI")] == ["seeded", "corrected"]


def test_the_register_is_read_again_only_when_it_changes(app):
    """Issue 20: a process keeps the register it loaded until the register changes — a correction, a State
    removed from a list, the history cut — and the domain then sees the change at once."""
    first = register.load_register(db.session)
    with counting() as statements:
        again = register.load_register(db.session)
    assert again is first and len(statements) == 1  # the version, nothing else

    admin = make_user(app, roles.ADMIN).user
    assert first.party("FI").verified != "yes"
    register.correct_state(db.session, admin, "FI", {**_finland_dates(), "verified": "yes"}, SOURCE)
    db.session.commit()
    corrected = register.load_register(db.session)
    assert corrected is not first and corrected.party("FI").verified == "yes"

    assert corrected.signatory("AO") is not None
    db.session.execute(delete(StateParty).where(StateParty.iso2 == "AO"))  # no history row: the list's size
    db.session.commit()
    assert register.load_register(db.session).signatory("AO") is None

    db.session.execute(delete(StatePartyChange).where(StatePartyChange.treaty == "covenant"))
    db.session.commit()
    assert register.load_register(db.session).covenant is None


def _finland_dates() -> dict:
    """Finland's form values as the domain takes them (dates, not text)."""
    values = dict(FINLAND)
    for name in ("signature", "instrument_date", "entry_into_force"):
        values[name] = date.fromisoformat(values[name])
    values["instrument_year"] = None
    return values


def test_an_unseeded_register_is_an_error_naming_the_command_and_the_server_refuses_to_start(app):
    db.session.execute(delete(StatePartyChange))
    db.session.execute(delete(StateParty))
    db.session.commit()
    with pytest.raises(register.RegisterNotSeededError, match="flask states seed"):
        register.load_register(db.session)
    with pytest.raises(ConfigurationError, match="the States register is empty; run `flask states seed`"):
        self_test(app)


def test_an_instance_seeded_before_the_covenant_statuses_refuses_to_start_until_seeded_again(app):
    db.session.execute(delete(StatePartyChange).where(StatePartyChange.treaty == "covenant"))
    db.session.execute(delete(CovenantStatus))
    db.session.commit()
    with pytest.raises(ConfigurationError,
                       match="the States register lacks the Covenant statuses; run `flask states seed`"):
        self_test(app)
    register.seed_shipped(db.session)
    db.session.commit()
    self_test(app)


# --- the register page ----------------------------------------------------------------------------


def test_admin_sees_the_register_dated_and_sourced_with_parties_then_signatories(client, admin):
    response = client.get("/admin/states")
    assert response.status_code == 200
    page = text_of(response)
    assert f"as of 3 Feb 2026 (source: {REGISTER_SOURCE})" in page
    assert "Complete The register lists every party as of that date: 31 parties." in page
    assert "24 signatories that have not ratified" in page
    assert page.index("Albania") < page.index("Venezuela") < page.index("Angola")  # parties, then signatories
    assert re.search(r"Finland FI 31 Jan 2014 · Ratification 30 Apr 2014 unconfirmed Partly", page)
    assert re.search(r"Niger NE 7 Nov 2014 · Accession 7 Feb 2015 Yes", page)
    assert re.search(r"Spain ES 23 Sep 2010 · Ratification 5 May 2013 Yes", page)
    html = response.get_data(as_text=True)
    assert 'href="/admin/states/FI"' in html
    assert 'href="/admin/states/new"' in html and 'href="/admin/states/check"' in html


@pytest.mark.parametrize(("query", "found", "not_found"), [
    ("fin", ["Finland"], ["Spain", "Angola"]),
    ("ES", ["Spain"], ["Finland"]),
    ("bolivia", ["Bolivia (Plurinational State of)"], ["Spain"]),
    ("ukr", ["Ukraine"], ["Finland"]),
])
def test_admin_finds_a_state_by_name_or_code(client, admin, query, found, not_found):
    page = text_of(client.get(f"/admin/states?q={query}"))
    for name in found:
        assert name in page
    for name in not_found:
        assert f"{name} " not in page


def test_admin_sees_a_states_record_and_its_seeded_history(client, admin):
    page = text_of(client.get("/admin/states/FI"))
    assert "Finland FI Party" in page
    assert "The entry-into-force date is unconfirmed" in page
    assert "Seeded from the shipped register" in page and "seeded" in page
    assert "Source: UNTC; E/C.12/76/D/251/2022 para 1.1 says April 2014" in page
    assert "Entry into force: 30 Apr 2014" in page


@pytest.mark.parametrize("path", ["/admin/states/XX", "/admin/states/US", "/admin/states/fi", "/admin/states/FIN",
                                  "/admin/states/F1", "/admin/states/US/edit", "/admin/states/fi/edit"])
def test_admin_gets_404_for_an_unknown_or_malformed_state_code(client, admin, path):  # AC-04
    assert client.get(path).status_code == 404
    before = counts()
    assert client.post(path if path.endswith("/edit") else path + "/edit",
                       data={**FINLAND, "source": SOURCE}).status_code == 404
    assert counts() == before


# --- adding a State -------------------------------------------------------------------------------


def test_admin_adds_a_state_the_register_does_not_list_with_its_source(client, admin):
    response = client.post("/admin/states/new", data=NEW_ZEALAND)

    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/states/NZ")
    row = stored("NZ")
    assert (row["name"], row["listing"], row["entry_into_force"], row["updated_by_id"]) == (
        "New Zealand", "party", date(2025, 6, 3), admin.id)
    assert row["source_note"] == SOURCE  # an empty note takes the change's source
    [added] = changes_of("NZ")
    assert (added.action, added.changed_by_id, added.source, added.before) == ("added", admin.id, SOURCE, None)
    assert added.after["entry_into_force"] == "2025-06-03"

    page = text_of(client.get("/admin/states/NZ"))
    assert "New Zealand NZ Party" in page
    assert "Added · " in page and admin.email in page and f"Source: {SOURCE}" in page
    listing = text_of(client.get("/admin/states"))
    assert "The register lists every party as of that date: 32 parties." in listing
    assert listing.index("New Zealand") < listing.index("Angola")  # among the parties


def test_adding_a_state_already_in_the_register_points_to_its_correction(client, admin):
    before = counts()
    response = client.post("/admin/states/new", data={**NEW_ZEALAND, "iso2": "FI"})

    assert response.status_code == 400
    assert "Finland is already in the register: correct it instead." in field_error(response, "iso2")
    assert 'href="/admin/states/FI/edit"' in response.get_data(as_text=True)
    assert counts() == before


def test_adding_a_state_that_breaks_the_rules_writes_nothing(client, admin):
    before = counts()
    response = client.post("/admin/states/new", data={**NEW_ZEALAND, "instrument_date": "", "source": ""})

    assert response.status_code == 400
    assert "This field is required." in field_error(response, "source")
    assert counts() == before
    response = client.post("/admin/states/new", data={**NEW_ZEALAND, "listing": "signatory"})
    assert response.status_code == 400
    assert "A signatory has no instrument" in field_error(response, "instrument_date")
    assert counts() == before


# --- correcting a State ---------------------------------------------------------------------------


def test_correcting_finlands_entry_into_force_keeps_the_values_before_and_after(client, admin):
    data = {**FINLAND, "entry_into_force": "2014-05-01", "eif_basis": "art18(2) deposit+3 months",
            "verified": "yes", "source": SOURCE}
    response = client.post("/admin/states/FI/edit", data=data)

    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/states/FI")
    row = stored("FI")
    assert (row["entry_into_force"], row["verified"], row["updated_by_id"]) == (date(2014, 5, 1), "yes", admin.id)
    seeded, corrected = changes_of("FI")
    assert (corrected.action, corrected.changed_by_id, corrected.source) == ("corrected", admin.id, SOURCE)
    assert corrected.before == {"entry_into_force": "2014-04-30", "eif_basis": FINLAND["eif_basis"],
                                "verified": "partly"}
    assert corrected.after == {"entry_into_force": "2014-05-01", "eif_basis": "art18(2) deposit+3 months",
                               "verified": "yes"}
    assert seeded.after["entry_into_force"] == "2014-04-30"  # the history itself is never rewritten

    page = text_of(client.get("/admin/states/FI"))
    assert "Corrected" in page and admin.email in page and f"Source: {SOURCE}" in page
    assert "Entry into force: 30 Apr 2014 → 1 May 2014" in page
    assert "Verified: Partly → Yes" in page
    assert "The entry-into-force date is unconfirmed" not in page  # a verified source settles art. 18(2)'s two days
    # One State's correction does not make the whole register newer.
    assert f"as of 3 Feb 2026 (source: {REGISTER_SOURCE})" in text_of(client.get("/admin/states"))


def test_the_edit_form_shows_the_current_entry(app, client, admin):
    # Niger as the 2024 register had it, its instrument known by the year only.
    niger_2024 = StatesRegister.snapshot(SNAPSHOT_2024).party("NE")
    values = {**register._stored_values(register.find_state(db.session, "NE")), "instrument_date": None,
              "instrument_year": 2014, "instrument_type": "ratification", "entry_into_force": None,
              "eif_basis": niger_2024.eif_basis, "verified": "no"}
    register.correct_state(db.session, admin, "NE", values, "the 2024 register, for this test")
    db.session.commit()
    html = client.get("/admin/states/NE/edit").get_data(as_text=True)
    assert re.search(r'name="instrument_year"[^>]*value="2014"', html)  # Niger: the year only
    html = client.get("/admin/states/FI/edit").get_data(as_text=True)
    assert re.search(r'name="entry_into_force"[^>]*value="2014-04-30"', html)
    assert not re.search(r'name="instrument_year"[^>]*value="2014"', html)  # the year is for unknown days only


def test_a_correction_without_a_source_is_refused_next_to_the_field_and_nothing_is_written(client, admin):
    before, finland = counts(), stored("FI")
    response = client.post("/admin/states/FI/edit", data={**FINLAND, "entry_into_force": "2014-05-01"})

    assert response.status_code == 400
    assert "This field is required." in field_error(response, "source")
    assert "Please correct the fields marked below." in response.get_data(as_text=True)
    assert (counts(), stored("FI")) == (before, finland)


def test_a_correction_that_breaks_the_rules_is_refused_next_to_the_field(client, admin):
    before, finland = counts(), stored("FI")
    response = client.post("/admin/states/FI/edit",
                           data={**FINLAND, "entry_into_force": "2014-01-30", "source": SOURCE})

    assert response.status_code == 400
    assert "before the instrument was deposited" in field_error(response, "entry_into_force")
    assert (counts(), stored("FI")) == (before, finland)


def test_a_correction_that_changes_nothing_is_refused(client, admin):
    before = counts()
    response = client.post("/admin/states/FI/edit", data={**FINLAND, "source": SOURCE})

    assert response.status_code == 400
    assert "Nothing to correct: every field is as the register already has it." in response.get_data(as_text=True)
    assert counts() == before


def test_a_correction_cannot_move_a_state_to_another_code(client, admin):  # AC-05
    response = client.post("/admin/states/FI/edit",
                           data={**FINLAND, "iso2": "NZ", "id": "1", "verified": "yes", "source": SOURCE})
    assert response.status_code == 302
    assert stored("FI")["verified"] == "yes"
    assert db.session.execute(select(StateParty).where(StateParty.iso2 == "NZ")).first() is None


# --- the register's checks ------------------------------------------------------------------------


def test_the_check_page_shows_the_checks_so_far(client, admin):
    page = text_of(client.get("/admin/states/check"))
    assert f"Now: as of 3 Feb 2026 (source: {REGISTER_SOURCE}); 31 parties listed." in page
    assert "Register checked" in page and "seeded" in page and "Parties reported: 29 → 31" in page
    assert "Complete: no → yes" in page and "As of: 1 Feb 2024 → 3 Feb 2026" in page


def test_a_check_of_the_register_needs_a_past_date_and_a_source(client, admin):
    before = counts()
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    response = client.post("/admin/states/check", data={"as_of": tomorrow, "reported_parties": "29", "source": SOURCE})
    assert response.status_code == 400
    assert "This date is in the future." in field_error(response, "as_of")
    response = client.post("/admin/states/check", data={"as_of": "2026-01-01", "reported_parties": "20", "source": ""})
    assert response.status_code == 400
    assert "This field is required." in field_error(response, "source")
    response = client.post("/admin/states/check", data={"as_of": "2026-01-01", "reported_parties": "20",
                                                        "source": SOURCE})
    assert "The register lists 31 parties, more than this" in field_error(response, "reported_parties")
    response = client.post("/admin/states/check", data={"as_of": "2026-01-01", "reported_parties": "33",
                                                        "complete": "y", "source": SOURCE})
    assert "The register lists 31 parties and the source reports 33" in response.get_data(as_text=True)
    assert counts() == before


# --- the app uses the database register -----------------------------------------------------------


def draft_warnings(partner, state: str, facts_start: str, facts_end: str = "") -> str:
    """Save a draft about ``state`` and return the text of its form page (the Protocol warnings)."""
    response = partner.post("/intake/new", data={"action": "next", "title": "Eviction"})
    case_uuid = UUID(re.search(r"/intake/([0-9a-f-]{36})/edit", response.headers["Location"]).group(1))
    data = {
        "action": "save", "title": "Eviction", "state": state, "facts_start": facts_start, "facts_end": facts_end,
        "continuing": "no", "only_mass_media_reports": "unknown", "author_is_victim": "unknown",
        "acting_on_behalf": "unknown", "remedies_exception_reason": "", "urgent_risk": "unknown",
        "victims_under_jurisdiction": "unknown", "clear_disadvantage": "unknown", "general_importance": "unknown",
    }
    assert partner.post(f"/intake/{case_uuid}/edit", data=data).status_code == 302
    return text_of(partner.get(f"/intake/{case_uuid}/edit"))


def test_the_intake_warning_follows_a_state_an_admin_added(client, admin, partner):
    before = draft_warnings(partner, "NZ", "2024-05-01")
    assert "New Zealand was not a party to the Optional Protocol as of 3 February 2026" in before

    assert client.post("/admin/states/new", data=NEW_ZEALAND).status_code == 302

    after = draft_warnings(partner, "NZ", "2024-05-01")
    assert "not a party" not in after
    assert ("The facts began before the Protocol entered into force for New Zealand on 3 June 2025; the Committee "
            "can examine them only if they continued after that date (art. 3(2)(b)).") in after


def test_the_intake_warning_follows_a_corrected_entry_into_force(client, admin, partner):
    before = draft_warnings(partner, "FI", "2014-04-20")
    assert "Protocol entered into force for Finland on 30 April 2014" in before
    assert "entered into force for it on 30 April 2014 or on 1 May 2014" in before

    data = {**FINLAND, "entry_into_force": "2014-05-01", "eif_basis": "art18(2) deposit+3 months",
            "verified": "yes", "source": SOURCE}
    assert client.post("/admin/states/FI/edit", data=data).status_code == 302

    after = draft_warnings(partner, "FI", "2014-04-20")
    assert "Protocol entered into force for Finland on 1 May 2014" in after
    assert "30 April 2014 or on 1 May 2014" not in after


def test_a_check_of_the_register_moves_the_as_of_date_of_the_warnings_for_unlisted_states(client, admin, partner):
    assert (f"was not a party to the Optional Protocol as of 3 February 2026: our register lists every party as of "
            f"that date (source: {REGISTER_SOURCE})") in draft_warnings(partner, "GB", "2024-05-01")
    checked_on = utcnow().date() - timedelta(days=7)

    response = client.post("/admin/states/check",
                           data={"as_of": checked_on.isoformat(), "reported_parties": "33", "source": SOURCE})

    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/states")
    warning = draft_warnings(partner, "GB", "2024-05-01")
    assert f"register as of {format_date(checked_on)} (source: {SOURCE})" in warning
    assert "identifies 31 of the 33 parties its source reported" in warning  # no longer complete: unknown
    [check] = [c for c in register.check_history(db.session) if c.changed_by_id == admin.id]
    assert check.after == {"as_of": checked_on.isoformat(), "reported_parties": 33, "complete": False}
    assert check.before == {"as_of": "2026-02-03", "reported_parties": 31, "complete": True, "shipped": True,
                            "source": REGISTER_SOURCE}
    page = text_of(client.get("/admin/states"))
    assert f"(source: {SOURCE})" in page and "31 of the 33 parties" in page


def test_a_check_that_says_the_register_is_complete_makes_absence_mean_not_a_party(client, admin, partner):
    checked_on = utcnow().date() - timedelta(days=7)
    response = client.post("/admin/states/check", data={"as_of": checked_on.isoformat(), "reported_parties": "31",
                                                        "complete": "y", "source": SOURCE})
    assert response.status_code == 302
    assert (f"was not a party to the Optional Protocol as of {format_date(checked_on)}: our register lists every "
            f"party as of that date (source: {SOURCE})") in draft_warnings(partner, "GB", "2024-05-01")


# --- the register page: its date, completeness, counts and history (issue 14, point 6) ----------------------


def test_the_register_page_shows_the_counts_of_both_lists(client, admin):
    page = text_of(client.get("/admin/states"))
    assert "Complete The register lists every party as of that date: 31 parties. 24 signatories that have not" in page
    assert ("Covenant, as of 3 Feb 2026 (source: UN Treaty Collection, MTDSG IV-3 (status as at 3 February 2026)): "
            "172 parties, 5 signatories only, 16 neither.") in page
    assert 'href="/admin/states/covenant"' in client.get("/admin/states").get_data(as_text=True)


def test_the_register_page_shows_the_change_from_2024_to_2026_in_its_history(client, admin):
    page = text_of(client.get("/admin/states"))
    history = page[page.index("History of the register"):]
    assert ("Whole list · Register checked" in history and "As of: 1 Feb 2024 → 3 Feb 2026" in history
            and "Parties reported: 29 → 31" in history and "Complete: no → yes" in history)
    assert re.search(r"Niger NE · Updated from a later shipped register · .*? · seeded Source: UNTC MTDSG IV-3-a, "
                     r"status at 3 Feb 2026 .*? Instrument deposited on: — → 7 Nov 2014", history)
    assert re.search(r"Albania AL · Updated from a later shipped register .*? Entry into force: 19 May 2025", history)
    # newest first: the 2026 check, then its States, then the 2024 register
    assert history.index("As of: 1 Feb 2024 → 3 Feb 2026") < history.index("Niger NE") < history.index("Spain ES")
    assert "60 in all" in page  # 50 States and a check in 2024, 8 States and a check in 2026


def test_the_history_is_paginated(client, admin):
    first, second = text_of(client.get("/admin/states")), text_of(client.get("/admin/states?page=2"))
    assert "Argentina AR · Seeded from the shipped register" not in first  # the first row seeded, the oldest
    assert "Argentina AR · Seeded from the shipped register" in second
    assert "Register checked" not in second  # both checks are newer than the ten oldest States
    html = client.get("/admin/states?page=2").get_data(as_text=True)
    assert 'aria-label="Pages of the history"' in html and 'href="/admin/states?page=1"' in html


def test_the_covenant_page_lists_every_un_member_with_its_dates_and_history(client, admin):
    response = client.get("/admin/states/covenant")
    assert response.status_code == 200
    page = text_of(response)
    assert ("Every UN member State's status under the International Covenant on Economic, Social and Cultural "
            "Rights as of 3 Feb 2026") in page
    assert "Complete 172 parties, 5 signatories only, 16 neither." in page
    assert "United States of America US Signatory only 5 Oct 1977 —" in page
    assert "Serbia RS Party — 12 Mar 2001 · Succession Yes" in page
    assert "Malaysia MY Neither signed nor a party — —" in page
    assert "History of the Covenant statuses" in page and "194 in all" in page


def test_a_states_page_shows_its_status_under_the_covenant(client, admin):
    page = text_of(client.get("/admin/states/AL"))
    assert ("Under the Covenant: Party (signature —, instrument 4 Oct 1991; source: UNTC MTDSG IV-3 (status at "
            "3 Feb 2026); datalab 2022 agrees).") in page
