"""The lawyers' search for the reports naming a victim (blind index, CRY-07; name by POST, DATA-01)."""

import logging
import sqlite3

import pytest

from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer
from caseapp.domain.report import VictimInput
from tests.factories import make_case

SEARCH = "/screening/search"


def _report(app, org, people, name: str, *, title: str, submit: bool = True):
    case, _document = make_case(app, org, people["partner_a"].user, title=title, submit=submit,
                                victim=VictimInput(name=name, consent="yes"))
    return case


def test_lawyer_finds_the_reports_naming_a_victim_whatever_the_accents_case_and_punctuation(app, people, org_a,
                                                                                          clients):
    """CRY-07: the typed name is normalised like the stored ones; drafts are never searched (AC-03)."""
    named = _report(app, org_a, people, "José María O'Brien-Ruíz", title="Eviction of the O'Brien family")
    _report(app, org_a, people, "Lucía Fernández", title="Another family")
    _report(app, org_a, people, "José María O'Brien-Ruíz", title="A draft naming him too", submit=False)

    page = clients("lawyer").post(SEARCH, data={"name": "  JOSE maria   o brien ruiz "})

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert named.reference in text
    assert "Eviction of the O&#39;Brien family" in text
    assert "José María O&#39;Brien-Ruíz" in text  # the name as the partner wrote it
    assert "Another family" not in text
    assert "A draft naming him too" not in text
    assert "1 report names this person" in text


def test_a_collision_of_the_truncated_index_is_not_shown(app, people, org_a, clients):
    """CRY-07: candidates found by the index are re-checked on the decrypted names."""
    real = _report(app, org_a, people, "Ana Pérez", title="The real match")
    impostor = _report(app, org_a, people, "Someone Else Entirely", title="Only the index matches")
    impostor.victims[0].name_index = blind_indexer().index("victim_name", "Ana Pérez")
    db.session.commit()

    text = clients("lawyer").post(SEARCH, data={"name": "ana perez"}).get_data(as_text=True)

    assert real.reference in text
    assert impostor.reference not in text
    assert "Only the index matches" not in text


def test_a_name_nobody_reported_finds_nothing(app, people, org_a, clients):
    _report(app, org_a, people, "Ana Pérez", title="Eviction")

    text = clients("lawyer").post(SEARCH, data={"name": "Ana Pérez García"}).get_data(as_text=True)

    assert "No submitted report names this person." in text
    assert "Eviction" not in text


def test_an_empty_name_is_refused_next_to_the_field(app, people, clients):
    page = clients("lawyer").post(SEARCH, data={"name": "   "})

    assert page.status_code == 400
    assert "This field is required." in page.get_data(as_text=True)


def test_the_name_goes_by_post_and_stays_out_of_urls_and_logs(app, people, org_a, clients, caplog):
    """DATA-01: the search form posts; the answer is the page itself (no redirect carrying the name),
    and neither its links nor the log name the person searched for."""
    _report(app, org_a, people, "Ana Pérez", title="Eviction")
    lawyer = clients("lawyer")
    form = lawyer.get(SEARCH).get_data(as_text=True)
    assert 'method="post" action="/screening/search"' in form

    with caplog.at_level(logging.DEBUG):
        page = lawyer.post(SEARCH, data={"name": "Ana Pérez"})

    assert page.status_code == 200 and "Location" not in page.headers
    text = page.get_data(as_text=True)
    links = [part.split('"', 1)[0] for part in text.split('href="')[1:] + text.split('action="')[1:]]
    assert links and not any("Ana" in link or "P%C3%A9rez" in link or "Pérez" in link for link in links)
    assert "Ana" not in caplog.text and "Pérez" not in caplog.text


def test_the_queue_links_to_the_search(app, people, clients):
    assert f'href="{SEARCH}"' in clients("lawyer").get("/screening").get_data(as_text=True)


def test_a_search_neither_waits_for_nor_holds_the_write_lock(app, people, org_a, clients, database_url):
    """REL-04: a search is a POST that only reads, so its transaction is deferred: it answers while
    another writer holds SQLite's write lock (a writer's BEGIN IMMEDIATE would wait, then fail)."""
    if database_url is not None:
        pytest.skip("SQLite's write lock; PostgreSQL readers never wait for writers")
    case = _report(app, org_a, people, "Ana Pérez", title="Eviction")
    lawyer = clients("lawyer")
    lawyer.get(SEARCH)  # the search page, as a lawyer opens it first (its session now holds a CSRF token)
    other = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), timeout=0,
                            isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        page = lawyer.post(SEARCH, data={"name": "Ana Pérez"})
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert page.status_code == 200
    assert case.reference in page.get_data(as_text=True)
