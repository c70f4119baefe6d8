"""Report submissions per second on two app hosts against one (issue 22, point 6): the same PostgreSQL database
behind both, driven by wrk with load.py's submission scenario.

    .venv/bin/python bench/two_hosts.py                        # 10 s per run; about a minute in all
    .venv/bin/python bench/two_hosts.py --duration 3 --warmup 1 --jsonl rows.jsonl
    TEST_DATABASE_URL=postgresql://user@host/db .venv/bin/python bench/two_hosts.py

PostgreSQL: the server of ``--database-url`` (default TEST_DATABASE_URL) when given — its role needs CREATEDB —,
otherwise a throwaway cluster started as .ci/test-hosts starts one (tests/postgres_server.py: initdb in a temp
folder, 127.0.0.1, a free port, PostgreSQL's default durability) and stopped by its process id at the end. On it a
fresh database of our own is migrated (``flask db upgrade``, ``flask states seed``), seeded with ``--cases``
synthetic cases (bench/seed.py, which also makes the bench accounts), and dropped at the end.

What the hosts share, as separate machines would: that database (sessions, cases, the audit chain and its lock,
reference numbers), the SECRET_KEY, the key-encryption key and the blind-index secret (given as settings, not
files), and — when their servers are installed — one Redis (``redis-server``: the rate limits and the job broker
that each submission's e-mails are handed to; no worker runs, so they wait there) and one S3 bucket (.venv/bin/weed:
the file store; a submission writes no file, so the bucket is only part of the configuration). Each host is a
gunicorn of 2 sync workers with the production configuration (load.py's ``Server``) and an instance folder of its
own.

Two measured runs, each after an uncounted warm-up: one host, ``wrk -t2 -c8``; then two hosts at once, one
``wrk -t1 -c4`` per host, started together — the same 8 connections and 2 wrk threads, spread over twice the
workers (wrk sends each process's requests to one address, so two processes rather than one alternating). Their
requests per second are added up; the p50 and p95 are the worse of the two (a bound on the merged percentile:
no more than 5 % of either host's answers are slower than its own p95). Every submission goes to a fresh draft
and must answer 302 to ``…/submitted``; anything else, and socket errors, are errors. During each run the
backends waiting on a lock are sampled in pg_stat_activity, and pg_stat_database's deadlock count is read
before and after.

Prints a Markdown table; ``--jsonl`` appends its rows in load.py's format for bench/run.py. Exit status 1 when a
run had errors or a host logged one. Speed has no target here: on one machine both hosts and PostgreSQL share
the same cores (bench/README.md, "Two hosts against one").
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from base64 import urlsafe_b64encode
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402 — load.py puts the project root on sys.path

PROJECT_ROOT = load.PROJECT_ROOT
DATABASE_SUFFIX = "two_hosts_bench"
SAMPLE_INTERVAL = 0.25  # seconds between two looks at pg_stat_activity


# --- the shared servers and the settings every host gets --------------------------------------------------


def _random_key() -> str:
    return urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def shared_servers(stack: ExitStack, folder: Path, args) -> tuple[str, dict[str, str], list[str]]:
    """Start what the hosts share (stopped by ``stack``): the database URL, the hosts' settings (CASEAPP_*
    environment variables) and the names of what is shared."""
    from tests.factories import drop_database, worker_database_url
    from tests.postgres_server import PostgresServer, missing_postgres_server
    from tests.redis_server import RedisServer, missing_redis_server
    from tests.s3_server import S3Server, missing_s3_server

    base_url = args.database_url
    if not base_url:
        problem = missing_postgres_server()
        if problem:
            sys.exit(f"Two hosts need PostgreSQL: {problem}; or give --database-url (TEST_DATABASE_URL).")
        # Not inside ``folder``: the cluster belongs to the postgres user when we run as root.
        postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="caseapp-bench-pg-"))).start()
        stack.callback(postgres.stop)
        os.environ["PGPASSWORD"] = postgres.password  # libpq's: in no URL, command line or log
        base_url = postgres.url("caseapp_bench")
    database_url = worker_database_url(base_url, DATABASE_SUFFIX)
    drop_database(database_url)  # a fresh one, whatever an interrupted run left
    database_url = worker_database_url(base_url, DATABASE_SUFFIX)
    stack.callback(drop_database, database_url)
    shared = ["PostgreSQL"]
    settings = {"SECRET_KEY": secrets.token_urlsafe(48), "KEKS": f"k1:{_random_key()}", "INDEX_SECRET": _random_key()}
    if not args.no_redis and missing_redis_server() is None:
        redis = RedisServer(folder / "redis").start()
        stack.callback(redis.stop)
        settings |= {"RATELIMIT_STORAGE_URI": redis.url, "JOBS_BROKER_URL": redis.url}
        shared.append("Redis")
    if not args.no_s3 and missing_s3_server() is None:
        s3_server = S3Server(folder / "s3").start()
        stack.callback(s3_server.stop)
        settings |= s3_server.settings("bench-two-hosts/evidence")
        shared.append("S3 bucket")
    return database_url, {f"CASEAPP_{name}": value for name, value in settings.items()}, shared


def flask(*command: str) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "caseapp:create_cli_app", *command],  # noqa: S603
                          cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def start_host(folder: Path, name: str, settings: dict[str, str]) -> load.Server:
    """A host: load.py's gunicorn, with an instance folder of its own and the shared settings."""
    workdir = folder / f"host-{name}"
    (workdir / "instance").mkdir(parents=True, mode=0o700)
    return load.Server(workdir / "instance", workdir, settings)


