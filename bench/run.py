"""Every benchmark of DESIGN.md §7 in one run, and one table: what `make bench` runs (bench/README.md).

    .venv/bin/python bench/run.py --instance instance-bench --cases 100000 --seconds 10
    .venv/bin/python bench/run.py --quick --instance instance-bench-quick --cases 2000 --seconds 3

The instance must exist (`make setup INSTANCE=…`, which `make bench` runs first). In order: wrk is
checked (and installed from Debian's packages when this runs as root with apt-get), the instance is
seeded up to ``--cases`` (nothing to do when it already holds them), then crypto_bench.py,
engine_bench.py, s3_store_memory.py (a 1 GiB file through the S3 store, when SeaweedFS's binary is
installed), load.py and two_hosts.py (submissions on two app hosts against one, when PostgreSQL is at hand)
run, each printing its own table as it goes, and their rows are gathered into one Markdown table. Then
(issue 20, point 4) the list and page scenarios run again on smaller instances
(``--sizes``, 1,000 and 10,000 cases by default; each its own instance folder, ``<instance>-<size>``, set up
and seeded the same way) and one more table shows each scenario's latency by case count, drawn in
``bench/scaling.svg``: a flat line is a page whose cost does not grow with the data. The exit status is 1
when a script fails; a missed target is a MISS in the table (and exit status 1 only with ``--strict``).
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
# The scenarios whose cost should not grow with the number of cases (load.py's keys).
SCALING_SCENARIOS = ("queue", "partner_list", "committee_list", "case_page", "search")
PLOT = BENCH / "scaling.svg"


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


S3_PEAK_TARGET_MIB = 64  # issue 22: a 1 GiB upload to the S3 store adds at most 64 MiB of memory


def s3_rows(quick: bool) -> list[dict]:
    """The S3 store's rows (issue 22, point 6): upload and download speed and the peak memory each adds,
    for one 1 GiB file (64 MiB with --quick) against a local SeaweedFS server (bench/s3_store_memory.py).
    None without the server's binary (requirements-s3-server.txt), said in the table."""
    sys.path.insert(0, str(BENCH.parent))
    from tests.s3_server import missing_s3_server

    problem = missing_s3_server()
    if problem:
        return [{"bench": "S3 store", "measurement": "1 GiB upload and download", "result": f"not run: {problem}",
                 "target": f"peak ≤ {S3_PEAK_TARGET_MIB} MiB", "verdict": "—"}]
    mib = 64 if quick else 1024
    output = run("S3 store", [PYTHON, str(BENCH / "s3_store_memory.py"), "--mib", str(mib)])
    measured = json.loads(output.strip().splitlines()[-1])
    rows = []
    for step in ("upload", "download"):
        peak = measured[f"{step}_peak_increase_mib"]
        rows.append({
            "bench": "S3 store", "measurement": f"{step} of a {mib:,} MiB file (SeaweedFS on 127.0.0.1)",
            "result": f"{measured[f'{step}_mib_s'] / 1024:.2f} GiB/s; peak memory +{peak:.1f} MiB",
            "target": f"peak ≤ {S3_PEAK_TARGET_MIB} MiB" + (" (for 1 GiB)" if quick else ""),
            "verdict": "PASS" if peak <= S3_PEAK_TARGET_MIB else "MISS"})
    return rows


def two_hosts_rows(seconds: float, quick: bool) -> list[dict]:
    """Submissions per second on two app hosts against one, on one PostgreSQL database (issue 22, point 6;
    bench/two_hosts.py). Not run without PostgreSQL: neither TEST_DATABASE_URL nor server binaries to start one."""
    sys.path.insert(0, str(BENCH.parent))
    from tests.postgres_server import missing_postgres_server

    problem = None if os.environ.get("TEST_DATABASE_URL") else missing_postgres_server()
    if problem:
        print(f"\n==> two hosts: skipped, {problem} (and TEST_DATABASE_URL is not set)", flush=True)
        return [{"bench": "two hosts", "measurement": "submissions, two hosts against one",
                 "result": f"not run: {problem}", "target": "0 errors", "verdict": "—"}]
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-hosts-rows-") as tmp:
        jsonl = Path(tmp) / "two_hosts.jsonl"
        run("two hosts", [PYTHON, str(BENCH / "two_hosts.py"), "--duration", str(seconds),
                          "--warmup", "1" if quick else "2", "--jsonl", str(jsonl)])
        rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
    return with_hosts_result(rows)


