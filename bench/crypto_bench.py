"""Throughput and memory of the crypto layer, against DESIGN.md §7.

    .venv/bin/python bench/crypto_bench.py           # full sizes (about a minute, needs ~2.2 GB of temp disk)
    .venv/bin/python bench/crypto_bench.py --quick   # small sizes, a few seconds; indicative only

Prints one Markdown table (paste it into bench/README.md) and exits 1 if a target is missed.
The upload measurement runs in a fresh subprocess so that memory the parent already touched cannot
hide a peak: ru_maxrss only ever grows, so it is read there before and after the upload.
"""

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere, as a plain script

from caseapp.crypto import (  # noqa: E402
    CHUNK_SIZE,
    BlindIndexer,
    EncryptedSpool,
    FileEncryptor,
    decrypt_field,
    decrypt_stream,
    encrypt_field,
    new_file_key,
)

MIB = 1024 * 1024
TARGET_FILE_MIB_S = 300  # DESIGN.md §7: attachments encrypt and decrypt ≥ 300 MiB/s
TARGET_UPLOAD_RSS_MIB = 64  # DESIGN.md §7: a 1 GiB upload raises peak memory by ≤ 64 MiB
NAMES = ["José María Pérez", "Nguyễn Thị Minh Khai", "Amina Yusuf", "O'Brien-Ruíz, Siobhán", "Чернов Павел"]


def field_ops_per_second(count: int) -> float:
    """One operation = encrypt then decrypt a 200-byte value, as the app stores each sensitive column."""
    key, value = os.urandom(32), os.urandom(200)
    aad = f"reports|victim_name|{uuid.uuid4()}|v1".encode()
    start = time.perf_counter()
    for _ in range(count):
        decrypt_field(key, encrypt_field(key, value, aad), aad)
    return count / (time.perf_counter() - start)


def file_throughput(size: int, rounds: int = 3) -> tuple[float, float]:
    """Best of ``rounds``, in MiB/s: encrypt from memory to /dev/null in 64 KiB writes (as an upload
    arrives), then decrypt from memory, discarding the plaintext."""
    key, file_id = new_file_key(), uuid.uuid4()
    data = memoryview(os.urandom(size))
    best_encrypt = best_decrypt = float("inf")
    for _ in range(rounds):
        with open(os.devnull, "wb") as sink:
            start = time.perf_counter()
            encryptor = FileEncryptor(key, file_id, sink)
            for offset in range(0, size, CHUNK_SIZE):
                encryptor.write(data[offset : offset + CHUNK_SIZE])
            encryptor.close()
            best_encrypt = min(best_encrypt, time.perf_counter() - start)
    ciphertext = io.BytesIO()
    with FileEncryptor(key, file_id, ciphertext) as encryptor:
        encryptor.write(data)
    for _ in range(rounds):
        ciphertext.seek(0)
        start = time.perf_counter()
        for _chunk in decrypt_stream(key, file_id, ciphertext):
            pass
        best_decrypt = min(best_decrypt, time.perf_counter() - start)
    return size / MIB / best_encrypt, size / MIB / best_decrypt


def upload_child(size: int) -> None:
    """In a fresh process: spool ``size`` bytes as Werkzeug would, then re-encrypt them into a file
    as the file store does (fsync included). Prints throughput and the peak-RSS increase as JSON."""
    pieces = [os.urandom(CHUNK_SIZE) for _ in range(16)]
    key, file_id = new_file_key(), uuid.uuid4()
    with tempfile.TemporaryDirectory() as directory:
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        rss_before = proc_status_kib("VmRSS")
        peak_was_reset = reset_peak_rss()
        start = time.perf_counter()
        with EncryptedSpool(directory=directory) as spool, open(Path(directory) / "stored", "wb") as out:
            for index in range(size // CHUNK_SIZE):
                spool.write(pieces[index % len(pieces)])
            spool.seek(0)
            with FileEncryptor(key, file_id, out) as encryptor:
                while piece := spool.read(CHUNK_SIZE):
                    encryptor.write(piece)
            out.flush()
            os.fsync(out.fileno())
        elapsed = time.perf_counter() - start
        maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_after = proc_status_kib("VmHWM") if peak_was_reset else maxrss_after
    print(json.dumps({
        "mib_s": size / MIB / elapsed,
        "peak_increase_mib": (peak_after - rss_before) / 1024,
        "maxrss_delta_mib": (maxrss_after - maxrss_before) / 1024,
    }))


def proc_status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0).

    ru_maxrss alone can miss the upload's peak: it never goes down, already holds start-up peaks, and
    a child started by exec inherits the parent's RSS at fork time as its ru_maxrss.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def upload_path(size: int) -> dict:
    result = subprocess.run(  # noqa: S603 — our own script, with our own interpreter
        [sys.executable, __file__, "--upload-child", str(size)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def blind_index_ops_per_second(count: int) -> float:
    indexer = BlindIndexer(os.urandom(32))
    start = time.perf_counter()
    for number in range(count):
        indexer.index("victim_name", NAMES[number % len(NAMES)])
    return count / (time.perf_counter() - start)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; nproc {os.cpu_count()}; {cpu}; "
        f"Python {platform.python_version()}; cryptography {version('cryptography')}"
    )


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: runs in seconds, indicative only")
    parser.add_argument("--upload-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upload_child:
        upload_child(args.upload_child)
        return 0

    file_size = (32 if args.quick else 256) * MIB
    upload_size = (128 * MIB) if args.quick else (1024 * MIB)
    ops = 20_000 if args.quick else 200_000

    upload = upload_path(upload_size)  # first, while this process is still small
    fields = field_ops_per_second(ops)
    encrypt_mib_s, decrypt_mib_s = file_throughput(file_size)
    bidx = blind_index_ops_per_second(ops)

    file_label = f"{file_size // MIB} MiB, best of 3"
    upload_label = f"{upload_size // MIB} MiB in 64 KiB writes → EncryptedSpool → FileEncryptor → fsync'd file"
    rows = [
        ("field encrypt+decrypt (200 B value, AAD `reports\\|victim_name\\|<uuid>\\|v1`)",
         f"{fields:,.0f} ops/s", "—", "—"),
        (f"file encrypt ({file_label}, to /dev/null)", f"{encrypt_mib_s:,.0f} MiB/s",
         f"≥ {TARGET_FILE_MIB_S} MiB/s", verdict(encrypt_mib_s >= TARGET_FILE_MIB_S)),
        (f"file decrypt ({file_label}, from memory)", f"{decrypt_mib_s:,.0f} MiB/s",
         f"≥ {TARGET_FILE_MIB_S} MiB/s", verdict(decrypt_mib_s >= TARGET_FILE_MIB_S)),
        (f"upload path ({upload_label})", f"{upload['mib_s']:,.0f} MiB/s", "—", "—"),
        ("upload path: peak RSS increase (fresh process: VmHWM after − VmRSS before; ru_maxrss Δ)",
         f"{upload['peak_increase_mib']:.1f} MiB (ru_maxrss Δ {upload['maxrss_delta_mib']:.1f} MiB)",
         f"≤ {TARGET_UPLOAD_RSS_MIB} MiB", verdict(upload["peak_increase_mib"] <= TARGET_UPLOAD_RSS_MIB)),
        ("blind index (victim_name, HMAC-SHA256, 8 bytes)", f"{bidx:,.0f} ops/s", "—", "—"),
    ]
    print(f"crypto_bench{' --quick (sizes reduced: indicative only)' if args.quick else ''}: {machine()}")
    print()
    print("| measurement | result | target (DESIGN.md §7) | verdict |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 1 if any(row[3] == "MISS" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
