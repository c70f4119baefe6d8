"""`flask states seed | list | import` (issue 14, points 1 and 6): the shipped register of 1 February 2024,
the change to the UN Treaty Collection's status as at 3 February 2026 as entries of its history, the
Covenant statuses, and a newer list of parties imported with its source."""

import re
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from caseapp.core.extensions import db
from caseapp.domain import roles
from caseapp.domain.register import SNAPSHOT_2024
from caseapp.models import CovenantStatus, StateParty, StatePartyChange
from caseapp.services import register
from tests.factories import make_user

HEADER = ("iso2,name,signature,instrument_date,instrument_type,entry_into_force,eif_basis,art10_declaration,"
          "art11_declaration,verified,source_note")
SOURCE = "UNTC MTDSG IV-3-a, status as at 3 June 2026, consulted 4 June 2026"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def empty_register() -> None:
    """As after `flask db upgrade`: the conftest app comes seeded."""
    db.session.execute(delete(StatePartyChange))
    db.session.execute(delete(StateParty))
    db.session.execute(delete(CovenantStatus))
    db.session.commit()


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def changes_of(iso2: str) -> list[StatePartyChange]:
    db.session.rollback()
    return list(db.session.execute(select(StatePartyChange).where(StatePartyChange.iso2 == iso2,
                                                                  StatePartyChange.treaty == "protocol")
                                   .order_by(StatePartyChange.id)).scalars())


def seed_as_in_2024(monkeypatch) -> None:
    """An instance seeded before the 2026 status was shipped: the 2024 register and its unmarked check."""
    empty_register()
    monkeypatch.setattr(register, "SNAPSHOTS", (SNAPSHOT_2024,))
    register.seed_shipped(db.session)
    db.session.execute(delete(StatePartyChange).where(StatePartyChange.treaty == "covenant"))
    db.session.execute(delete(CovenantStatus))
    check = register.check_history(db.session)[0]
    check.after = {"as_of": "2024-02-01", "reported_parties": 29}  # as the earlier release wrote it
    db.session.commit()
    monkeypatch.undo()


# --- seed -----------------------------------------------------------------------------------------------


def test_states_seed_loads_2024_then_records_the_change_to_2026_then_the_covenant(app):
    empty_register()
    empty = run(app, "states", "list")
    assert empty.exit_code != 0 and "run `flask states seed`" in empty.output

    first = run(app, "states", "seed")
    assert first.exit_code == 0, first.output
    assert "Added 27 parties: AR, AM, BE," in first.output
    assert "Added 23 signatories: AO, AZ," in first.output
    assert "Recorded the register as of 2024-02-01 (source: UN Treaty Collection; 29 parties reported)." in first.output
    assert ("Updated the register to the shipped status as of 2026-02-03 (source: UN Treaty Collection, MTDSG IV-3-a "
            "(status as at 3 February 2026), complete with 31 parties): added 5 (AL, CI, MK, RS, SS); changed 3 "
            "(NE, PT, SM); removed 0.") in first.output
    assert "Added 193 Covenant statuses as of 2026-02-03" in first.output
    assert count(StateParty, StateParty.listing == "party") == 31
    assert count(StateParty, StateParty.listing == "signatory") == 24
    assert count(CovenantStatus) == 193
    # 50 States and a check in 2024; 8 States and a check in 2026; 193 Covenant statuses and their check.
    assert count(StatePartyChange) == 51 + 9 + 194

    niger = changes_of("NE")
    assert [change.action for change in niger] == ["seeded", "updated"]
    assert niger[1].before["instrument_date"] is None and niger[1].after["instrument_date"] == "2014-11-07"
    assert niger[1].source.startswith("UNTC MTDSG IV-3-a, status at 3 Feb 2026")  # the row's own source
    [serbia] = changes_of("RS")
    assert (serbia.action, serbia.before, serbia.after["instrument_date"]) == ("updated", None, "2023-09-22")
    check = register.latest_check(db.session)
    assert (check.as_of, check.reported_parties, check.complete) == (date(2026, 2, 3), 31, True)
    assert check.change.before == {"as_of": "2024-02-01", "reported_parties": 29, "complete": False, "shipped": True,
                                   "source": "UN Treaty Collection"}

    second = run(app, "states", "seed")
    assert second.exit_code == 0 and second.output.strip() == "The States register is already seeded; nothing added."
    assert count(StatePartyChange) == 51 + 9 + 194


