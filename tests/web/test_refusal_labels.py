"""A sentence of the domain that names labels (what to record first, a date's label), dates or States says each
in the reader's language."""

import pickle
from datetime import date

from flask_babel import force_locale

from caseapp.domain.i18n import N_, Labels, StateName, Text
from caseapp.web.locales import say


def test_labels_read_in_english_and_are_said_one_by_one(app):
    labels = Labels(["Registered on", "Decision transmitted on"], lower=True)
    refusal = N_("Record first: %(labels)s.", labels=labels)
    assert refusal == "Record first: registered on, decision transmitted on."  # the commands' and the API's English
    assert pickle.loads(pickle.dumps(labels)).labels == labels.labels  # noqa: S301 — our own bytes
    with app.test_request_context(), force_locale("es"):
        said = say(refusal)
    assert "registrada el" in said.lower() and "registered on" not in said


def test_a_label_mid_sentence_keeps_its_proper_nouns_and_acronyms():
    labels = Labels(["Submitted to the Committee on", "UN symbol", "Registered on"], lower=True)
    assert labels == "submitted to the Committee on, UN symbol, registered on"


def test_a_sentences_dates_and_states_are_written_as_the_reader_writes_them(app):
    sentence = Text("%(state)s, %(day)s", state=StateName("ES", "Spain"), day=date(2013, 5, 5))
    assert sentence == "Spain, 5 May 2013"  # the English of the commands and the API
    again = pickle.loads(pickle.dumps(sentence))  # noqa: S301 — our own bytes (a flash message in the session)
    assert again == sentence and again.params["state"].code == "ES"
    said = {}
    for language in ("en", "es", "fr"):
        with app.test_request_context(), force_locale(language):
            said[language] = say(again)
    assert said == {"en": "Spain, 5 May 2013", "es": "España, 5 de mayo de 2013", "fr": "Espagne, 5 mai 2013"}


def test_a_stored_sentence_comes_back_whole_and_a_persons_words_stay_as_they_are():
    from caseapp.domain.i18n import sentence_from_store, stored_sentence

    inner = Text("; State: %(compliance)s", compliance=Labels(["Complied with"], lower=True))
    sentence = Text("%(state)s on %(day)s: %(outcome)s%(more)s (%(count)d)", state=StateName("BO", "Bolivia"),
                    day=date(2026, 5, 4), outcome=Labels(["Granted"], lower=True), more=inner, count=3)
    again = sentence_from_store(stored_sentence(sentence))
    assert again == sentence == "Bolivia on 4 May 2026: granted; State: complied with (3)"
    assert again.params["state"].code == "BO" and again.params["more"].params["compliance"].labels == (
        "Complied with",)
    for words in ("A note someone typed.", '{"msgid": "not ours"', None):
        assert sentence_from_store(stored_sentence(words)) == words
