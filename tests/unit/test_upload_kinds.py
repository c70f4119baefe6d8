"""What an uploaded file is (UP-03, UP-05) and the name it is shown under (UP-04)."""

import io
import struct
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.domain.uploads import (
    ALLOWED_EXTENSIONS,
    KINDS,
    SNIFF_BYTES,
    FileKind,
    UploadError,
    extension_of,
    identify,
    safe_display_name,
)

# --- realistic first bytes --------------------------------------------------------------------------


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free" + b"\x00" * 64


def zip_bytes(entries: list[tuple[str, bytes, int]], *, streamed: bool = False) -> bytes:
    """A real ZIP made with zipfile; ``streamed`` writes it to an unseekable stream (data descriptors)."""
    buffer = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            return buffer.write(data)

    target = Unseekable() if streamed else buffer
    with zipfile.ZipFile(target, "w") as archive:
        for name, data, method in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


DEFLATED, STORED = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + b"<x>" + b"filler " * 400 + b"</x>"


def ooxml(folder: str, main: str) -> bytes:
    return zip_bytes([
        ("[Content_Types].xml", XML, DEFLATED),
        ("_rels/.rels", XML, DEFLATED),
        (f"{folder}/{main}", XML, DEFLATED),
        ("docProps/core.xml", XML, DEFLATED),
    ])


def odf(mimetype: str) -> bytes:
    return zip_bytes([
        ("mimetype", mimetype.encode(), STORED),
        ("content.xml", XML, DEFLATED),
        ("META-INF/manifest.xml", XML, DEFLATED),
    ])


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 640, 480, 8, 6, 0, 0, 0)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00" + b"\x08" * 64
EXIF_JPEG = b"\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08" + b"\x00" * 32
GIF = b"GIF89a\x80\x02\xe0\x01\xf7\x00\x00" + b"\x00" * 32
WEBP = b"RIFF" + struct.pack("<I", 1024) + b"WEBPVP8 " + struct.pack("<I", 1000) + b"\x00" * 32
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32
HEIC = ftyp(b"heic", b"mif1", b"heic")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 480
RTF = b"{\\rtf1\\ansi\\ansicpg1252\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Eviction notice\\par}"
TEXT = "Desalojo del 3 de mayo — the family was evicted; 家族\n".encode()
CSV = "\ufeffdate,event\n2013-05-01,desahucio\n2013-06-01,recurso de amparo\n".encode()
MARKDOWN = b"<!-- draft -->\n# Chronology\n\n* 1 May 2013: eviction\n"
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x01\x00" + b"TIT2" + b"\x00" * 40
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 60
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01"
WAV = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 44100, 88200, 2, 16)
M4A = ftyp(b"M4A ", b"M4A ", b"mp42", b"isom")
PHONE_M4A = ftyp(b"mp42", b"isom", b"mp42")
FLAC = b"fLaC\x00\x00\x00\x22" + b"\x00" * 34
MP4 = ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41")
M4V = ftyp(b"M4V ", b"M4V ", b"M4A ", b"mp42", b"isom")
MOV = ftyp(b"qt  ", b"qt  ")
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + b"\x00" * 16
MKV = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska\x42\x87\x81\x04" + b"\x00" * 16

