"""A refusal that names labels (what to record first, a date's label) says each in the reader's language."""

import pickle

from flask_babel import force_locale

from caseapp.domain.i18n import N_, Labels
from caseapp.web.locales import say


def test_labels_read_in_english_and_are_said_one_by_one(app):
    labels = Labels(["Registered on", "Decision transmitted on"], lower=True)
    refusal = N_("Record first: %(labels)s.", labels=labels)
    assert refusal == "Record first: registered on, decision transmitted on."  # the commands' and the API's English
    assert pickle.loads(pickle.dumps(labels)).labels == labels.labels  # noqa: S301 — our own bytes
    with app.test_request_context(), force_locale("es"):
        said = say(refusal)
    assert "registrada el" in said.lower() and "registered on" not in said
