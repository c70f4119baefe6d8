"""Finding English on a page that should be Spanish or French (issue 18, point 5).

Two nets, because English reaches a page two ways:
- **the app's own messages**: every message of ``messages.pot`` whose translation differs from it is cut at
  its placeholders, and each piece of two words or more that the translation does not also contain is
  looked for in the page's visible text; a one-word message (a button's "Next") counts when it is the whole
  text of a button, a link, a label, a heading or a table heading;
- **English made anywhere else** (a sentence built in Python and never marked, a data file's words): a line
  of the visible text with three or more different English function words — words that are not words of
  Spanish or French ("the", "with", "your"…).
What people typed (a report's narrative, an organisation's name) is theirs: the journeys type Spanish or
French, so anything English on their pages is the app's.
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "caseapp" / "translations"
PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{[^}]*\}")
# English words that are not words of Spanish or French: "a", "on", "an", "or", "son", "plus", "no" are left
# out for that reason.
FUNCTION_WORDS = frozenset({
    "the", "and", "is", "are", "was", "were", "been", "being", "this", "that", "these", "those", "your", "you",
    "with", "which", "what", "when", "where", "who", "whose", "there", "their", "they", "from", "have", "has",
    "had", "will", "would", "should", "could", "not", "into", "than", "then", "because", "about", "after",
    "before", "of", "to", "for", "it", "its", "be", "by", "at", "our", "we", "can", "may", "must", "any",
    "each", "every", "other", "only", "also",
})
# Elements whose whole text is often one word (a button's "Next").
SHORT_TEXT_ELEMENTS = "button, a, label, legend, h1, h2, h3, h4, h5, h6, th, summary, option, .badge, dt"


@cache
def english_pieces(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(pieces of two words or more, one-word messages) of the app's English that ``language`` translates."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source)
    pieces, words = set(), set()
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(" ".join(string.split()) for string in strings if string)
        for english in ids:
            if not translated or " ".join(english.split()) == translated:
                continue
            for piece in PLACEHOLDER.split(english):
                piece = " ".join(re.sub(r"<[^>]+>", " ", piece).split()).strip(" .,:;()—-")
                if not piece or piece in translated:
                    continue
                if " " in piece and len(piece) >= 8:
                    pieces.add(piece)
                elif " " not in piece and len(piece) >= 3 and piece.isalpha():
                    words.add(piece)
    return frozenset(pieces), frozenset(words)


def english_on(page, language: str) -> list[str]:
    """The English found on ``page`` (which should be in ``language``), as readable findings."""
    text = page.locator("body").inner_text()
    # Text the page marks as English (lang="en": the register's notes on its sources, quoted as the UN gives
    # them) is English by design, not an untranslated message: it is left out, the rest of its line kept.
    quoted_texts = page.eval_on_selector_all('body [lang|="en"]', "els => els.map(e => e.innerText)")
    for quoted in sorted(quoted_texts, key=len, reverse=True):  # the longest first: one may hold another
        if quoted.strip():
            text = text.replace(quoted, " ")
    flat = " ".join(text.split())
    pieces, words = english_pieces(language)
    found = [f"message: {piece!r}" for piece in sorted(pieces) if piece in flat]
    short_texts = page.eval_on_selector_all(
        SHORT_TEXT_ELEMENTS, "els => els.filter(e => e.offsetParent !== null || e.tagName === 'OPTION')"
                             ".map(e => e.textContent.trim())")
    found += [f"one-word message: {word!r}" for word in sorted(set(short_texts) & words)]
    for line in text.splitlines():
        english = {word for word in re.findall(r"[A-Za-z']+", line.lower()) if word in FUNCTION_WORDS}
        if len(english) >= 3:
            found.append(f"English sentence: {line.strip()!r}")
    return found
