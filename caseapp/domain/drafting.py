"""The documents a case needs, drafted from its record (issue 19): which exist, who may have them, and the
plain-text markup their templates are written in. Pure: no Flask, no database, no Word.

A document's text lives in ``templates/drafts/<document>.<language>.txt``, one file per document and
language, that the coalition edits without touching code. The templates fill in the record's fields
(Jinja) and mark the structure with a few line prefixes, so that the text stays readable in any editor:

* ``# `` a heading, ``## `` a sub-heading;
* ``- `` an item of a bulleted list;
* ``> `` a paragraph set apart (a quotation, an address);
* ``| `` a paragraph of words a person wrote, never read as markup (the ``paragraphs`` filter marks them);
* any other line a paragraph of its own; empty lines only separate.

``blocks`` turns the filled text into those blocks; the service writes them into a Word document.
"""

from dataclasses import dataclass

from caseapp.domain import stages
from caseapp.domain.i18n import N_

COMMUNICATION = "communication"
INTERIM_MEASURES = "interim_measures"
FOLLOW_UP_COMMENTS = "follow_up_comments"
PRESS_RELEASE = "press_release"

# Each document with its name on the pages and in the file name.
DOCUMENTS: dict[str, str] = {
    COMMUNICATION: N_("Communication to the Committee"),
    INTERIM_MEASURES: N_("Request for interim measures"),
    FOLLOW_UP_COMMENTS: N_("Comments on the State's follow-up"),
    PRESS_RELEASE: N_("Press release"),
}
# The documents that name the victims or draw on the case's content: only the case team has them
# (``permissions.can_draft``). The press release is made of what the public decisions page already shows.
HOLDS_IDENTITY = frozenset({COMMUNICATION, INTERIM_MEASURES, FOLLOW_UP_COMMENTS})

# A case is drafted for once it is a strategic candidate, and until it is closed in any way.
DRAFTING_STAGES = frozenset({
    stages.CANDIDATE, stages.PREPARING, stages.SUBMITTED_TO_COMMITTEE, stages.REGISTERED, stages.OBSERVATIONS,
    stages.COMMENTS, stages.DECIDED, stages.FOLLOW_UP,
})
# The communication's working languages: the Committee's (its rules of procedure; the app's languages).
WORKING_LANGUAGES = ("en", "es", "fr")
# The longest "remedies sought" the drafting page keeps (a few pages of text).
MAX_REMEDIES_SOUGHT = 20_000

HEADING = "heading"
SUBHEADING = "subheading"
BULLET = "bullet"
QUOTE = "quote"
PARAGRAPH = "paragraph"
_PREFIXES = (("| ", PARAGRAPH), ("## ", SUBHEADING), ("# ", HEADING), ("- ", BULLET), ("> ", QUOTE))


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


def blocks(text: str) -> list[Block]:
    """The filled template's lines as blocks of the document, in order (see the module's markup)."""
    result = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        for prefix, kind in _PREFIXES:
            if line.startswith(prefix):
                result.append(Block(kind, line[len(prefix):].strip()))
                break
        else:
            result.append(Block(PARAGRAPH, line))
    return result


def available(document: str, *, stage: str, urgent: bool = False, views_found_violation: bool = False,
              published: bool = False) -> bool:
    """Whether the record holds what ``document`` is drafted from: a communication for any case being drafted
    for; a request for interim measures when the report says the victims face a risk of irreparable harm
    (art. 5(1)); comments on the follow-up once Views finding a violation were transmitted (art. 9(2)); a press
    release once the decision is on the public decisions page (whatever the case's stage since)."""
    if document == PRESS_RELEASE:
        return published
    if stage not in DRAFTING_STAGES:
        return False
    if document == INTERIM_MEASURES:
        return urgent
    if document == FOLLOW_UP_COMMENTS:
        return views_found_violation
    return document == COMMUNICATION


def annex_numbers(count: int) -> list[str]:
    """The annexes' numbers as the draft lists them and the bundle names its files: "01", "02", … (two digits
    keep the bundle's files in the draft's order in any file manager)."""
    width = max(2, len(str(count)))
    return [str(number).zfill(width) for number in range(1, count + 1)]
