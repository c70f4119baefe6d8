"""Rules for what the public decisions page and its Atom feed show (issue 6, item 7). Pure: no Flask,
no database.

What may be public is decided by the coordinator who publishes a decision (its summary, links and,
with the victims' recorded consent, their names); these helpers only shape it for the page and feed.
"""

import re
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
# Characters XML 1.0 does not allow (C0 controls but tab, line feed and carriage return; surrogates;
# U+FFFE and U+FFFF): a feed containing one is not well-formed, and lxml refuses to write it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_web_link(url: str | None) -> bool:
    """An absolute http(s) URL with a host: the only kind of link the public page makes clickable
    (never ``javascript:``, ``data:`` or a relative path)."""
    if not url or url != url.strip():
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text or "")


def entry_title(state: str, outcome: str, un_symbol: str | None) -> str:
    """ "Spain — Views: violation found (E/C.12/61/D/5/2015)"; without the brackets when no symbol."""
    title = f"{state} — {outcome}"
    return f"{title} ({un_symbol})" if un_symbol else title