ACCEPTED = [
    (PDF, "Complaint.pdf", "application/pdf"),
    (PDF, "SCAN.PDF", "application/pdf"),
    (PNG, "photo.png", "image/png"),
    (JPEG, "photo.jpg", "image/jpeg"),
    (EXIF_JPEG, "IMG_0001.JPEG", "image/jpeg"),
    (GIF, "map.gif", "image/gif"),
    (WEBP, "photo.webp", "image/webp"),
    (TIFF, "scan.tif", "image/tiff"),
    (b"MM\x00*\x00\x00\x00\x08", "scan.tiff", "image/tiff"),
    (HEIC, "IMG_1234.HEIC", "image/heic"),
    (ftyp(b"mif1", b"mif1", b"heic"), "photo.heif", "image/heic"),
    (OLE2, "letter.doc", "application/msword"),
    (OLE2, "budget.xls", "application/vnd.ms-excel"),
    (OLE2, "slides.ppt", "application/vnd.ms-powerpoint"),
    (ooxml("word", "document.xml"), "decision.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("xl", "workbook.xml"), "rents.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ooxml("ppt", "presentation.xml"), "talk.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (odf("application/vnd.oasis.opendocument.text"), "appeal.odt", "application/vnd.oasis.opendocument.text"),
    (odf("application/vnd.oasis.opendocument.spreadsheet"), "costs.ods",
     "application/vnd.oasis.opendocument.spreadsheet"),
    (odf("application/vnd.oasis.opendocument.presentation"), "talk.odp",
     "application/vnd.oasis.opendocument.presentation"),
    (RTF, "letter.rtf", "application/rtf"),
    (TEXT, "notes.txt", "text/plain"),
    (CSV, "chronology.csv", "text/csv"),
    (MARKDOWN, "chronology.md", "text/markdown"),
    (MP3_ID3, "interview.mp3", "audio/mpeg"),
    (MP3_FRAME, "interview.mp3", "audio/mpeg"),
    (OGG, "voice-note.opus", "audio/ogg"),
    (OGG, "voice.ogg", "audio/ogg"),
    (OGG, "voice.oga", "audio/ogg"),
    (WAV, "hearing.wav", "audio/wav"),
    (M4A, "memo.m4a", "audio/mp4"),
    (PHONE_M4A, "recording.m4a", "audio/mp4"),
    (FLAC, "hearing.flac", "audio/flac"),
    (MP4, "eviction.mp4", "video/mp4"),
    (M4V, "eviction.m4v", "video/mp4"),
    (MOV, "IMG_0002.MOV", "video/quicktime"),
    (WEBM, "clip.webm", "video/webm"),
    (MKV, "clip.mkv", "video/x-matroska"),
]


@pytest.mark.parametrize(("head", "filename", "content_type"), ACCEPTED, ids=[case[1] for case in ACCEPTED])
def test_allowed_kinds_are_accepted(head, filename, content_type):
    kind = identify(head, filename)
    assert isinstance(kind, FileKind)
    assert kind.content_type == content_type
    assert extension_of(filename) in kind.extensions


def test_every_allowed_extension_is_exercised():
    assert {extension_of(name) for _head, name, _type in ACCEPTED} == set(ALLOWED_EXTENSIONS)


def test_only_the_first_sniff_bytes_are_read():
    assert identify(PDF + b"\x00" * 10 * SNIFF_BYTES, "big.pdf").content_type == "application/pdf"
    assert identify(b"a" * SNIFF_BYTES + b"\x00", "long.txt").content_type == "text/plain"


def test_office_documents_with_data_descriptors_and_other_entry_orders():
    streamed = zip_bytes([("[Content_Types].xml", XML, DEFLATED), ("word/document.xml", XML, DEFLATED)], streamed=True)
    assert struct.unpack("<H", streamed[6:8])[0] & 0x08  # the sizes are not in the local header
    assert identify(streamed, "streamed.docx").name == "Word document"
    rels_first = zip_bytes([("_rels/.rels", XML, DEFLATED), ("word/document.xml", XML, DEFLATED),
                            ("[Content_Types].xml", XML, DEFLATED)])
    assert identify(rels_first, "reordered.docx").name == "Word document"


def test_text_cut_in_the_middle_of_a_character_is_still_text():
    text = "é".encode() * SNIFF_BYTES
    assert identify(text[:SNIFF_BYTES + 1], "accents.txt").content_type == "text/plain"


def test_ftyp_without_heic_brand_is_not_heic():
    with pytest.raises(UploadError):
        identify(ftyp(b"avif", b"mif1", b"avif"), "photo.heic")


# --- rejections -------------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
HTML = b"<!DOCTYPE html>\n<html><head><script>alert(1)</script></head></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PLAIN_ZIP = zip_bytes([("notes.txt", b"hello " * 100, DEFLATED), ("photo.jpg", JPEG, STORED)])


def rejected(head: bytes, filename: str) -> str:
    with pytest.raises(UploadError) as info:
        identify(head, filename)
    message = info.value.message
    assert message == str(info.value) and message.endswith(".")
    return message


def test_a_program_named_pdf():
    assert "Windows program" in rejected(EXE, "contract.pdf")


def test_html_named_jpg():
    assert "web page" in rejected(HTML, "photo.jpg")


def test_svg_is_refused_by_name_and_by_content():
    assert "SVG" in rejected(SVG, "logo.svg")
    assert "SVG image" in rejected(SVG, "logo.png")
    assert "SVG image" in rejected(SVG, "logo.txt")


def test_a_plain_zip_named_docx():
    assert "ZIP archive" in rejected(PLAIN_ZIP, "decision.docx")
    assert "ZIP archive" in rejected(PLAIN_ZIP, "decision.odt")


def test_an_opendocument_of_another_kind_or_without_its_mimetype():
    rejected(odf("application/vnd.oasis.opendocument.spreadsheet"), "letter.odt")
    compressed_mimetype = zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.text", DEFLATED),
                                     ("content.xml", XML, DEFLATED)])
    rejected(compressed_mimetype, "letter.odt")
    rejected(zip_bytes([("content.xml", XML, DEFLATED)]), "letter.odt")


