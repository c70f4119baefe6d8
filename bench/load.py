"""The load run of DESIGN.md §7: gunicorn (2 workers) on 127.0.0.1, driven by wrk, over the pages and
operations with targets, side by side with a trivial route of the same app in the same run.

    .venv/bin/python bench/load.py --instance instance-bench            # 10 s per scenario
    .venv/bin/python bench/load.py --instance instance-bench --duration 3 --warmup 1

The instance must be seeded first (bench/seed.py). The bench accounts are signed in by writing a session
row and signing its cookie with the instance's secret key, as the test suite does (tests/factories.py
``login``): the sign-in itself (argon2, TOTP) is not what is measured, and no password or two-factor
secret is needed. Each scenario is one wrk run — a fixed number of connections for a fixed time, after
a short warm-up run that is not counted — with a Lua script that rotates over many URLs (so no page is
served from a warm cache alone), sends the cookie and the CSRF token, checks each answer, and prints
throughput, the 50th and 95th latency percentiles and the error counts as one JSON line. Everything is
bounded: each wrk run by ``--duration``, gunicorn is stopped at the end whatever happens, and every
request goes to 127.0.0.1.

It prints one Markdown table and, with ``--jsonl``, writes its rows for bench/run.py; exit status 1 when
a target is missed.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

BENCH_DOMAIN = "bench.invalid"
NAMES_FILE = "bench-victim-names.json"
WORKERS = 2
BOOT_TIMEOUT = 90.0
READY_LINE = "bench worker ready"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
GUNICORN_CONFIG = f'''
control_socket_disable = True


def post_worker_init(worker):
    worker.log.info("{READY_LINE} (pid %s)", worker.pid)
'''
TRIVIAL_PATH = "/bench/trivial"
PAGE_SIZE = 50  # DESIGN.md §7: "case list page (50 rows …)"
SUBMITTER = f"partner02@{BENCH_DOMAIN}"  # the account whose drafts the submission scenario submits
DRAFTS_PER_SECOND = 400  # drafts made per second of a submission run: more than the fastest rate we could see
LOG_PROBLEMS = ("Traceback", "[ERROR]", '"level": "ERROR"', "WORKER TIMEOUT", "database is locked")


# --- scenarios -----------------------------------------------------------------------------------

@dataclass
class Scenario:
    key: str
    label: str
    who: str | None  # the bench account whose cookie is sent
    paths: list[str]
    method: str = "GET"
    bodies: list[str] | None = None  # one form body per path (POST)
    expect_location: str | None = None  # a POST's answer: a 302 whose Location contains this
    names: list[str] = field(default_factory=list)  # the search scenario's victim names
    target: str = "—"
    ratio_min: float | None = None
    p95_max_ms: float | None = None
    rate_min: float | None = None
    result: dict = field(default_factory=dict)


LUA = r'''
local paths = {PATHS}
local bodies = {BODIES}
local method = "{METHOD}"
local headers = {HEADERS}
local expect_location = {EXPECT}
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  position = tid
  ok, bad, statuses = 0, 0, {}
end

function request()
  local i = (position % #paths) + 1
  position = position + {STRIDE}
  local body = nil
  if bodies then body = bodies[i] end
  return wrk.format(method, paths[i], headers, body)
end

function response(status, hdrs, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if expect_location then
    local location = hdrs["Location"] or hdrs["location"] or ""
    if status == 302 and string.find(location, expect_location, 1, true) then ok = ok + 1 else bad = bad + 1 end
  elseif status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_bad, merged = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    for key, count in pairs(thread:get("statuses")) do merged[key] = (merged[key] or 0) + count end
  end
  local parts = {}
  for key, count in pairs(merged) do table.insert(parts, string.format('"%s": %d', key, count)) end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "ok": %d, "bad": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"status": %d, "statuses": {%s}}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, total_ok, total_bad, e.connect, e.read, e.write,
    e.timeout, e.status, table.concat(parts, ", ")))
end
'''


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these (ASCII) values


def lua_script(scenario: Scenario, cookie: str | None, threads: int) -> str:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if scenario.method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return (LUA.replace("{PATHS}", "{" + ", ".join(_lua_string(p) for p in scenario.paths) + "}")
            .replace("{BODIES}",
                     "{" + ", ".join(_lua_string(b) for b in scenario.bodies) + "}" if scenario.bodies else "nil")
            .replace("{METHOD}", scenario.method)
            .replace("{HEADERS}",
                     "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()) + "}")
            .replace("{EXPECT}", _lua_string(scenario.expect_location) if scenario.expect_location else "nil")
            .replace("{STRIDE}", str(threads)))


# --- the instance: accounts, sessions, drafts, the objects the URLs name -------------------------

class Bench:
    """The app in this process, on the instance's database and keys, to prepare the run."""

    def __init__(self, instance: Path):
        os.environ["CASEAPP_INSTANCE_PATH"] = str(instance.resolve())
        os.environ.setdefault("CASEAPP_CONFIG", "development")
        os.environ.setdefault("CASEAPP_LOG_LEVEL", "WARNING")
        from caseapp import create_app

        self.instance = instance
        self.app = create_app()
        self.created_drafts: list[int] = []
        self.draft_ids: dict[str, int] = {}  # a draft's form path → its case id

    def user(self, email: str):
        from caseapp.core.extensions import db
        from caseapp.services import accounts

        user = accounts.find_user(db.session, email)
        if user is None:
            sys.exit(f"No account {email} in {self.instance}: run bench/seed.py first.")
        return user

    def cookie_for(self, email: str, data: dict | None = None) -> str:
        """A fresh signed-in session (two-factor done) for the account; returns the Cookie header."""
        from itsdangerous import Signer

        from caseapp.core.database import writing
        from caseapp.core.extensions import db
        from caseapp.models import UserSession
        from caseapp.models.base import utcnow

        with self.app.app_context(), writing():
            user = self.user(email)
            session_id = secrets.token_urlsafe(32)
            now = utcnow()
            db.session.add(UserSession(id_hash=hashlib.sha256(session_id.encode()).hexdigest(),
                                       handle=secrets.token_hex(16), user_id=user.id, two_factor_done=True,
                                       data=json.dumps(data or {}), created_at=now, last_seen_at=now))
            db.session.commit()
        signer = Signer(self.app.secret_key, salt="caseapp.session", digest_method=hashlib.sha256)
        return f"{self.app.config['SESSION_COOKIE_NAME']}={signer.sign(session_id.encode()).decode()}"

    def case_pages(self, count: int, rng: random.Random) -> list[str]:
        """Reports in the lawyers' queue with the most to show: several victims, remedies, a screening."""
        from sqlalchemy import func, select

        from caseapp.core.extensions import db
        from caseapp.domain import stages
        from caseapp.models import Case, ScreeningVersion, Victim

        with self.app.app_context():
            several = select(Victim.case_id).group_by(Victim.case_id).having(func.count() >= 2)
            screened = select(ScreeningVersion.case_id)
            uuids = db.session.execute(
                select(Case.uuid).where(Case.stage.in_(stages.SCREENING_STAGES), Case.id.in_(several),
                                        Case.id.in_(screened)).order_by(Case.id)
            ).scalars().all()
            db.session.remove()
        if not uuids:
            sys.exit("No screened report with several victims: is the instance seeded?")
        return [f"/screening/{uuid}" for uuid in rng.sample(uuids, min(count, len(uuids)))]

    def new_drafts(self, email: str, count: int) -> list[str]:
        """Empty drafts of the account's organisation, made through the intake service, one per POST."""
        from caseapp.core.database import writing
        from caseapp.core.extensions import db
        from caseapp.services import intake

        paths = []
        with self.app.app_context(), writing():
            user = self.user(email)
            for _ in range(count):
                case, _vault = intake.new_draft(db.session, self.app.extensions["caseapp.keyring"], user)
                self.created_drafts.append(case.id)
                paths.append(f"/intake/{case.uuid}/edit")
                self.draft_ids[paths[-1]] = case.id
            db.session.commit()
        return paths

    def remove_unused_drafts(self) -> int:
        """Crypto-shred the drafts this run made and did not submit (the warm-up and the tail)."""
        from sqlalchemy import select

        from caseapp.core.database import writing
        from caseapp.core.extensions import db
        from caseapp.models import Case
        from caseapp.services import cases

        removed = 0
        with self.app.app_context(), writing():
            for start in range(0, len(self.created_drafts), 500):
                batch = self.created_drafts[start : start + 500]
                for case in db.session.execute(select(Case).where(Case.id.in_(batch), Case.stage == "draft")).scalars():
                    cases.delete_case(db.session, self.app.extensions["caseapp.file_store"], case)
                    removed += 1
            db.session.commit()
        return removed


