"""The encrypted spool that uploads stream into: no plaintext on disk (UP-06), tampering detected."""

import io
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.formparser import parse_form_data
from werkzeug.test import EnvironBuilder

from caseapp.crypto import CHUNK_SIZE, DecryptionError, EncryptedSpool

PROC_FDS = Path("/proc/self/fd")
needs_proc = pytest.mark.skipif(not PROC_FDS.is_dir(), reason="needs /proc to find the anonymous temp file")


def spooled(data: bytes, chunk_size: int = CHUNK_SIZE, directory=None, piece: int = 4096) -> EncryptedSpool:
    spool = EncryptedSpool(directory=str(directory) if directory else None, chunk_size=chunk_size)
    for start in range(0, len(data), piece):
        spool.write(data[start : start + piece])
    spool.seek(0)
    return spool


def open_files_in(directory: Path) -> list[int]:
    """Descriptors this process holds on files in ``directory``, including unlinked ones."""
    found = []
    for entry in PROC_FDS.iterdir():
        try:
            target = os.readlink(entry)
        except OSError:  # the descriptor listing the directory itself is gone already
            continue
        if target.startswith(f"{directory}/"):
            found.append(int(entry.name))
    return found


def raw_bytes(fd: int) -> bytes:
    return os.pread(fd, os.fstat(fd).st_size, 0)


@given(
    data=st.binary(max_size=5000),
    chunk_size=st.integers(min_value=1, max_value=600),
    write_sizes=st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=10),
    read_sizes=st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=10),
)
def test_round_trip_for_any_bytes_and_write_sizes(data, chunk_size, write_sizes, read_sizes):
    with EncryptedSpool(chunk_size=chunk_size) as spool:
        offset, turn = 0, 0
        while offset < len(data) or turn == 0:
            size = write_sizes[turn % len(write_sizes)] or 1
            assert spool.write(data[offset : offset + size]) == len(data[offset : offset + size])
            offset += size
            turn += 1
            assert spool.tell() == min(offset, len(data))
        assert spool.seek(0) == 0
        parts, turn = [], 0
        while piece := spool.read(read_sizes[turn % len(read_sizes)]):
            assert len(piece) == min(read_sizes[turn % len(read_sizes)], len(data) - sum(map(len, parts)))
            parts.append(piece)
            turn += 1
        assert b"".join(parts) == data
        assert spool.tell() == len(data)
        spool.seek(0)
        assert spool.read() == data  # read it twice, as a view that checks then saves might


def test_readinto_readall_and_random_seeks():
    data = os.urandom(1000)
    spool = spooled(data, chunk_size=64)
    buffer = bytearray(300)
    assert spool.readinto(buffer) == 300 and buffer == data[:300]
    assert spool.readall() == data[300:]
    assert spool.seek(-10, io.SEEK_END) == 990 and spool.read() == data[990:]
    assert spool.seek(130) == 130 and spool.read(5) == data[130:135]
    assert spool.seek(2000) == 2000 and spool.read(5) == b""


def test_capabilities_answer_truthfully_in_each_phase():
    spool = EncryptedSpool()
    assert (spool.writable(), spool.readable(), spool.seekable()) == (True, False, True)
    spool.write(b"abc")
    assert spool.seek(0, io.SEEK_CUR) == 3  # asking the position changes nothing
    with pytest.raises(io.UnsupportedOperation):
        spool.read()  # not rewound yet
    with pytest.raises(io.UnsupportedOperation):
        spool.seek(1)  # only a rewind to 0 while writing
    spool.seek(0)
    assert (spool.writable(), spool.readable(), spool.seekable()) == (False, True, True)
    with pytest.raises(io.UnsupportedOperation):
        spool.write(b"more")  # writing after the rewind is refused
    with pytest.raises(io.UnsupportedOperation):
        spool.fileno()  # the descriptor would hand out ciphertext as if it were the upload
    spool.close()
    assert spool.closed and not spool.readable() and not spool.writable()
    with pytest.raises(ValueError):
        spool.read()
    spool.close()  # idempotent


def test_empty_and_small_uploads():
    assert spooled(b"").read() == b""
    assert spooled(b"x").read() == b"x"


@needs_proc
def test_a_2_mb_upload_leaves_no_plaintext_on_disk(tmp_path):  # UP-06
    directory = tmp_path / "spool"
    directory.mkdir()
    marker = b"MARKER-victim-name-7f3a9c"
    # The marker recurs throughout, including across chunk boundaries and in the last, partial chunk.
    data = (marker + os.urandom(1000)) * 2048 + marker
    spool = spooled(data, directory=directory, piece=1500)
    assert spool.read(len(marker)) == marker  # open and mid-read
    assert [path for path in directory.iterdir() if marker in path.read_bytes()] == []
    descriptors = open_files_in(directory)
    assert descriptors, "the spool's temporary file should be open in the directory"
    for fd in descriptors:
        contents = raw_bytes(fd)
        assert len(contents) >= len(data)  # it is the spool's file, holding all the data...
        assert marker not in contents  # ...as ciphertext only
        assert marker[:12] not in contents
    spool.close()
    assert open_files_in(directory) == []  # closing removes it
    assert list(directory.iterdir()) == []


@needs_proc
@pytest.mark.parametrize("damage", ["flip", "truncate", "swap"])
def test_tampering_with_the_temp_file_fails(tmp_path, damage):
    data = os.urandom(5000)
    spool = spooled(data, chunk_size=1000, directory=tmp_path)
    (fd,) = open_files_in(tmp_path)
    record = 12 + 1000 + 16
    if damage == "flip":
        os.pwrite(fd, bytes([raw_bytes(fd)[2 * record + 50] ^ 1]), 2 * record + 50)
    elif damage == "truncate":
        os.ftruncate(fd, 4 * record + 100)
    else:  # two whole records exchanged
        contents = raw_bytes(fd)
        os.pwrite(fd, contents[record : 2 * record] + contents[:record], 0)
    with pytest.raises(DecryptionError) as info:
        spool.read()
    assert "upload spool" in str(info.value)
    spool.close()


def test_memory_stays_bounded_while_spooling_64_mib():  # DESIGN.md §7: bounded memory for uploads
    piece = os.urandom(CHUNK_SIZE)
    tracemalloc.start()
    try:
        with EncryptedSpool() as spool:
            for _ in range(1024):
                spool.write(piece)
            spool.seek(0)
            total = 0
            while data := spool.read(CHUNK_SIZE):
                total += len(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == 64 * 1024 * 1024
    assert peak < 5 * CHUNK_SIZE, f"peak {peak} bytes"


def test_werkzeug_multipart_parser_streams_an_upload_through_the_spool(tmp_path):  # UP-06
    content = os.urandom(1_500_000)
    environ = EnvironBuilder(method="POST", data={"evidence": (io.BytesIO(content), "scan.pdf")}).get_environ()
    spools = []

    def factory(total_content_length, content_type, filename=None, content_length=None):
        spools.append(EncryptedSpool(directory=str(tmp_path)))
        return spools[-1]

    _, _, files = parse_form_data(environ, stream_factory=factory)
    upload = files["evidence"]
    assert upload.stream is spools[0]
    saved = io.BytesIO()
    upload.save(saved)
    assert saved.getvalue() == content
    upload.close()
    assert spools[0].closed