def test_a_spreadsheet_named_docx_is_sent_to_the_right_name():
    assert "Rename it to end in .xlsx" in rejected(ooxml("xl", "workbook.xml"), "budget.docx")


def test_a_png_named_jpg_is_sent_to_the_right_name():
    message = rejected(PNG, "photo.jpg")
    assert "PNG image" in message and ".png" in message


def test_a_jpeg_named_mp3():
    assert ".jpg" in rejected(JPEG, "song.mp3")


def test_an_office_97_file_named_pdf():
    assert "older Microsoft Office file" in rejected(OLE2, "letter.pdf")


@pytest.mark.parametrize("filename", ["setup.exe", "run.bat", "script.ps1", "x.sh", "app.js", "report.pdf.exe",
                                      "evil\u202efdp.exe", "page.html", "page.htm", "feed.xml", "macro.docm"])
def test_programs_scripts_web_pages_and_macros_are_refused_whatever_their_content(filename):
    rejected(PDF, filename)


@pytest.mark.parametrize("filename", ["evidence.zip", "evidence.rar", "evidence.7z", "evidence.tar", "evidence.gz",
                                      "evidence.tar.gz"])
def test_archives_are_refused(filename):
    assert "never unpacks" in rejected(PLAIN_ZIP, filename)


@pytest.mark.parametrize("filename", ["README", "photo.", "notes.p df", "file.xyz", "image.bmp", ".."])
def test_unknown_or_missing_extensions(filename):
    rejected(PDF, filename)


def test_a_name_that_is_only_an_extension():
    assert identify(PDF, ".pdf").name == "PDF document"
    assert extension_of(".pdf") == ".pdf"


def test_an_empty_file():
    assert "empty" in rejected(b"", "empty.pdf")


def test_text_with_nul_bytes():
    assert "binary data" in rejected(b"hello\x00world", "notes.txt")
    assert "binary data" in rejected("UTF-16 text".encode("utf-16"), "notes.txt")


def test_text_that_is_not_utf8():
    assert "UTF-8" in rejected("café;résumé\n".encode("latin-1"), "table.csv")


@pytest.mark.parametrize("head", [HTML, b"  <html><body>x</body></html>", b"\xef\xbb\xbf<script>x</script>",
                                  b"#!/bin/sh\nrm -rf /\n", b"<!-- x --><script>alert(1)</script>"])
def test_web_pages_and_scripts_named_as_text(head):
    rejected(head, "notes.txt")


@pytest.mark.parametrize(("head", "filename"), [
    (PDF, "photo.png"), (PNG, "scan.pdf"), (b"Just some text", "photo.jpg"), (b"RIFF\x00\x00\x00\x00AVI ", "a.wav"),
    (MP4, "song.flac"), (MOV, "clip.mp4"), (HEIC, "clip.mp4"), (b"\x00\x00\x01\xba", "clip.mp4"),
    (b"ID3", "short.flac"), (b"OggS\x01", "voice.ogg"), (b"\xff\xf1\x50\x80", "aac.mp3"), (WEBM, "clip.mp4"),
    (b"{\\rt", "letter.rtf"),
])
def test_content_that_does_not_match_the_extension(head, filename):
    rejected(head, filename)