# --- lock waits in PostgreSQL -----------------------------------------------------------------------------


class LockSampler:
    """How many of the database's backends wait on a lock, and on which kind (pg_stat_activity's wait_event:
    ``advisory`` is the audit chain's lock, ``transactionid`` or ``tuple`` a row another transaction holds, such as
    the year's reference counter), looked at every SAMPLE_INTERVAL during a run; and the deadlocks PostgreSQL
    counted meanwhile."""

    WAITING = ("SELECT wait_event, count(*) FROM pg_stat_activity WHERE datname = current_database() "
               "AND wait_event_type = 'Lock' GROUP BY wait_event")
    DEADLOCKS = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                                    isolation_level="AUTOCOMMIT", pool_size=1)
        self.samples: list[dict[str, int]] = []
        self._stop = threading.Event()

    def _count(self, query: str) -> int:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return int(connection.execute(text(query)).scalar() or 0)

    def _waiting(self) -> dict[str, int]:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return {row[0]: row[1] for row in connection.execute(text(self.WAITING))}

    def __enter__(self) -> "LockSampler":
        self.samples, self._stop = [], threading.Event()
        self.deadlocks_before = self._count(self.DEADLOCKS)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL):
            self.samples.append(self._waiting())

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.deadlocks = self._count(self.DEADLOCKS) - self.deadlocks_before

    def summary(self) -> dict:
        looks = len(self.samples) or 1
        events = sorted({event for sample in self.samples for event in sample})
        return {"lock_waiting_mean": round(sum(sum(sample.values()) for sample in self.samples) / looks, 2),
                "lock_waiting_max": max((sum(sample.values()) for sample in self.samples), default=0),
                "lock_waiting_by_event": {event: round(sum(sample.get(event, 0) for sample in self.samples) / looks, 2)
                                          for event in events},
                "deadlocks": self.deadlocks}


# --- the runs ---------------------------------------------------------------------------------------------


def wrk_together(runs: list[tuple[load.Server, load.Scenario]], cookie: str, workdir: Path, *, seconds: float,
                 connections: int, threads: int) -> list[dict]:
    """One wrk process per (host, scenario), all started at once; their results in the same order."""
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = [pool.submit(load.run_wrk, server.port, item, cookie, workdir, seconds=seconds,
                               connections=connections, threads=threads) for server, item in runs]
        return [future.result() for future in futures]


def combine(results: list[dict]) -> dict:
    """One row of several wrk runs made at the same time: requests per second added, the worse p50 and p95, the
    errors (socket errors and unexpected answers) and the answers' statuses added."""
    statuses: dict[str, int] = {}
    for result in results:
        for status, number in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + number
    return {"rps": sum(result["rps"] for result in results),
            "p50_ms": max(result["p50_us"] for result in results) / 1000,
            "p95_ms": max(result["p95_us"] for result in results) / 1000,
            "errors": sum(result["socket_errors"] + result["bad"] for result in results),
            "requests": sum(result["requests"] for result in results), "statuses": statuses,
            "per_host_rps": [round(result["rps"], 1) for result in results]}


