"""The public decisions page's helpers: which links are clickable, and text a feed can carry."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.domain.publication import entry_title, is_web_link, xml_text


@pytest.mark.parametrize(
    ("url", "clickable"),
    [
        ("https://juris.ohchr.org/casedetails/1", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.org/x", False),
        ("/decisions", False),
        ("https://", False),
        ("ftp://example.org/file", False),
        (" https://example.org", False),
        ("http://[::1", False),  # malformed: urlsplit raises
        ("", False),
        (None, False),
    ],
)
def test_only_absolute_http_links_are_clickable(url, clickable):
    assert is_web_link(url) is clickable


@given(st.text())
def test_xml_text_is_always_well_formed_in_an_element(text):
    cleaned = xml_text(text)
    element = ET.fromstring(f"<t>{cleaned.replace('&', '&amp;').replace('<', '&lt;')}</t>".encode())  # noqa: S314 — our own text
    assert (element.text or "") == cleaned.replace("\r\n", "\n").replace("\r", "\n")


def test_xml_text_keeps_ordinary_text_and_line_breaks():
    assert xml_text("Line one\nLine two\tand é\x07") == "Line one\nLine two\tand é"
    assert xml_text(None) == ""


def test_entry_title():
    assert entry_title("Spain", "Views: violation found", "E/C.12/61/D/5/2015") == \
        "Spain — Views: violation found (E/C.12/61/D/5/2015)"
    assert entry_title("Spain", "Inadmissible", None) == "Spain — Inadmissible"