def test_the_allow_list():
    assert tuple(sorted(ALLOWED_EXTENSIONS)) == ALLOWED_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in ALLOWED_EXTENSIONS)
    for ext in (".pdf", ".docx", ".odt", ".txt", ".mp3", ".mp4", ".webm", ".heic", ".rtf", ".csv", ".md"):
        assert ext in ALLOWED_EXTENSIONS
    for ext in (".zip", ".rar", ".7z", ".tar", ".gz", ".exe", ".html", ".svg", ".js", ".docm"):
        assert ext not in ALLOWED_EXTENSIONS
    extensions = [ext for kind in KINDS for ext in kind.extensions]
    assert len(extensions) == len(set(extensions)) == len(ALLOWED_EXTENSIONS)


# --- the user's file name -----------------------------------------------------------------------------


@pytest.mark.parametrize(("given_name", "shown"), [
    ("Decision of 3 May 2013.pdf", "Decision of 3 May 2013.pdf"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\ana\\Desktop\\sentencia.pdf", "sentencia.pdf"),
    ("/", "document"),
    ("..", "document"),
    (".", "document"),
    ("...", "document"),
    ("", "document"),
    ("   ", "document"),
    (".pdf", "document.pdf"),
    (".bashrc", "document.bashrc"),
    ("a\x00b.pdf", "ab.pdf"),
    ("evil\u202efdp.exe", "evilfdp.exe"),
    ("\u2066name\u2069.pdf", "name.pdf"),
    ("line\nbreak\tand  spaces.txt", "line break and spaces.txt"),
    ("report...final.pdf", "report.final.pdf"),
    ("trailing dot. ", "trailing dot"),
    ("file.pdf.", "file.pdf"),
    ("e\u0301t\u0301e\u0301.txt", "\u00e9t\u0301\u00e9.txt"),
    ("Resolución 5/2014 — Juzgado nº 3.pdf", "2014 — Juzgado nº 3.pdf"),
])
def test_safe_display_name_examples(given_name, shown):
    assert safe_display_name(given_name) == shown


def test_truncation_keeps_the_extension():
    name = safe_display_name("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")
    assert safe_display_name("b" * 50 + ".docx", max_length=20) == "b" * 15 + ".docx"
    assert safe_display_name("x." + "y" * 300, max_length=20) == "x." + "y" * 18  # no real extension to keep
    assert safe_display_name("ab. cd.txt", max_length=8) == "ab.txt"


def test_max_length_must_be_positive():
    with pytest.raises(ValueError):
        safe_display_name("x.pdf", max_length=0)


TRICKY = st.lists(st.sampled_from(
    list("./\\ ab.\t\n\r\x00\x01\x7f\x85\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
    + ["e\u0301", "\u0301", "\u00a0", "\u3000", "\u2028", "..", ".pdf", "\u00e9", "\ud800"]
)).map("".join)
NAMES = st.one_of(st.text(), TRICKY, st.lists(TRICKY, max_size=5).map("/".join))


@given(NAMES, st.integers(min_value=1, max_value=300))
def test_safe_display_name_is_always_safe(filename, max_length):
    name = safe_display_name(filename, max_length)
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
    assert not name.startswith(".")
    assert name not in ("", ".", "..")
    assert len(name) <= max_length
    assert not any(ch in name for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert name == name.strip()


@given(NAMES, st.integers(min_value=1, max_value=300))
def test_safe_display_name_is_idempotent(filename, max_length):
    once = safe_display_name(filename, max_length)
    assert safe_display_name(once, max_length) == once


@given(NAMES)
def test_identify_never_fails_with_anything_but_upload_rejected(filename):
    try:
        identify(PDF, filename)
    except UploadError as exc:
        assert exc.message
