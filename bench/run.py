"""Every benchmark of DESIGN.md §7 in one run, and one table: what `make bench` runs (bench/README.md).

    .venv/bin/python bench/run.py --instance instance-bench --cases 100000 --seconds 10
    .venv/bin/python bench/run.py --quick --instance instance-bench-quick --cases 2000 --seconds 3

The instance must exist (`make setup INSTANCE=…`, which `make bench` runs first). In order: wrk is
checked (and installed from Debian's packages when this runs as root with apt-get), the instance is
seeded up to ``--cases`` (nothing to do when it already holds them), then crypto_bench.py,
engine_bench.py and load.py run, each printing its own table as it goes, and their rows are gathered into
one Markdown table. The exit status is 1 when a script fails; a missed target is a MISS in the table (and
exit status 1 only with ``--strict``).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package (apt-get install wrk).", flush=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=False)  # noqa: S607
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update"], check=False)  # noqa: S607
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=False)  # noqa: S607
    if not shutil.which("wrk"):
        sys.exit("The load run needs wrk: install Debian's package with `sudo apt-get install wrk`, then run again.")


def run(title: str, command: list[str]) -> str:
    """Run one script, showing its output as it comes; return that output."""
    print(f"\n==> {title}: {' '.join(Path(part).name if part.endswith('.py') else part for part in command)}",
          flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,  # noqa: S603
                               cwd=BENCH.parent)
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    if process.wait() not in (0, 1):  # 1: the script ran and reported a missed target
        sys.exit(f"{title} failed (exit status {process.returncode}).")
    print(f"({title}: {time.perf_counter() - started:.0f} s)", flush=True)
    return "".join(lines)


def table_rows(output: str, bench: str) -> list[dict]:
    """The rows of the 4-column table crypto_bench.py and engine_bench.py print."""
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 4 or cells[0] in ("measurement", "---") or set(cells[0]) <= {"-"}:
            continue
        rows.append({"bench": bench, "measurement": cells[0], "result": cells[1], "target": cells[2],
                     "verdict": cells[3]})
    return rows


def machine() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"nproc {os.cpu_count()}; CPU {model}; RAM {memory:.0f} GiB; Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="instance-bench")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of each load scenario")
    parser.add_argument("--quick", action="store_true", help="small sizes everywhere: a smoke run, indicative only")
    parser.add_argument("--strict", action="store_true", help="exit status 1 when a target is missed")
    args = parser.parse_args(argv)
    ensure_wrk()
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    quick = ["--quick"] if args.quick else []
    run("seed", [PYTHON, str(BENCH / "seed.py"), "--instance", args.instance, "--cases", str(args.cases)])
    rows = table_rows(run("crypto", [PYTHON, str(BENCH / "crypto_bench.py"), *quick]), "crypto")
    rows += table_rows(run("engine", [PYTHON, str(BENCH / "engine_bench.py"), *quick]), "engine")
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-run-") as tmp:
        jsonl = Path(tmp) / "load.jsonl"
        run("load", [PYTHON, str(BENCH / "load.py"), "--instance", args.instance, "--duration", str(args.seconds),
                     "--warmup", "1" if args.quick else "2", "--jsonl", str(jsonl)])
        load_rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
    for row in load_rows:
        row["result"] = f"{row['rps']:,.1f} req/s"
    rows += load_rows

    print(f"\n## All benchmarks — {started:%Y-%m-%d %H:%M} UTC{' (--quick: indicative only)' if args.quick else ''}\n")
    print(f"{machine()}; {args.cases:,} cases in {args.instance}; load scenarios {args.seconds:g} s each; "
          f"load average at start {load_before[0]:.2f} (other processes share the machine: the ratio to the "
          "trivial route is the robust number)\n")
    print("| bench | measurement | result | p50 | p95 | ratio to trivial | target (DESIGN.md §7) | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        p50 = f"{row['p50_ms']:.1f} ms" if "p50_ms" in row else "—"
        p95 = f"{row['p95_ms']:.1f} ms" if "p95_ms" in row else "—"
        if row.get("key") == "trivial":
            ratio = "1 (baseline)"
        else:
            ratio = f"{row['ratio'] * 100:.0f} %" if row.get("ratio") is not None else "—"
        errors = f" ({row['errors']} errors)" if row.get("errors") else ""
        print(f"| {row['bench']} | {row['measurement']} | {row['result']}{errors} | {p50} | {p95} | {ratio} | "
              f"{row['target']} | {row['verdict']} |")
    missed = [row for row in rows if row["verdict"] == "MISS"]
    print(f"\n{len(rows) - len(missed)} rows pass or have no target; {len(missed)} miss their target.")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