def with_hosts_result(rows: list[dict]) -> list[dict]:
    """two_hosts.py's rows with the table's result: requests per second, and for two hosts their ratio to one."""
    for row in rows:
        ratio = f"; {row['hosts_ratio']:.2f}× one host" if row.get("hosts_ratio") is not None else ""
        row["result"] = f"{row['rps']:,.1f} req/s{ratio}"
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
    parser.add_argument("--sizes", default=None,
                        help="comma-separated case counts for the scaling table (default 1000,10000; "
                             "'' for none; --quick: none)")
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = "" if args.quick else "1000,10000"
    ensure_wrk()
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    quick = ["--quick"] if args.quick else []
    run("seed", [PYTHON, str(BENCH / "seed.py"), "--instance", args.instance, "--cases", str(args.cases)])
    rows = table_rows(run("crypto", [PYTHON, str(BENCH / "crypto_bench.py"), *quick]), "crypto")
    rows += table_rows(run("engine", [PYTHON, str(BENCH / "engine_bench.py"), *quick]), "engine")
    rows += s3_rows(args.quick)
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-run-") as tmp:
        jsonl = Path(tmp) / "load.jsonl"
        run("load", [PYTHON, str(BENCH / "load.py"), "--instance", args.instance, "--duration", str(args.seconds),
                     "--warmup", "1" if args.quick else "2", "--jsonl", str(jsonl)])
        load_rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
    for row in load_rows:
        row["result"] = f"{row['rps']:,.1f} req/s"
    rows += load_rows
    rows += two_hosts_rows(args.seconds, args.quick)

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
    if args.sizes:
        by_size = {args.cases: {row["key"]: row for row in load_rows if row.get("key") in SCALING_SCENARIOS}}
        for size in sorted(int(size) for size in args.sizes.split(",")):
            if size != args.cases:
                by_size[size] = scaling_run(args, size)
        print_scaling(by_size)
        write_plot(by_size, PLOT)
        print(f"\nThe plot of p95 latency against case count: {PLOT.relative_to(BENCH.parent)}")
    return 1 if args.strict and missed else 0


def scaling_run(args, size: int) -> dict[str, dict]:
    """The list and page scenarios on an instance of ``size`` cases (set up and seeded when needed)."""
    instance = f"{args.instance}-{size}"
    run(f"setup {instance}", ["make", "--no-print-directory", "setup", f"INSTANCE={instance}"])
    run(f"seed {instance}", [PYTHON, str(BENCH / "seed.py"), "--instance", instance, "--cases", str(size)])
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-scaling-") as tmp:
        jsonl = Path(tmp) / "load.jsonl"
        run(f"load {instance}", [PYTHON, str(BENCH / "load.py"), "--instance", instance, "--duration",
                                 str(args.seconds), "--warmup", "1" if args.quick else "2", "--jsonl", str(jsonl),
                                 "--only", ",".join(SCALING_SCENARIOS)])
        rows = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
    return {row["key"]: row for row in rows if row.get("key") in SCALING_SCENARIOS}


def print_scaling(by_size: dict[int, dict[str, dict]]) -> None:
    sizes = sorted(by_size)
    print("\n## How the pages grow with the data (p50 / p95, requests per second)\n")
    print("| scenario | " + " | ".join(f"{size:,} cases" for size in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for key in SCALING_SCENARIOS:
        cells = []
        for size in sizes:
            row = by_size[size].get(key)
            cells.append(f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} ms ({row['rps']:,.0f}/s)" if row else "—")
        label = next((by_size[size][key]["measurement"] for size in sizes if key in by_size[size]), key)
        short = re.split(r" \(|, ", label)[0]  # "case list: lawyers' queue", without the run's details
        print(f"| {short} | " + " | ".join(cells) + " |")


def write_plot(by_size: dict[int, dict[str, dict]], path: Path) -> None:
    """p95 latency against case count, one line per scenario, the case count on a log scale: an SVG
    written by hand (a few lines and labels need no plotting library)."""
    import math

    sizes = sorted(by_size)
    width, height, left, right, top, bottom = 720, 400, 70, 190, 30, 50
    highest = max([row["p95_ms"] for rows in by_size.values() for row in rows.values()] + [1.0])
    magnitude = 10 ** math.floor(math.log10(highest))
    ceiling = next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= highest)
    span = (math.log10(sizes[-1]) - math.log10(sizes[0])) or 1.0

    def x(size: int) -> float:
        return left + (math.log10(size) - math.log10(sizes[0])) / span * (width - left - right)

    def y(ms: float) -> float:
        return top + (1 - ms / ceiling) * (height - top - bottom)

    colours = ("#1b5e9e", "#b3541e", "#2e7d32", "#6a1b9a", "#8d6e00")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             '<title>p95 latency of each page against the number of cases</title>',
             f'<rect width="{width}" height="{height}" fill="#fff"/>',
             f'<text x="{left}" y="18" font-size="14">p95 latency (ms) by number of cases</text>']
    for step in range(5):
        ms = ceiling * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms:g}</text>')
    for size in sizes:
        parts.append(f'<text x="{x(size):.1f}" y="{height - bottom + 18}" text-anchor="middle">{size:,}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 12}" text-anchor="middle">cases '
                 '(log scale)</text>')
    for number, key in enumerate(SCALING_SCENARIOS):
        points = [(x(size), y(by_size[size][key]["p95_ms"])) for size in sizes if key in by_size[size]]
        if not points:
            continue
        colour = colours[number % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                     + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        parts.append(f'<text x="{width - right + 10}" y="{top + 20 + number * 18}" fill="{colour}">'
                     f'{key.replace("_", " ")}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    sys.exit(main())
