"""What an uploaded file is, from its first bytes and its name only (SECURITY.md UP-03, UP-04, UP-05).

The extension *and* the content must both match one kind on the allow-list (UP-03). Nothing here
decompresses, unpacks or renders a file (UP-05): for ZIP-based office documents, only the names in the
ZIP's local file headers are read, and for OpenDocument the stored (uncompressed) ``mimetype`` entry —
both are plain bytes at the start of the file.

Archives, programs, scripts, web pages and SVG are never allowed: an archive would have to be
unpacked to be checked, and the others can run code when opened.
"""

import codecs
import re
import struct
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from caseapp.domain.i18n import N_, Text

SNIFF_BYTES = 4096


@dataclass(frozen=True)
class FileKind:
    name: str  # marked for translation: a page says it in the reader's language
    content_type: str
    extensions: tuple[str, ...]


class UploadError(Exception):
    """The file is refused; ``message`` is a plain-language sentence for the person uploading it (an English
    ``Text`` that a page says in the reader's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- signatures ---------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_LOCAL = b"PK\x03\x04"
_EBML = b"\x1a\x45\xdf\xa3"

# ISO base media file format brands (the "ftyp" box at offset 4).
_AUDIO_BRANDS = frozenset({"M4A ", "M4B ", "M4P ", "F4A ", "F4B "})
_HEIC_BRANDS = frozenset({"heic", "heix", "heim", "heis", "hevc", "hevx"})
_QUICKTIME_BRANDS = frozenset({"qt  "})
# Generic MP4 brands: phones write these for video and, often, for voice recordings saved as .m4a.
_GENERIC_MP4_BRANDS = frozenset({
    "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "mmp4", "MSNV",
    "3gp4", "3gp5", "3gp6", "3gp7", "3g2a", "3g2b", "3g2c",
})
_VIDEO_BRANDS = _GENERIC_MP4_BRANDS | frozenset({"M4V ", "M4VH", "M4VP", "F4V ", "F4P ", "XAVC", "NDAS"})

_ODF_TYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
    ".odp": b"application/vnd.oasis.opendocument.presentation",
}
_OOXML_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def _ftyp_brands(head: bytes) -> tuple[str, set[str]] | None:
    """(major brand, all brands) of an ISO-BMFF file whose first box is "ftyp"; else None."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    size = struct.unpack(">I", head[:4])[0]  # size, "ftyp", major brand, minor version, compatible brands
    if size < 16 or size % 4:
        return None
    end = min(size, len(head))
    major = head[8:12].decode("latin-1")
    compatible = {head[i:i + 4].decode("latin-1") for i in range(16, end - 3, 4)}
    return major, compatible | {major}


@lru_cache(maxsize=8)  # the same sample is looked at for several kinds while building a message
def _zip_entries(head: bytes) -> tuple[tuple[str, int, bytes], ...]:
    """(name, compression method, stored bytes visible in the sample) of the ZIP's local file headers.

    Reads the headers only: the first at offset 0, each next one after the previous entry's data when
    its size is in the header, and any other local header signature in the sample (entries written
    with a data descriptor carry no size in their header). Nothing is decompressed.
    """
    entries = []
    seen = set()
    offsets = [0]
    position = head.find(_ZIP_LOCAL, 1)
    while position != -1:
        offsets.append(position)
        position = head.find(_ZIP_LOCAL, position + 1)
    queue = deque(offsets)
    while queue:
        offset = queue.popleft()
        if offset in seen or head[offset:offset + 4] != _ZIP_LOCAL or offset + 30 > len(head):
            continue
        seen.add(offset)
        flags, method = struct.unpack("<HH", head[offset + 6:offset + 10])
        compressed_size = struct.unpack("<I", head[offset + 18:offset + 22])[0]
        name_length, extra_length = struct.unpack("<HH", head[offset + 26:offset + 30])
        name_bytes = head[offset + 30:offset + 30 + name_length]
        if len(name_bytes) < name_length:
            continue
        name = name_bytes.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        data_start = offset + 30 + name_length + extra_length
        stored = head[data_start:data_start + compressed_size] if method == 0 else b""
        entries.append((name, method, stored))
        if not flags & 0x08 or compressed_size:
            queue.appendleft(data_start + compressed_size)
    return tuple(entries)