def test_states_seed_on_a_2024_instance_keeps_what_an_admin_changed(app, monkeypatch):
    seed_as_in_2024(monkeypatch)
    admin = make_user(app, roles.ADMIN).user
    register.correct_state(db.session, admin, "SM", {
        **register._stored_values(register.find_state(db.session, "SM")), "verified": "partly"}, "an admin's source")
    db.session.commit()

    result = run(app, "states", "seed")
    assert result.exit_code == 0, result.output
    assert "changed 2 (NE, PT)" in result.output
    assert "Kept as an admin or an import left them: SM." in result.output
    assert "Added 193 Covenant statuses" in result.output
    db.session.rollback()
    san_marino = register.find_state(db.session, "SM")
    assert (san_marino.instrument_date, san_marino.verified) == (None, "partly")  # as the admin left it
    assert [change.action for change in changes_of("SM")] == ["seeded", "corrected"]
    assert register.find_state(db.session, "NE").instrument_date == date(2014, 11, 7)
    assert register.latest_check(db.session).as_of == date(2026, 2, 3)
    assert run(app, "states", "seed").output.strip() == "The States register is already seeded; nothing added."


def test_states_seed_does_not_date_back_a_register_checked_later(app, monkeypatch):
    seed_as_in_2024(monkeypatch)
    admin = make_user(app, roles.ADMIN).user
    register.record_check(db.session, admin, date(2026, 3, 1), 31, "UNTC, consulted 1 March 2026")
    db.session.commit()

    result = run(app, "states", "seed")
    assert result.exit_code == 0, result.output
    assert ("Not applied: the shipped status as of 2026-02-03, because the register is already as of 2026-03-01; "
            "compare it with `flask states import`.") in result.output
    assert count(StateParty, StateParty.iso2 == "AL") == 0  # not slipped in behind the admin's check
    assert register.latest_check(db.session).as_of == date(2026, 3, 1)
    assert count(CovenantStatus) == 193


def test_states_seed_adds_back_a_state_deleted_without_a_trace_but_not_one_removed(app):
    db.session.execute(delete(StatePartyChange).where(StatePartyChange.iso2 == "AO"))
    db.session.execute(delete(StateParty).where(StateParty.iso2.in_(("AO", "AL"))))
    db.session.add(StatePartyChange(iso2="AL", action="removed", source="a test import", before={}, after={}))
    db.session.execute(update(StateParty).where(StateParty.iso2 == "FI").values(verified="yes"))
    db.session.commit()

    result = run(app, "states", "seed")
    assert result.output.startswith("Added 1 signatories: AO.")
    assert count(StateParty, StateParty.iso2 == "AL") == 0
    assert db.session.execute(select(StateParty.verified).where(StateParty.iso2 == "FI")).scalar_one() == "yes"


# --- list ------------------------------------------------------------------------------------------------


def test_states_list_shows_code_name_listing_entry_into_force_and_verification(app):
    output = run(app, "states", "list").output
    assert output.startswith("As of 2026-02-03 (source: UN Treaty Collection, MTDSG IV-3-a (status as at 3 February "
                             "2026)): 31 parties (complete), 24 signatories.")
    assert re.search(r"^ES\s+Spain\s+party\s+2013-05-05\s+yes$", output, re.M)
    assert re.search(r"^FI\s+Finland\s+party\s+2014-04-30 \(unconfirmed\)\s+partly$", output, re.M)
    assert re.search(r"^NE\s+Niger\s+party\s+2015-02-07\s+yes$", output, re.M)
    assert re.search(r"^AO\s+Angola\s+signatory\s+-\s+yes$", output, re.M)


def test_states_list_covenant_shows_every_un_member(app):
    output = run(app, "states", "list", "--covenant").output
    assert output.startswith("Covenant statuses as of 2026-02-03 (source: UN Treaty Collection, MTDSG IV-3 (status as "
                             "at 3 February 2026)): 172 parties, 5 signatories only, 16 neither.")
    assert re.search(r"^US\s+United States of America\s+signatory\s+1977-10-05\s+-\s+yes$", output, re.M)
    assert re.search(r"^RS\s+Serbia\s+party\s+—\s+2001-03-12 succession\s+yes$", output, re.M)
    assert re.search(r"^MY\s+Malaysia\s+none\s+—\s+-\s+yes$", output, re.M)
    assert len(output.strip().splitlines()) == 2 + 193