def measure(servers: list[load.Server], bench: load.Bench, cookie: str, workdir: Path, database_url: str,
            args) -> dict:
    """The submission scenario against ``servers`` at once, the connections and wrk threads split between them."""
    runs = []
    for number, server in enumerate(servers):
        item = load.submission_scenario(bench, load.drafts_needed(args.duration, args.warmup, args.max_rate),
                                        key=f"submit-{len(servers)}-{number}")
        load.prepare_submissions(server, bench, item, cookie)  # also checks that this host takes a submission
        runs.append((server, item))
    split = {"connections": max(1, args.connections // len(servers)), "threads": max(1, args.threads // len(servers))}
    if args.warmup > 0:
        warm = [(server, load.warmup_part(item, args.warmup, args.max_rate)) for server, item in runs]
        wrk_together(warm, cookie, workdir, seconds=args.warmup, **split)
    with LockSampler(database_url) as locks:
        results = wrk_together(runs, cookie, workdir, seconds=args.duration, **split)
    for (_server, item), result in zip(runs, results, strict=True):
        if result["requests"] >= len(item.paths):
            sys.exit(f"A host ran out of drafts ({result['requests']} requests): raise --max-rate.")
    return combine(results) | locks.summary() | {"load": round(os.getloadavg()[0], 2), **split}


def rows(one: dict, two: dict, shared: list[str], problems: int = 0) -> list[dict]:
    """The two rows, in load.py's row format (``ratio`` there is to the trivial route: none here), with
    ``hosts_ratio`` the two hosts' requests per second over the one host's."""
    made = []
    for key, label, measured in (("submit_one_host", f"submissions, one host ({load.WORKERS} workers)", one),
                                 ("submit_two_hosts", f"submissions, two hosts ({load.WORKERS} workers each)", two)):
        errors = measured["errors"]
        made.append({
            "bench": "two hosts", "key": key,
            "measurement": f"{label}; sharing {', '.join(shared)}; wrk -t{measured['threads']} "
                           f"-c{measured['connections']} per host",
            "rps": round(measured["rps"], 1), "p50_ms": round(measured["p50_ms"], 1),
            "p95_ms": round(measured["p95_ms"], 1), "ratio": None,
            "hosts_ratio": round(two["rps"] / one["rps"], 2) if measured is two and one["rps"] else None,
            "per_host_rps": measured["per_host_rps"], "errors": errors, "statuses": measured["statuses"],
            "requests": measured["requests"], "lock_waiting_mean": measured["lock_waiting_mean"],
            "lock_waiting_max": measured["lock_waiting_max"],
            "lock_waiting_by_event": measured["lock_waiting_by_event"], "deadlocks": measured["deadlocks"],
            "load": measured["load"], "target": "0 errors",
            "verdict": "PASS" if errors == 0 and problems == 0 else "MISS",
        })
    return made


def markdown(made: list[dict]) -> str:
    lines = ["| run | req/s | p50 | p95 | errors | backends waiting on a lock (mean / max) | deadlocks "
             "| two hosts / one |",
             "|---|---|---|---|---|---|---|---|"]
    for row in made:
        hosts = " + ".join(f"{rps:,.1f}" for rps in row["per_host_rps"])
        rate = f"{row['rps']:,.1f}" + (f" ({hosts})" if len(row["per_host_rps"]) > 1 else "")
        ratio = f"{row['hosts_ratio']:.2f}×" if row["hosts_ratio"] is not None else "—"
        kinds = ", ".join(f"{event} {mean:.2f}" for event, mean in row["lock_waiting_by_event"].items())
        lines.append(f"| {row['measurement'].split(';')[0]} | {rate} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms "
                     f"| {row['errors']} | {row['lock_waiting_mean']:.2f} / {row['lock_waiting_max']}"
                     + (f" ({kinds})" if kinds else "") + " "
                     f"| {row['deadlocks']} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server to make the database on (default TEST_DATABASE_URL; "
                             "unset: a throwaway cluster)")
    parser.add_argument("--cases", type=int, default=300, help="synthetic cases seeded first (default 300)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of the uncounted wrk run before each")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections in all (split between hosts)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads in all (split between hosts)")
    parser.add_argument("--max-rate", type=int, default=200,
                        help="submissions per second per host the drafts are made for (default 200)")
    parser.add_argument("--no-redis", action="store_true", help="no shared Redis (rate limits in the database)")
    parser.add_argument("--no-s3", action="store_true", help="no shared S3 bucket (each host's own folder)")
    parser.add_argument("--jsonl", help="also append the rows as JSON lines to this file (for bench/run.py)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (Debian's package).")
    started, load_before = time.monotonic(), os.getloadavg()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-hosts-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        database_url, settings, shared = shared_servers(stack, folder, args)
        setup = folder / "setup"
        setup.mkdir(mode=0o700)
        # This process, the flask commands and seed.py: the development configuration on the shared settings.
        os.environ.update(settings | {"DATABASE_URL": database_url, "CASEAPP_INSTANCE_PATH": str(setup),
                                      "CASEAPP_CONFIG": "development", "CASEAPP_LOG_LEVEL": "WARNING"})
        print(f"==> migrating the database and seeding {args.cases:,} cases; sharing {', '.join(shared)}",
              file=sys.stderr, flush=True)
        flask("db", "upgrade")
        flask("states", "seed")
        subprocess.run([sys.executable, str(load.PROJECT_ROOT / "bench" / "seed.py"), "--instance", str(setup),  # noqa: S603
                        "--cases", str(args.cases)], check=True, stdout=subprocess.DEVNULL)
        bench = load.Bench(setup)
        cookie = bench.cookie_for(load.SUBMITTER)
        servers: list[load.Server] = []
        try:
            servers.append(start_host(folder, "A", settings))
            print("==> one host", file=sys.stderr, flush=True)
            one = measure(servers, bench, cookie, folder, database_url, args)
            servers.append(start_host(folder, "B", settings))
            print("==> two hosts", file=sys.stderr, flush=True)
            two = measure(servers, bench, cookie, folder, database_url, args)
        finally:
            for server in servers:
                server.stop()
                problems += load.log_problems(server.log_path.read_text())
    made = rows(one, two, shared, len(problems))
    print(f"\ntwo_hosts.py: each host gunicorn {load.WORKERS} sync workers, production configuration; "
          f"{args.cases:,} cases; {args.duration:g} s per run after {args.warmup:g} s of warm-up; {load.machine()} "
          f"(load average at start {load_before[0]:.2f}); {time.monotonic() - started:.0f} s in all\n")
    print(markdown(made))
    return load.finish(made, problems, args.jsonl, who="hosts")


if __name__ == "__main__":
    sys.exit(main())