def _is_pdf(head: bytes, ext: str) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, ext: str) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, ext: str) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(head: bytes, ext: str) -> bool:
    return head.startswith((b"GIF87a", b"GIF89a"))


def _is_webp(head: bytes, ext: str) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_tiff(head: bytes, ext: str) -> bool:
    return head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"))


def _is_heic(head: bytes, ext: str) -> bool:
    brands = _ftyp_brands(head)
    if brands is None:
        return False
    major, all_brands = brands
    return major in _HEIC_BRANDS or (major in {"mif1", "msf1"} and bool(all_brands & _HEIC_BRANDS))


def _is_ole2(head: bytes, ext: str) -> bool:
    # Word, Excel and PowerPoint 97–2003 share the container; which one it is would take parsing its
    # directory, so the extension decides. The content is never opened on the server.
    return head.startswith(_OLE2)


def _is_ooxml(head: bytes, ext: str) -> bool:
    if not head.startswith(_ZIP_LOCAL):
        return False
    names = [name for name, _method, _data in _zip_entries(head)]
    folders = {folder for folder in _OOXML_FOLDERS.values() if any(name.startswith(folder) for name in names)}
    if folders:
        return folders == {_OOXML_FOLDERS[ext]}
    # The part list alone does not say which application: accept it for any of the three.
    return "[Content_Types].xml" in names


def _is_odf(head: bytes, ext: str) -> bool:
    if not head.startswith(_ZIP_LOCAL):
        return False
    entries = _zip_entries(head)
    if not entries:
        return False
    name, method, stored = entries[0]
    return name == "mimetype" and method == 0 and stored == _ODF_TYPES[ext]


def _is_rtf(head: bytes, ext: str) -> bool:
    return head.startswith(b"{\\rtf")


def _is_text(head: bytes, ext: str) -> bool:
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # the sample may end mid-character
    except UnicodeDecodeError:
        return False
    return _dangerous(head) is None


def _id3_end(head: bytes) -> int | None:
    """Where the data after an ID3v2 tag starts, or None without a tag."""
    if len(head) < 10 or not head.startswith(b"ID3") or any(byte & 0x80 for byte in head[6:10]):
        return None
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    return 10 + size + (10 if head[5] & 0x10 else 0)


def _mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then a valid version, layer, bitrate and rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11


def _is_mp3(head: bytes, ext: str) -> bool:
    return _id3_end(head) is not None or _mpeg_frame(head)


def _is_ogg(head: bytes, ext: str) -> bool:
    return head.startswith(b"OggS\x00")


def _is_wav(head: bytes, ext: str) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _is_flac(head: bytes, ext: str) -> bool:
    if head.startswith(b"fLaC"):
        return True
    end = _id3_end(head)  # some taggers put an ID3 tag first
    return end is not None and head[end:end + 4] == b"fLaC"


def _is_m4a(head: bytes, ext: str) -> bool:
    brands = _ftyp_brands(head)
    return brands is not None and (bool(brands[1] & _AUDIO_BRANDS) or brands[0] in _GENERIC_MP4_BRANDS)


def _is_mp4(head: bytes, ext: str) -> bool:
    brands = _ftyp_brands(head)
    return brands is not None and bool(brands[1] & (_VIDEO_BRANDS | _AUDIO_BRANDS))


def _is_quicktime(head: bytes, ext: str) -> bool:
    brands = _ftyp_brands(head)
    return brands is not None and bool(brands[1] & (_QUICKTIME_BRANDS | _VIDEO_BRANDS))


def _is_matroska(head: bytes, ext: str) -> bool:
    return head.startswith(_EBML)


# --- the allow-list ------------------------------------------------------------------------------