# --- import ----------------------------------------------------------------------------------------------


def shipped_lines() -> list[str]:
    from importlib import resources

    return resources.files("caseapp.data").joinpath("op_icescr_states.csv").read_text(encoding="utf-8").splitlines()


@pytest.fixture
def later_list(tmp_path):
    """A hypothetical later list: Ireland (signatory since 23 Mar 2012) ratified, Albania left out."""
    lines = [line for line in shipped_lines() if not line.startswith("AL,")]
    lines.append("IE,Ireland,2012-03-23,2026-03-02,ratification,2026-06-02,art18(2) deposit+3 months,,,yes,test list")
    path = tmp_path / "parties.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_states_import_shows_the_difference_and_writes_nothing(app, later_list):
    before = count(StatePartyChange)
    result = run(app, "states", "import", str(later_list))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "~ IE  Ireland",
        "    listing: signatory → party",
        "    instrument_type: — → ratification",
        "    instrument_date: — → 2026-03-02",
        "    entry_into_force: — → 2026-06-02",
        "    eif_basis: — → art18(2) deposit+3 months",
        "    source_note: UNTC MTDSG IV-3-a → test list",
        "- AL  Albania: no longer listed as a party (instrument 2025-02-19)",
        "0 added, 1 changed, 1 removed.",
        "Nothing written: run again with --apply --source \"…\" to apply these changes.",
    ]
    assert result.output.startswith(f"{later_list}: 31 parties; the register is as of 2026-02-03")
    assert count(StatePartyChange) == before


def test_states_import_apply_needs_a_source(app, later_list):
    result = run(app, "states", "import", str(later_list), "--apply")
    assert result.exit_code != 0 and "--apply needs --source" in result.output
    assert register.find_state(db.session, "IE").listing == "signatory"


def test_states_import_apply_writes_each_change_with_its_source_in_the_history(app, later_list):
    result = run(app, "states", "import", str(later_list), "--apply", "--source", SOURCE, "--as-of", "2026-06-03")
    assert result.exit_code == 0, result.output
    assert f"Applied, with the source in the history: {SOURCE}" in result.output
    assert "The register is now as of 2026-06-03, complete with 31 parties." in result.output

    ireland = register.find_state(db.session, "IE")
    assert (ireland.listing, ireland.entry_into_force, ireland.updated_by_id) == ("party", date(2026, 6, 2), None)
    imported = changes_of("IE")[-1]
    assert (imported.action, imported.source, imported.changed_by_id) == ("imported", SOURCE, None)
    assert (imported.before["listing"], imported.after["listing"]) == ("signatory", "party")
    assert register.find_state(db.session, "AL") is None
    removed = changes_of("AL")[-1]
    assert (removed.action, removed.source, removed.after) == ("removed", SOURCE, {})
    assert removed.before["instrument_date"] == "2025-02-19"
    check = register.latest_check(db.session)
    assert (check.as_of, check.reported_parties, check.complete, check.source) == (date(2026, 6, 3), 31, True, SOURCE)
    loaded = register.load_register(db.session)
    assert loaded.is_complete and loaded.protocol_standing("AL").reason == "not_listed_complete"

    again = run(app, "states", "import", str(later_list))
    assert "0 added, 0 changed, 0 removed." in again.output
    assert run(app, "states", "seed").output.strip() == "The States register is already seeded; nothing added."


def test_states_import_refuses_a_bad_file_naming_each_line(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join((HEADER, "NE,Niger,,2014-13-07,accession,,x,,,yes,x",
                               "XK,Kosovo,,2014-11-07,accession,2015-02-07,x,,,yes,x")) + "\n", encoding="utf-8")
    before = count(StatePartyChange)
    result = run(app, "states", "import", str(path), "--apply", "--source", SOURCE)
    assert result.exit_code == 1
    assert f"{path}: line 2: NE: instrument_date '2014-13-07' is not a date (YYYY-MM-DD)" in result.output
    assert f"{path}: line 3: XK: iso2: Choose a UN member or observer State." in result.output
    assert f"{path}: 2 problems; nothing imported." in result.output
    assert count(StatePartyChange) == before


def test_states_import_reads_standard_input(app):
    result = run(app, "states", "import", "-", input="\n".join(shipped_lines()) + "\n")
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 0 removed." in result.output