def report_form(number: int, csrf_token: str, today: date) -> str:
    """The partner's report form, complete and submitted: three victims and two domestic remedies."""
    notified = today - timedelta(days=120)
    fields = [
        ("csrf_token", csrf_token), ("action", "submit"),
        ("title", f"Eviction of the Bench Street tenants ({number})"), ("state", "ES"),
        ("rights_invoked", "11(1)"), ("rights_invoked", "2(2)"), ("other_instruments", "ICCPR art. 26"),
        ("summary", "Forty families evicted without notice or alternative housing."),
        ("narrative", "On a winter morning, municipal crews demolished the homes of the Bench Street tenants "
                      "without prior consultation or offer of alternative housing. " * 4),
        ("facts_start", (notified - timedelta(days=600)).isoformat()),
        ("facts_end", (notified - timedelta(days=500)).isoformat()), ("continuing", "no"),
        ("only_mass_media_reports", "no"), ("clear_disadvantage", "yes"), ("general_importance", "yes"),
        ("author_is_victim", "no"), ("acting_on_behalf", "yes"), ("victims_under_jurisdiction", "yes"),
        ("consent_justification", ""),
    ]
    for index, name in enumerate(("Ana", "Luis", "Carmen")):
        fields += [(f"victims-{index}-name", f"{name} Bench-{number}"), (f"victims-{index}-kind", "individual"),
                   (f"victims-{index}-contact", f"+34 600 {number % 1000:03d} {index:03d}"),
                   (f"victims-{index}-identity_number", f"B-{number:07d}-{index}"), (f"victims-{index}-consent", "yes"),
                   (f"victims-{index}-consent_record", "Signed authorisation"), (f"victims-{index}-confidential", "y")]
    remedies = (("Juzgado de lo Contencioso-Administrativo n.º 3", "judicial", 400, "no"),
                ("Tribunal Superior de Justicia", "appeal", 0, "yes"))
    for index, (body, kind, earlier, final) in enumerate(remedies):
        decided = notified - timedelta(days=earlier + 5)
        fields += [(f"remedies-{index}-body", body), (f"remedies-{index}-kind", kind),
                   (f"remedies-{index}-filed", (decided - timedelta(days=150)).isoformat()),
                   (f"remedies-{index}-decided", decided.isoformat()),
                   (f"remedies-{index}-notified", (decided + timedelta(days=5)).isoformat()),
                   (f"remedies-{index}-outcome", "rejected"), (f"remedies-{index}-final", final),
                   (f"remedies-{index}-addressed_substance", "yes")]
    fields += [("remedies_exception_reason", ""), ("remedies_exception_explanation", ""), ("one_year_exception", ""),
               ("urgent_risk", "no"), ("urgent_date", ""), ("urgent_explanation", "")]
    return urlencode(fields, quote_via=quote)