_Sniffer = Callable[[bytes, str], bool]
_KINDS: tuple[tuple[FileKind, _Sniffer], ...] = (
    (FileKind(N_("PDF document"), "application/pdf", (".pdf",)), _is_pdf),
    (FileKind(N_("PNG image"), "image/png", (".png",)), _is_png),
    (FileKind(N_("JPEG image"), "image/jpeg", (".jpg", ".jpeg")), _is_jpeg),
    (FileKind(N_("GIF image"), "image/gif", (".gif",)), _is_gif),
    (FileKind(N_("WebP image"), "image/webp", (".webp",)), _is_webp),
    (FileKind(N_("TIFF image"), "image/tiff", (".tif", ".tiff")), _is_tiff),
    (FileKind(N_("HEIC image"), "image/heic", (".heic", ".heif")), _is_heic),
    (FileKind(N_("Word 97–2003 document"), "application/msword", (".doc",)), _is_ole2),
    (FileKind(N_("Excel 97–2003 spreadsheet"), "application/vnd.ms-excel", (".xls",)), _is_ole2),
    (FileKind(N_("PowerPoint 97–2003 presentation"), "application/vnd.ms-powerpoint", (".ppt",)), _is_ole2),
    (FileKind(N_("Word document"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (".docx",)), _is_ooxml),
    (FileKind(N_("Excel spreadsheet"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              (".xlsx",)), _is_ooxml),
    (FileKind("PowerPoint presentation",
              "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)), _is_ooxml),
    (FileKind(N_("OpenDocument text document"), "application/vnd.oasis.opendocument.text", (".odt",)), _is_odf),
    (FileKind(N_("OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", (".ods",)), _is_odf),
    (FileKind(N_("OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation", (".odp",)), _is_odf),
    (FileKind(N_("RTF document"), "application/rtf", (".rtf",)), _is_rtf),
    (FileKind(N_("Text file"), "text/plain", (".txt",)), _is_text),
    (FileKind(N_("CSV table"), "text/csv", (".csv",)), _is_text),
    (FileKind(N_("Markdown text"), "text/markdown", (".md",)), _is_text),
    (FileKind(N_("MP3 audio"), "audio/mpeg", (".mp3",)), _is_mp3),
    (FileKind(N_("Ogg audio"), "audio/ogg", (".ogg", ".oga", ".opus")), _is_ogg),
    (FileKind(N_("WAV audio"), "audio/wav", (".wav",)), _is_wav),
    (FileKind(N_("M4A audio"), "audio/mp4", (".m4a",)), _is_m4a),
    (FileKind(N_("FLAC audio"), "audio/flac", (".flac",)), _is_flac),
    (FileKind(N_("MP4 video"), "video/mp4", (".mp4", ".m4v")), _is_mp4),
    (FileKind(N_("QuickTime video"), "video/quicktime", (".mov",)), _is_quicktime),
    (FileKind(N_("WebM video"), "video/webm", (".webm",)), _is_matroska),
    (FileKind(N_("Matroska video"), "video/x-matroska", (".mkv",)), _is_matroska),
)

KINDS: tuple[FileKind, ...] = tuple(kind for kind, _sniffer in _KINDS)
_BY_EXTENSION: dict[str, tuple[FileKind, _Sniffer]] = {
    ext: (kind, sniffer) for kind, sniffer in _KINDS for ext in kind.extensions
}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_BY_EXTENSION))

_ARCHIVE_EXTENSIONS = frozenset({
    ".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".lz", ".lzma", ".z",
    ".cab", ".arj", ".iso", ".img", ".dmg", ".jar", ".war", ".apk", ".ipa",
})
_PROGRAM_EXTENSIONS = frozenset({
    ".exe", ".com", ".bat", ".cmd", ".msi", ".msp", ".scr", ".pif", ".cpl", ".dll", ".sys", ".lnk", ".reg",
    ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".mjs", ".jse", ".wsf", ".wsh", ".hta", ".sh", ".bash", ".zsh",
    ".py", ".pyc", ".pl", ".rb", ".php", ".elf", ".bin", ".run", ".app", ".deb", ".rpm", ".swf",
})
_MARKUP_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml", ".xsl"})
_MACRO_EXTENSIONS = {
    ".docm": ".docx", ".dotm": ".docx", ".xlsm": ".xlsx", ".xltm": ".xlsx", ".pptm": ".pptx", ".potm": ".pptx",
    ".ppsm": ".pptx",
}


# --- what a file really is, for the messages ------------------------------------------------------

_MARKUP = re.compile(rb"\s*<(!doctype\s+html|html|head|body|script|iframe|svg|\?xml|!--)", re.IGNORECASE)


_ARCHIVE = N_("an archive (such as a ZIP file)")


def _dangerous(head: bytes) -> str | None:
    """A plain description of a file type that is never allowed, recognised from its first bytes."""
    if head.startswith(b"MZ"):
        return N_("a Windows program")
    if head.startswith((b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                        b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return N_("a program")
    if head.startswith(b"#!"):
        return N_("a script")
    if head.startswith((_ZIP_LOCAL, b"PK\x05\x06", b"PK\x07\x08", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c",
                        b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")) or head[257:262] == b"ustar":
        return _ARCHIVE
    text = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    match = _MARKUP.match(text)
    if match is None:
        return None
    tag, lowered = match.group(1).lower(), text.lower()
    if b"<svg" in lowered:
        return N_("an SVG image, which can contain scripts")
    if tag == b"?xml":
        return N_("an XML document")
    if tag == b"!--" and b"<html" not in lowered and b"<script" not in lowered:
        return None  # a comment opening a Markdown or text file
    return N_("a web page (HTML)")


def _recognise(head: bytes) -> FileKind | None:
    """An allowed kind the bytes match whatever the name says (for a helpful message), or None."""
    brands = _ftyp_brands(head)
    if brands is not None and brands[1] & _AUDIO_BRANDS:
        return _BY_EXTENSION[".m4a"][0]
    for kind, sniffer in _KINDS:
        if sniffer in (_is_text, _is_mp3, _is_m4a, _is_matroska, _is_ole2):
            continue  # too broad, or not specific to one extension, to suggest a name from
        if sniffer in (_is_ooxml, _is_odf) and not any(sniffer(head, ext) for ext in kind.extensions):
            continue
        if sniffer(head, kind.extensions[0]):
            return kind
    return None


def extension_of(filename: str) -> str:
    """The lower-case extension, with its dot, of the name as it will be shown ("" when there is none)."""
    name = safe_display_name(filename)
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext and " " not in ext else ""


def identify(head: bytes, filename: str) -> FileKind:
    """The allowed kind of an upload from its first bytes (SNIFF_BYTES are enough) and its name.

    Raises UploadError with a plain-language message when the file is empty, when its extension is
    not allowed, or when its content is not what the extension says.
    """
    head = bytes(head[:SNIFF_BYTES])
    if not head:
        raise UploadError(N_("The file is empty. Choose the file again, or check that it has content."))
    ext = extension_of(filename)
    allowed = ", ".join(ALLOWED_EXTENSIONS)
    if not ext:
        raise UploadError(N_("The file name has no extension (such as .pdf), so its type is unknown. "
                             "Allowed file types: %(allowed)s.", allowed=allowed))
    if ext in _ARCHIVE_EXTENSIONS:
        raise UploadError(N_("Archives (%(ext)s) cannot be uploaded, because the server never unpacks files. "
                             "Upload the documents inside it one by one.", ext=ext))
    if ext in _PROGRAM_EXTENSIONS:
        raise UploadError(N_("Programs and scripts (%(ext)s) cannot be uploaded. Allowed file types: %(allowed)s.",
                             ext=ext, allowed=allowed))
    if ext in _MARKUP_EXTENSIONS:
        raise UploadError(N_("Web pages, SVG images and XML files (%(ext)s) cannot be uploaded, because they can "
                             "contain scripts. Save or print the page as a PDF and upload that instead.", ext=ext))
    if ext in _MACRO_EXTENSIONS:
        raise UploadError(N_("Office files with macros (%(ext)s) cannot be uploaded. Save the file as %(instead)s "
                             "and upload that instead.", ext=ext, instead=_MACRO_EXTENSIONS[ext]))
    if ext not in _BY_EXTENSION:
        raise UploadError(N_("Files of type %(ext)s cannot be uploaded. Allowed file types: %(allowed)s.",
                             ext=ext, allowed=allowed))

    kind, sniffer = _BY_EXTENSION[ext]
    if sniffer(head, ext):
        return kind

    # A kind's name is a parameter the page translates (Text), so the sentences name it after a colon or in
    # brackets rather than with an English article ("a PNG image").
    other = _recognise(head)
    if other is not None and other is not kind:
        raise UploadError(N_("The file is named %(ext)s but its content is of another type (%(kind)s). "
                             "Rename it to end in %(instead)s and upload it again.",
                             ext=ext, kind=Text(other.name), instead=other.extensions[0]))
    if head.startswith(_OLE2):
        raise UploadError(N_("The file is named %(ext)s but its content is an older Microsoft Office file. "
                             "Rename it to end in .doc, .xls or .ppt, as it was saved, and upload it again.", ext=ext))
    actual = _dangerous(head)
    if actual is not None:
        if actual == _ARCHIVE and sniffer in (_is_ooxml, _is_odf):
            raise UploadError(N_("The file is named %(ext)s but it is a ZIP archive, not a document of that type "
                                 "(%(kind)s). Archives cannot be uploaded; open the file in its application and "
                                 "save it again as a document.", ext=ext, kind=Text(kind.name)))
        raise UploadError(N_("The file is named %(ext)s but its content is %(actual)s, which cannot be uploaded.",
                             ext=ext, actual=Text(actual)))
    if sniffer is _is_text:
        if b"\x00" in head:
            raise UploadError(N_("The file is named %(ext)s but it is not plain text: it contains binary data. "
                                 "If it is text, save it with the UTF-8 encoding.", ext=ext))
        raise UploadError(N_("The file is named %(ext)s but it is not UTF-8 text. Save it again with the UTF-8 "
                             "encoding.", ext=ext))
    raise UploadError(N_("The file is named %(ext)s but its content is not of that type (%(kind)s). It may be "
                         "damaged or of another type.", ext=ext, kind=Text(kind.name)))


# --- the user's file name -------------------------------------------------------------------------

# Bidirectional formatting characters: they can make "evil‮fdp.exe" display as "evilexe.pdf".
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FALLBACK = "document"


def _dropped(ch: str) -> bool:
    # Controls (NUL ...) except whitespace ones, which become spaces; lone surrogates (not valid text);
    # the byte-order mark; bidirectional controls.
    category = unicodedata.category(ch)
    return (category == "Cc" and not ch.isspace()) or category == "Cs" or ch == "\ufeff" or ch in _BIDI


def safe_display_name(filename: str, max_length: int = 200) -> str:
    """The user's file name made safe to show and to keep (encrypted) beside the stored file (UP-04).

    Keeps the last path component; drops controls and bidirectional overrides; collapses whitespace
    and runs of dots; never starts with a dot or ends with a dot or space; keeps the extension when it
    shortens the name to ``max_length`` characters; "document" when nothing is left. The result never
    contains "/", "\\", NUL or "..", and applying the function again does not change it.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    name = re.split(r"[/\\]", filename)[-1]
    # Normalised after the removals, which can bring a letter and its accent together.
    name = unicodedata.normalize("NFC", "".join(ch for ch in name if not _dropped(ch)))
    name = " ".join(name.split())
    name = re.sub(r"\.{2,}", ".", name)
    if name.startswith("."):
        name = _FALLBACK + name  # ".pdf" → "document.pdf"; a dot-file name stays visible
    name = name.rstrip(" .")
    if len(name) > max_length:
        name = _truncate(name, max_length)
    return name or _FALLBACK[:max_length]


def _truncate(name: str, max_length: int) -> str:
    stem, dot, ext = name.rpartition(".")
    extension = dot + ext
    if dot and stem and len(extension) <= min(16, max_length // 2):
        stem = stem[:max_length - len(extension)].rstrip(" .")
        return (stem or _FALLBACK[:max_length - len(extension)]) + extension
    return name[:max_length].rstrip(" .")