# --- gunicorn and wrk ----------------------------------------------------------------------------

class Server:
    """gunicorn serving bench_wsgi.py on 127.0.0.1 with WORKERS sync workers and the production configuration.
    ``settings`` are more environment variables for it (CASEAPP_*): the ones of this process are not passed."""

    def __init__(self, instance: Path, workdir: Path, settings: dict[str, str] | None = None):
        self.log_path = workdir / "gunicorn.log"
        config = workdir / "gunicorn_conf.py"
        config.write_text(GUNICORN_CONFIG)
        env = {name: value for name, value in os.environ.items() if not name.startswith(("CASEAPP_", "FLASK_"))}
        env.update({"CASEAPP_INSTANCE_PATH": str(instance.resolve()), "CASEAPP_CONFIG": "production",
                    "CASEAPP_TRUSTED_HOSTS": '["127.0.0.1"]', "CASEAPP_PAGE_SIZE": str(PAGE_SIZE),
                    "FLASK_SKIP_DOTENV": "1", "PYTHONUNBUFFERED": "1", **(settings or {})})
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 — our own venv's gunicorn, fixed arguments
            [str(gunicorn), "--config", str(config), "--workers", str(WORKERS), "--bind", "127.0.0.1:0",
             "--pythonpath", str(PROJECT_ROOT / "bench"), "--chdir", str(PROJECT_ROOT), "--timeout", "60",
             "bench_wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.port = self._wait_ready()

    def _wait_ready(self) -> int:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            text = self.log_path.read_text()
            port = LISTENING.search(text)
            if port and text.count(READY_LINE) >= WORKERS:
                return int(port.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not start; its log:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def get(self, path: str, cookie: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def post(self, path: str, body: str, cookie: str) -> tuple[int, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("POST", path, body=body.encode(), headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, response.getheader("Location")


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if not match:
        sys.exit("No CSRF token on the page: is the instance set up?")
    return match.group(1)


def run_wrk(port: int, scenario: Scenario, cookie: str | None, workdir: Path, *, seconds: float,
            connections: int, threads: int) -> dict:
    script = workdir / f"{scenario.key}.lua"
    script.write_text(lua_script(scenario, cookie, threads))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(int(round(seconds)), 1)}s", "--timeout", "30s",
               "--latency", "-s", str(script), f"http://127.0.0.1:{port}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)  # noqa: S603
    line = next((line for line in output.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no result for {scenario.key}:\n{output.stdout}\n{output.stderr}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return result


def log_problems(log_text: str) -> list[str]:
    """The lines of a gunicorn log that say something went wrong."""
    return [line for line in log_text.splitlines() if any(word in line for word in LOG_PROBLEMS)]


def drafts_needed(duration: float, warmup: float, rate: int = DRAFTS_PER_SECOND) -> int:
    """Drafts for one submission run at up to ``rate`` per second: the measured run's, the warm-up's, a margin."""
    return int(duration * rate) + warmup_drafts(warmup, rate) + 50


def warmup_drafts(warmup: float, rate: int = DRAFTS_PER_SECOND) -> int:
    return int(warmup * rate) + 20 if warmup > 0 else 0


def submission_scenario(bench: "Bench", drafts: int, key: str = "submit") -> Scenario:
    """The report submissions of SUBMITTER, one fresh draft per POST; the bodies are written by
    ``prepare_submissions`` once a server runs (they carry its CSRF token)."""
    return Scenario(key, "report submission: form POST, 3 victims + 2 remedies", "submitter",
                    bench.new_drafts(SUBMITTER, drafts), method="POST", expect_location="/submitted",
                    target="≥ 150/s; p95 ≤ 100 ms; 0 errors", rate_min=150, p95_max_ms=100)


def prepare_submissions(server: Server, bench: "Bench", item: Scenario, cookie: str) -> None:
    """Fill ``item``'s form bodies with the session's CSRF token, and submit its first draft as a check."""
    status, page = server.get(item.paths[0], cookie)
    token = csrf_token_in(page)
    today = date.today()
    # Victims named after each draft's case id: a run's victims never repeat an earlier run's, so the duplicate
    # check does the same work in every run (numbered from 0, each run's matched every earlier run's, and
    # submissions slowed run after run).
    numbers = [bench.draft_ids[path] for path in item.paths]
    item.bodies = [report_form(number, token, today) for number in numbers]
    status, location = server.post(item.paths[0], item.bodies[0], cookie)
    if status != 302 or "/submitted" not in (location or ""):
        sys.exit(f"The submission form was refused ({status}); check report_form().")
    item.paths, item.bodies = item.paths[1:], item.bodies[1:]


def warmup_part(item: Scenario, warmup: float, rate: int = DRAFTS_PER_SECOND) -> Scenario:
    """The scenario of ``item``'s warm-up run: the same, but a submission's warm-up posts to drafts of its own,
    taken from ``item`` and never reused."""
    if item.key.startswith("submit"):
        split = warmup_drafts(warmup, rate)
        warm = Scenario(item.key + "-warmup", item.label, item.who, item.paths[:split], item.method,
                        item.bodies[:split], item.expect_location)
        item.paths, item.bodies = item.paths[split:], item.bodies[split:]
        return warm
    return item


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"nproc {os.cpu_count()}; CPU {model}; RAM {memory:.0f} GiB; load average {os.getloadavg()[0]:.2f}"


# --- the run -------------------------------------------------------------------------------------

def scenarios(bench: Bench, rng: random.Random, drafts: int) -> tuple[list[Scenario], dict[str, str]]:
    """The scenarios and each one's cookie, prepared on the instance."""
    names = json.loads((bench.instance / NAMES_FILE).read_text())
    rng.shuffle(names)
    names = names[:500]  # the search's bodies are written once the server runs (they carry a CSRF token)
    pages = bench.case_pages(500, rng)
    lawyer, coordinator = f"bench-lawyer@{BENCH_DOMAIN}", f"bench-coordinator@{BENCH_DOMAIN}"
    partner = f"bench-partner@{BENCH_DOMAIN}"
    cookies = {
        "lawyer": bench.cookie_for(lawyer), "coordinator": bench.cookie_for(coordinator),
        # The partner's list keeps its filter in the session (the search words travel by POST).
        "partner": bench.cookie_for(partner, {"report_filter": {"q": "", "status": "screening"}}),
        "submitter": bench.cookie_for(SUBMITTER),
    }
    # Issue 20's targets: a list or case page at least 10 % of the trivial route, p95 at most 50 ms.
    ratio = "≥ 10 % of trivial; p95 ≤ 50 ms"
    queue_filters = ["?state=ES", "?right=11%281%29", "?days=90", "?stage=all&state=AR&sort=submitted&dir=desc",
                     "?urgent=yes&sort=submitted&dir=asc", "?state=PT&days=passed"]
    items = [
        Scenario("trivial", "trivial route (GET /bench/trivial, no session)", None, [TRIVIAL_PATH]),
        Scenario("queue", f"case list: lawyers' queue, {PAGE_SIZE} rows, filtered + sorted (6 filter sets)", "lawyer",
                 [f"/screening{query}" for query in queue_filters], target=ratio, ratio_min=0.10, p95_max_ms=50),
        Scenario("partner_list", f"case list: a partner's reports, {PAGE_SIZE} rows, status filter, by last change "
                                 "(organisation with ~12 % of all cases)", "partner", ["/intake"],
                 target=ratio, ratio_min=0.10, p95_max_ms=50),
        Scenario("committee_list", f"case list: cases before the Committee, {PAGE_SIZE} rows (3 filter sets)",
                 "coordinator", ["/committee", "/committee?state=ES", "/committee?stage=registered"],
                 target=ratio, ratio_min=0.10, p95_max_ms=50),
        Scenario("case_page", f"case page: lawyer's screening workspace, all fields decrypted ({len(pages)} reports)",
                 "lawyer", pages, target=ratio, ratio_min=0.10, p95_max_ms=50),
        Scenario("search", f"search by victim name (blind index; POST, {len(names)} names)", "lawyer",
                 ["/screening/search"] * len(names), method="POST", names=names, target="p95 ≤ 10 ms", p95_max_ms=10),
        submission_scenario(bench, drafts),
    ]
    return items, cookies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default=os.environ.get("CASEAPP_INSTANCE_PATH", "instance-bench"))
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of the uncounted wrk run before each")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--only", help="comma-separated scenario keys (the trivial route always runs)")
    parser.add_argument("--jsonl", help="also write the rows as JSON lines to this file (for bench/run.py)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (Debian's package).")
    instance = Path(args.instance)
    if not (instance / NAMES_FILE).exists():
        sys.exit(f"{instance} is not seeded: run bench/seed.py --instance {instance} first.")
    rng = random.Random(args.seed)  # noqa: S311 — picks which seeded objects the URLs name
    bench = Bench(instance)
    # Enough drafts for the fastest submission rate we could see, warm-up included; leftovers are removed.
    items, cookies = scenarios(bench, rng, drafts_needed(args.duration, args.warmup))
    if args.only:
        keep = {"trivial", *args.only.split(",")}
        items = [item for item in items if item.key in keep]
    started_load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="caseapp-bench-") as tmp:
        workdir = Path(tmp)
        server = Server(instance, workdir)
        try:
            for item in items:
                if item.key == "search":
                    status, page = server.get("/screening/search", cookies["lawyer"])
                    token = csrf_token_in(page)
                    item.bodies = [urlencode({"csrf_token": token, "name": name}) for name in item.names]
                if item.key == "submit":
                    prepare_submissions(server, bench, item, cookies["submitter"])
                cookie = cookies.get(item.who) if item.who else None
                if args.warmup > 0:
                    run_wrk(server.port, warmup_part(item, args.warmup), cookie, workdir, seconds=args.warmup,
                            connections=args.connections, threads=args.threads)
                item.result = run_wrk(server.port, item, cookie, workdir, seconds=args.duration,
                                      connections=args.connections, threads=args.threads)
                item.result["load"] = os.getloadavg()[0]
                print(f"  {item.key:<14} {item.result['rps']:>8.1f} req/s  p50 {item.result['p50_us'] / 1000:6.1f} ms"
                      f"  p95 {item.result['p95_us'] / 1000:6.1f} ms  statuses {item.result['statuses']}",
                      file=sys.stderr)
            log_text = server.log_path.read_text()
        finally:
            server.stop()
            removed = bench.remove_unused_drafts()
    return finish(table(items, started_load, args, removed), log_problems(log_text), args.jsonl)


def finish(rows: list[dict], problems: list[str], jsonl: str | None, who: str = "server") -> int:
    """Say what the gunicorn logs held, append the rows to ``jsonl`` (for bench/run.py); the exit status: 1 when
    a log held an error or a row missed its target."""
    if problems:
        print(f"\nThe {who} logged {len(problems)} error lines; the first: {problems[0][:300]}")
    if jsonl:
        with open(jsonl, "a") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 1 if problems or any(row["verdict"] == "MISS" for row in rows) else 0


def table(items: list[Scenario], started_load, args, removed: int) -> list[dict]:
    trivial = next(item for item in items if item.key == "trivial").result["rps"]
    rows = []
    for item in items:
        r = item.result
        ratio = r["rps"] / trivial if trivial else 0.0
        errors = r["socket_errors"] + r["bad"]
        checks = []
        if item.ratio_min is not None:
            checks.append(ratio >= item.ratio_min)
        if item.p95_max_ms is not None:
            checks.append(r["p95_us"] / 1000 <= item.p95_max_ms)
        if item.rate_min is not None:
            checks.append(r["rps"] >= item.rate_min)
        verdict = "—" if not checks else ("PASS" if all(checks) and errors == 0 else "MISS")
        rows.append({
            "bench": "load", "key": item.key, "measurement": item.label, "rps": round(r["rps"], 1),
            "p50_ms": round(r["p50_us"] / 1000, 1), "p95_ms": round(r["p95_us"] / 1000, 1),
            "ratio": None if item.key == "trivial" else round(ratio, 3), "errors": errors,
            "statuses": r["statuses"], "requests": r["requests"], "load": round(r["load"], 2),
            "target": item.target, "verdict": verdict,
        })
    print(f"\nload.py: gunicorn {WORKERS} sync workers, wrk -t{args.threads} -c{args.connections} "
          f"{args.duration:g} s per scenario after {args.warmup:g} s of warm-up; {machine()} "
          f"(load average at start {started_load[0]:.2f}); {removed} unused drafts removed")
    print()
    print("| scenario | req/s | p50 | p95 | ratio to trivial | errors | target (DESIGN.md §7) | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = "1 (baseline)" if row["ratio"] is None else f"{row['ratio'] * 100:.0f} %"
        print(f"| {row['measurement']} | {row['rps']:,.1f} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms "
              f"| {ratio} | {row['errors']} | {row['target']} | {row['verdict']} |")
    return rows


if __name__ == "__main__":
    sys.exit(main())
