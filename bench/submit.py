"""Load test of the submit endpoint, POST /api/v1/survey/{token}, against a bare litestar baseline.

Why: a survey round hands out cards to a whole municipality at once and kiosks submit in bursts; this tells
how many submits per second one server takes, at what latency, and how much of the cost is our stack
(token verification, round lookup, ORM, dependency injection) rather than the database.

For each database (SQLite in a temporary folder always; PostgreSQL when BRUKARENKAT_BENCH_POSTGRES_URL is set)
it runs two targets, each for at most --seconds and --tokens requests:

- brukarenkat: the real server (`brukarenkat serve`), on a freshly migrated database with a round and
  minted tokens, every request redeeming a token of its own;
- bare: bench/bare_app.py under uvicorn, the same inserts in one transaction without our stack.

Afterwards it checks that the table of responses holds one row per 201 (and answers and redeemed tokens
match), and that no request got 409.

Then two tablet runs against the real server (bench/tablets.py): --tablets tablets, each submitting --respondents
respondents one after another with a submission key each, retried with the same key on transport errors; in the
`restart` run the server is killed with SIGKILL once half are acknowledged and started again on the same port and
database. Each reports acknowledged, stored, duplicated and lost next to submits/s and p50/p99.

Loopback only. Usage: `.venv/bin/python bench/submit.py --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bare_app
import httpx
import tablets
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from tablets import percentile_ms

from questionnaires import load_shipped
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.services.batches import issue_tokens
from survey.services.rounds import swedish_today
from survey.tokens import TokenMinter

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
POSTGRES_ENV = "BRUKARENKAT_BENCH_POSTGRES_URL"
ROUND = "bench"
MUNICIPALITY = "2085"
AREA = "vardnadshavare"
MAX_BATCH = 10_000
"""`brukarenkat tokens issue` mints at most this many per call (survey/services/batches.py)."""
BODY = json.dumps(
    {"answers": {"kontakt": "mycket_latt", "nojd": "ganska_nojd", "forandring": "ingen_skillnad"}}
).encode()
ANSWERS_PER_SUBMIT = 3
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0
DRAIN_GRACE_S = 15.0
"""How long requests still in flight at the deadline may take before the run is cut off."""
TABLET_DEADLINE_S = 120.0
"""After this, tablets stop retrying; what is still unacknowledged is counted as abandoned (and fails the check)."""
RUNS = ("throughput", "tablets", "restart")


# --- results --------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """What the load generator saw: status codes, per-request latencies and the wall time they took."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport_errors.values())


@dataclass
class Row:
    """One line of the report: one target on one database."""

    database: str
    target: str
    workers: int
    clients: int
    requests: int
    created: int
    submits_per_s: float
    p50_ms: float
    p99_ms: float
    ratio: float | None
    statuses: dict[str, int]
    transport_errors: dict[str, int]
    stored: dict[str, int]
    consistent: bool
    """Rows stored match the 201s (a response, 3 answers, a redeemed token each) and no request got 409."""
    passed: bool
    """Consistent, and every request got 201: no 4xx/5xx, no broken connections."""
    server_log_problems: list[str]
    seconds: float


@dataclass
class TabletRow:
    """One tablet run on one database: `tablets` (the server up throughout) or `restart` (killed midway)."""

    database: str
    run: str
    workers: int
    tablets: int
    respondents: int
    """Per tablet."""
    submits_per_s: float
    """Acknowledged ÷ seconds from the start to the last acknowledgment."""
    p50_ms: float
    p99_ms: float
    max_ms: float
    """Of acknowledged submissions, from the first attempt to the 201."""
    acknowledged: int
    stored: int
    duplicated: int
    lost: int
    retries: int
    audit: dict[str, int]
    statuses: dict[str, int]
    refused: dict[str, int]
    transport_errors: dict[str, int]
    abandoned: int
    restart: dict[str, float | int | None] | None
    passed: bool
    """Every submission acknowledged once and stored once, none lost, no status but 201 (and no transport error
    when the server was not killed)."""
    server_log_problems: list[str]
    seconds: float


@dataclass(frozen=True)
class Target:
    """A server to load: how to start it, where to send submits and which tables to count afterwards."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    tokens: list[str]
    table_prefix: str


# --- load generator -------------------------------------------------------------------------------

Send = Callable[[str, bytes], Awaitable[int]]
"""POST the body to the path on the sender's connection; the reply's status."""


@contextlib.asynccontextmanager
async def httpx_sender(port: int) -> AsyncIterator[Send]:
    """One keep-alive connection per worker through httpx. The ordinary client, but it spends ~0.8 ms of CPU
    per request here (the raw sender ~0.05 ms), so on 2 cores it caps near 1k requests/s and takes a core from
    the server: use it only to cross-check the raw sender."""
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        headers={"content-type": "application/json"},
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        timeout=httpx.Timeout(60.0),
    ) as client:

        async def send(path: str, body: bytes) -> int:
            return (await client.post(path, content=body)).status_code

        yield send


@contextlib.asynccontextmanager
async def raw_sender(port: int) -> AsyncIterator[Send]:
    """One keep-alive HTTP/1.1 connection per worker over asyncio streams: a load generator light enough
    to leave the server most of a 2-core machine. Understands Content-Length bodies only, which is all
    litestar sends for these responses."""
    connection: list[Any] = []

    async def send(path: str, body: bytes) -> int:
        try:
            if not connection:
                connection.extend(await asyncio.open_connection(HOST, port))
            reader, writer = connection
            writer.write(
                f"POST {path} HTTP/1.1\r\nhost: {HOST}:{port}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n".encode()
                + body
            )
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
            length = re.search(r"\r\ncontent-length:\s*(\d+)", head)
            if length is None:
                raise ConnectionError("response without content-length")
            await reader.readexactly(int(length.group(1)))
        except BaseException:
            drop()  # the stream is somewhere mid-response: the next request needs a new connection
            raise
        if "\r\nconnection: close" in head:
            drop()
        return int(head[9:12])

    def drop() -> None:
        if connection:
            connection[1].close()
            connection.clear()

    try:
        yield send
    finally:
        drop()


SENDERS = {"raw": raw_sender, "httpx": httpx_sender}


async def run_load(port: int, tokens: list[str], clients: int, seconds: float, client: str) -> LoadResult:
    """`clients` workers, each on its own connection, take tokens from one queue until the tokens run out
    or `seconds` pass; requests in flight at the deadline finish (within DRAIN_GRACE_S) and are counted."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    result = LoadResult()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def worker() -> None:
        async with SENDERS[client](port) as send:
            while loop.time() < deadline and not queue.empty():
                path = f"/api/v1/survey/{queue.get_nowait()}"
                started = time.perf_counter()
                try:
                    status = await send(path, BODY)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, httpx.HTTPError) as error:
                    result.transport_errors[type(error).__name__] += 1
                    continue
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] += 1

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(clients))), seconds + DRAIN_GRACE_S)
    result.elapsed = time.perf_counter() - started
    return result


# --- servers --------------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(target: Target, log: Path) -> Iterator[None]:
    """Start the target's server, wait until it answers, and always stop it (SIGINT, then SIGKILL)."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            target.command, env=target.env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_ready(process, f"http://{HOST}:{target.port}{target.ready_path}", log)
            yield
        finally:
            stop(process)


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll `url` until it answers 200; fail early, with the server's output, if the server exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {STARTUP_TIMEOUT_S} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask uvicorn to shut down as Ctrl-C would; kill its process group (it started one) if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def log_problems(log: Path) -> list[str]:
    """Distinct error lines the server wrote (exceptions, 500s, 'database is locked'), with counts."""
    problems: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if re.search(r"(Error|Exception|locked|Traceback|^ERROR)", line) and not line.startswith(" "):
            problems[line.strip()[:200]] += 1
    return [f"{count}× {line}" for line, count in problems.most_common(8)]


class ServerProcess:
    """A target's server that can be killed and started again on the same port and database, with a log per start
    (`<name>-<n>.log`). In a process group of its own, so that SIGKILL takes uvicorn's workers with it."""

    def __init__(self, target: Target, logs: Path, name: str) -> None:
        self.target, self.logs, self.name = target, logs, name
        self.process: subprocess.Popen[bytes] | None = None
        self.log_files: list[Path] = []

    def start(self) -> None:
        log = self.logs / f"{self.name}-{len(self.log_files)}.log"
        self.log_files.append(log)
        with log.open("wb") as output:  # the child has its own copy of the descriptor
            self.process = subprocess.Popen(
                self.target.command,
                env=self.target.env,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_ready(self.process, f"http://{HOST}:{self.target.port}{self.target.ready_path}", log)

    def kill(self) -> None:
        """SIGKILL to the server and its workers: no shutdown handler runs, no transaction is finished."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def problems(self) -> list[str]:
        return [f"{log.name}: {problem}" for log in self.log_files for problem in log_problems(log)]


# --- databases ------------------------------------------------------------------------------------


def app_env(database_url: str, port: int) -> dict[str, str]:
    """The environment both servers and the CLI run with: a fresh secret, the bench database."""
    return {
        **os.environ,
        "BRUKARENKAT_DATABASE_URL": database_url,
        "BRUKARENKAT_SECRET_KEY": secrets.token_urlsafe(48),
        "BRUKARENKAT_BASE_URL": f"http://{HOST}:{port}",
    }


def ensure_postgres_database(url: str) -> None:
    """Create the bench database when it is missing, as the `postgres` superuser through psql (what CI has).
    Refuses a database whose name does not say it is for benchmarks: every table in it is dropped."""
    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        shown = parsed.render_as_string(hide_password=True)
        raise SystemExit(f"{POSTGRES_ENV} must name a database for benchmarks (its tables are dropped): {shown}")
    if asyncio.run(postgres_database_exists(url)):
        return
    command = ["psql", "-h", parsed.host or HOST, "-p", str(parsed.port or 5432), "-U", "postgres", "-c"]
    command.append(f'CREATE DATABASE "{parsed.database}" OWNER "{parsed.username}"')
    progress(" ".join(command))
    created = subprocess.run(command, capture_output=True, text=True, check=False)
    if created.returncode != 0:
        raise SystemExit(f"could not create database {parsed.database!r}: {created.stderr.strip()}")


async def postgres_database_exists(url: str) -> bool:
    """Whether the database exists: asyncpg's InvalidCatalogNameError (SQLSTATE 3D000) says it does not;
    any other failure (server down, wrong password) is raised as it is."""
    engine = create_async_engine(url)
    try:
        async with engine.connect():
            return True
    except DBAPIError as error:
        if type(error.orig.__cause__).__name__ == "InvalidCatalogNameError":
            return False
        raise
    finally:
        await engine.dispose()


async def drop_all_tables(database_url: str) -> None:
    """Empty a bench database (every table, alembic_version included) so each run starts the same."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            await connection.run_sync(metadata.drop_all)
    finally:
        await engine.dispose()


async def count_rows(database_url: str, prefix: str) -> dict[str, int]:
    """Rows in the three tables a submit writes to."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return {
                table: (await connection.execute(text(f"SELECT count(*) FROM {prefix}{table}"))).scalar_one()
                for table in ("responses", "answers", "redeemed_tokens")
            }
    finally:
        await engine.dispose()


def cli(env: dict[str, str], *args: str) -> str:
    """Run `brukarenkat ARGS` as an operator would; its stdout, or the error with its stderr."""
    done = subprocess.run([str(BIN / "brukarenkat"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"brukarenkat {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def mint_tokens(env: dict[str, str], count: int) -> list[str]:
    """Migrate, open a round around today and mint `count` tokens. `tokens issue` mints at most MAX_BATCH
    per call, so the batches are issued by parallel CLI calls: setup is time the 30 s budget does not measure."""
    today = dt.date.today()
    cli(env, "db", "upgrade")
    period = f"{today - dt.timedelta(days=10)}:{today + dt.timedelta(days=30)}"
    cli(env, "rounds", "create", ROUND, "--questionnaire", "ifo", "--period", period)
    sizes = [min(MAX_BATCH, count - start) for start in range(0, count, MAX_BATCH)]
    issue = f"tokens issue --round {ROUND} --municipality {MUNICIPALITY} --area {AREA} --json --count".split()
    with ThreadPoolExecutor(max_workers=len(sizes)) as pool:
        outputs = list(pool.map(lambda size: cli(env, *issue, str(size)), sizes))
    return [url.rsplit("/s/", 1)[1] for output in outputs for url in json.loads(output)["urls"]]


def serve_command(port: int, workers: int) -> list[str]:
    return [str(BIN / "brukarenkat"), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def brukarenkat_target(database_url: str, workers: int, token_count: int) -> Target:
    """The real server on a fresh database with `token_count` tokens of one batch family."""
    port = free_port()
    env = app_env(database_url, port)
    return Target(
        name="brukarenkat",
        command=serve_command(port, workers),
        env=env,
        port=port,
        ready_path="/api/v1/questionnaires",
        tokens=mint_tokens(env, token_count),
        table_prefix="",
    )


def tablet_tokens(env: dict[str, str], tablet_count: int, respondents: int) -> list[list[str]]:
    """Migrate and open a round through the CLI, then mint each tablet's tokens as a batch of its own through the
    service behind `tokens issue` (a CLI call per tablet would take a minute). A kiosk has a batch of its own, so
    tablets do not share a row of `batch_days`."""
    today = dt.date.today()
    cli(env, "db", "upgrade")
    cli(
        env,
        "rounds",
        "create",
        ROUND,
        "--questionnaire",
        "ifo",
        "--period",
        f"{today - dt.timedelta(days=10)}:{today + dt.timedelta(days=30)}",
    )
    settings = Settings.from_env(env)

    async def mint() -> list[list[str]]:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                minter, questionnaires = TokenMinter(settings.secret_key), load_shipped()
                batches = [
                    await issue_tokens(
                        session,
                        minter,
                        questionnaires,
                        round_key=ROUND,
                        kommunkod=MUNICIPALITY,
                        area=AREA,
                        count=respondents,
                        today=swedish_today(),
                    )
                    for _ in range(tablet_count)
                ]
                await session.commit()
                return [batch.tokens for batch in batches]
        finally:
            await engine.dispose()

    return asyncio.run(mint())


def bare_target(database_url: str, workers: int, token_count: int) -> Target:
    """bench/bare_app.py under uvicorn, with the same settings and uvicorn options as `brukarenkat serve`."""
    port = free_port()
    asyncio.run(bare_app.reset_tables(database_url))
    return Target(
        name="bare",
        command=[
            *(sys.executable, "-m", "uvicorn", "--factory", "bare_app:app_from_env", "--app-dir", str(BENCH)),
            *("--host", HOST, "--port", str(port), "--workers", str(workers)),
            *("--no-access-log", "--log-level", "warning"),  # as `brukarenkat serve` runs uvicorn
        ],
        env=app_env(database_url, port),
        port=port,
        ready_path="/health",
        tokens=[secrets.token_urlsafe(16) for _ in range(token_count)],
        table_prefix="bare_",
    )


# --- one run --------------------------------------------------------------------------------------


def bench_target(database: str, database_url: str, target: Target, args: argparse.Namespace, logs: Path) -> Row:
    """Load one target, stop it, then check what it stored against what it answered."""
    log = logs / f"{database}-{target.name}.log"
    started = time.perf_counter()
    with running_server(target, log):
        load = asyncio.run(run_load(target.port, target.tokens, args.clients, args.seconds, args.client))
    stored = asyncio.run(count_rows(database_url, target.table_prefix))
    created = load.statuses[201]
    consistent = (
        stored == {"responses": created, "answers": ANSWERS_PER_SUBMIT * created, "redeemed_tokens": created}
        and load.statuses[409] == 0
    )
    return Row(
        database=database,
        target=target.name,
        workers=args.workers,
        clients=args.clients,
        requests=load.requests,
        created=created,
        submits_per_s=round(created / load.elapsed, 1) if load.elapsed else 0.0,
        p50_ms=round(percentile_ms(load.latencies, 0.50), 2),
        p99_ms=round(percentile_ms(load.latencies, 0.99), 2),
        ratio=None,
        statuses={str(code): n for code, n in sorted(load.statuses.items())},
        transport_errors=dict(load.transport_errors),
        stored=stored,
        consistent=consistent,
        passed=consistent and set(load.statuses) == {201} and not load.transport_errors,
        server_log_problems=log_problems(log),
        seconds=round(time.perf_counter() - started, 1),
    )


def bench_database(database: str, url: str, args: argparse.Namespace, scratch: Path) -> list[Row]:
    """Both targets on one database, each from empty tables; the app's row gets its ratio to bare."""
    rows = []
    for name, make_target in (("brukarenkat", brukarenkat_target), ("bare", bare_target)):
        setup_started = time.perf_counter()
        target_url = fresh_database(database, url, scratch / f"{name}.db")
        target = make_target(target_url, args.workers, args.tokens)
        progress(
            f"{database}/{name}: {len(target.tokens)} tokens, set up in {time.perf_counter() - setup_started:.1f} s"
        )
        rows.append(bench_target(database, target_url, target, args, scratch))
        progress(f"{database}/{name}: {rows[-1].created} submits in a {rows[-1].seconds} s run")
    app, bare = rows
    app.ratio = round(bare.submits_per_s / app.submits_per_s, 2) if app.submits_per_s else None
    bare.ratio = 1.0
    return rows


def bench_tablets(database: str, url: str, args: argparse.Namespace, scratch: Path, *, restart: bool) -> TabletRow:
    """`--tablets` tablets of `--respondents` tokens each against the real server on a fresh database; with
    `restart`, the server is killed once half of the submissions are acknowledged and started again. Then the
    database is audited against the acknowledgments."""
    run = "restart" if restart else "tablets"
    setup_started = time.perf_counter()
    target_url = fresh_database(database, url, scratch / f"{run}.db")
    port = free_port()
    env = app_env(target_url, port)
    tokens = tablet_tokens(env, args.tablets, args.respondents)
    target = Target(run, serve_command(port, args.workers), env, port, "/api/v1/questionnaires", [], "")
    progress(
        f"{database}/{run}: {args.tablets} tablets × {args.respondents} tokens, "
        f"set up in {time.perf_counter() - setup_started:.1f} s"
    )
    server = ServerProcess(target, scratch, f"{database}-{run}")
    started = time.perf_counter()
    server.start()
    try:
        load = asyncio.run(
            tablets.run_tablets(
                port,
                tokens,
                SENDERS[args.client],
                deadline_s=TABLET_DEADLINE_S,
                kill=server.kill if restart else None,
                start=server.start if restart else None,
                count_redeemed=(lambda: tablets.count_redeemed(target_url)) if restart else None,
            )
        )
    finally:
        server.stop()
    found = asyncio.run(tablets.audit(target_url, env["BRUKARENKAT_SECRET_KEY"], ROUND, load))
    acknowledged = len(load.acks)
    latencies = [ack.latency for ack in load.acks]
    consistent = (
        acknowledged == load.submissions
        and found.stored == found.redeemed == acknowledged
        and found.answers == ANSWERS_PER_SUBMIT * found.stored
        and found.duplicated == found.lost == found.wrong_key == 0
    )
    row = TabletRow(
        database=database,
        run=run,
        workers=args.workers,
        tablets=args.tablets,
        respondents=args.respondents,
        submits_per_s=round(acknowledged / load.elapsed, 1) if load.elapsed else 0.0,
        p50_ms=round(percentile_ms(latencies, 0.50), 1),
        p99_ms=round(percentile_ms(latencies, 0.99), 1),
        max_ms=round(1000 * max(latencies, default=0.0), 1),
        acknowledged=acknowledged,
        stored=found.stored,
        duplicated=found.duplicated,
        lost=found.lost,
        retries=load.retries,
        audit=asdict(found),
        statuses={str(code): n for code, n in sorted(load.statuses.items())},
        refused={str(code): n for code, n in sorted(load.refused.items())},
        transport_errors=dict(load.transport_errors.most_common()),
        abandoned=load.abandoned,
        restart=restart_summary(load) if restart else None,
        passed=consistent
        and set(load.statuses) == {201}
        and load.abandoned == 0
        and (load.killed_at is not None if restart else not load.transport_errors),
        server_log_problems=server.problems(),
        seconds=round(time.perf_counter() - started, 1),
    )
    progress(f"{database}/{run}: {acknowledged} acknowledged, {found.stored} stored in a {row.seconds} s run")
    return row


def restart_summary(load: tablets.TabletLoad) -> dict[str, float | int | None]:
    """When the kill came and what it cost: how long until the server answered again, the longest time without a
    201 (and when it began), and the submissions under way across the kill (first attempt before, 201 after)."""
    if load.killed_at is None:
        return {"killed_at_s": None}
    killed = load.killed_at
    spanning = [ack for ack in load.acks if ack.at - ack.latency < killed < ack.at]
    silence, silence_from = load.longest_silence()
    return {
        "killed_at_s": round(killed, 2),
        "acknowledged_before_kill": load.acknowledged_at_kill,
        "in_flight_at_kill": load.in_flight_at_kill,
        "stored_at_kill": load.redeemed_at_kill,
        "stored_reply_lost": (
            load.redeemed_at_kill - load.acknowledged_at_kill
            if load.redeemed_at_kill is not None and load.acknowledged_at_kill is not None
            else None
        ),
        "down_s": round(load.ready_at - killed, 2) if load.ready_at is not None else None,
        "no_ack_s": round(silence, 2),
        "no_ack_from_s": round(silence_from, 2),
        "spanning_kill": len(spanning),
        "spanning_kill_max_attempts": max((ack.attempts for ack in spanning), default=0),
    }


def fresh_database(database: str, url: str, sqlite_file: Path) -> str:
    """An empty database for one target: a new SQLite file, or the PostgreSQL bench database emptied."""
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{sqlite_file}"
    asyncio.run(drop_all_tables(url))
    return url


def database_urls(args: argparse.Namespace) -> dict[str, str]:
    """Database → URL for the databases asked for (SQLite's is filled in per target); PostgreSQL only when
    its variable is set."""
    urls = {}
    for database in args.databases:
        if database == "sqlite":
            urls[database] = ""
        elif os.environ.get(POSTGRES_ENV):
            ensure_postgres_database(os.environ[POSTGRES_ENV])
            urls[database] = os.environ[POSTGRES_ENV]
        else:
            progress(f"skipping postgresql: {POSTGRES_ENV} is not set")
    return urls


# --- output ---------------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def busy_warning() -> str | None:
    """A note when something else keeps the CPUs busy: server and load generator share them, so figures
    taken next to a test run are low and noisy. Samples /proc/stat for a second (the load average lags)."""
    before = cpu_times()
    time.sleep(1.0)
    after = cpu_times()
    if before is None or after is None:
        return None
    total, idle = after[0] - before[0], after[1] - before[1]
    busy = 1 - idle / total if total else 0.0
    if busy > 0.10:
        return f"note: the CPUs were {busy:.0%} busy before the run (something else is running); figures are low"
    return None


def cpu_times() -> tuple[int, int] | None:
    """Total and idle jiffies of all CPUs, or None off Linux."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    return sum(fields), fields[3] + fields[4]


def tablet_table(rows: list[TabletRow]) -> str:
    """The tablet runs as a fixed-width table, with the restart's timeline and anything unexpected under it."""
    header = (
        f"{'database':<11} {'run':<8} {'workers':>7} {'tablets':>7} {'submits/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'acked':>6} {'stored':>6} {'dup':>4} {'lost':>4} {'retries':>7} {'check':>5}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row.database:<11} {row.run:<8} {row.workers:>7} {row.tablets:>7} {row.submits_per_s:>9.0f} "
            f"{row.p50_ms:>7.1f} {row.p99_ms:>7.1f} {row.max_ms:>7.1f} {row.acknowledged:>6} {row.stored:>6} "
            f"{row.duplicated:>4} {row.lost:>4} {row.retries:>7} {'ok' if row.passed else 'FAIL':>5}"
        )
    lines.append("latency: first attempt to 201, retries included; submits/s: acknowledged ÷ seconds to the last 201")
    lines.append("dup: responses beyond one per redeemed token; lost: acknowledged but its token not redeemed")
    for row in rows:
        where = f"{row.database}/{row.run}"
        if row.restart is not None:
            r = row.restart
            if r["killed_at_s"] is None:
                lines.append(f"{where}: the server was never killed (fewer than half acknowledged in time)")
            else:
                lines.append(
                    f"{where}: SIGKILL at {r['killed_at_s']} s after {r['acknowledged_before_kill']} acknowledged "
                    f"({r['in_flight_at_kill']} requests in flight), {r['stored_at_kill']} stored ("
                    f"{r['stored_reply_lost']} committed but not acknowledged); serving again {r['down_s']} s later; "
                    f"no 201 for {r['no_ack_s']} s from {r['no_ack_from_s']} s; {r['spanning_kill']} submissions "
                    f"spanned the kill (up to {r['spanning_kill_max_attempts']} attempts)"
                )
        if row.transport_errors:
            errors = ", ".join(f"{n} {name}" for name, n in row.transport_errors.items())
            lines.append(f"{where}: transport errors (each retried with the same key): {errors}")
        if not row.passed:
            lines.append(
                f"{where}: statuses {row.statuses}, refused {row.refused}, abandoned {row.abandoned}, audit {row.audit}"
            )
        lines.extend(f"    server {problem}" for problem in row.server_log_problems)
    return "\n".join(lines)


def table(rows: list[Row], note: str | None) -> str:
    """The report as a fixed-width table, with what went wrong listed under it."""
    header = (
        f"{'database':<11} {'target':<12} {'workers':>7} {'requests':>8} {'submits/s':>9} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'ratio':>6} {'check':>5}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        lines.append(
            f"{row.database:<11} {row.target:<12} {row.workers:>7} {row.requests:>8} {row.submits_per_s:>9.0f} "
            f"{row.p50_ms:>7.1f} {row.p99_ms:>7.1f} {ratio:>6} {'ok' if row.passed else 'FAIL':>5}"
        )
    lines.append("ratio: bare submits/s ÷ this target's submits/s (how many times slower than the baseline)")
    lines.append("check: every request got 201, rows stored = 201s (3 answers, 1 redeemed token each), no 409")
    for row in rows:
        if not row.passed or row.server_log_problems:
            lines.append(
                f"{row.database}/{row.target}: statuses {row.statuses}, transport errors {row.transport_errors}, "
                f"stored {row.stored}, {'consistent' if row.consistent else 'INCONSISTENT'}"
            )
            lines.extend(f"    server: {problem}" for problem in row.server_log_problems)
    if note:
        lines.append(note)
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections, one token each (32)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per target (10)")
    parser.add_argument("--tokens", type=int, default=20_000, help="token limit per target (20000)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes per server (1)")
    parser.add_argument(
        "--databases",
        type=lambda value: [part.strip() for part in value.split(",") if part.strip()],
        default=["sqlite", "postgresql"],
        help=f"comma-separated: sqlite,postgresql (postgresql needs {POSTGRES_ENV})",
    )
    parser.add_argument("--client", choices=sorted(SENDERS), default="raw", help="load generator (raw)")
    parser.add_argument(
        "--runs",
        type=lambda value: [part.strip() for part in value.split(",") if part.strip()],
        default=list(RUNS),
        help="comma-separated: throughput (app and bare), tablets, restart (all three)",
    )
    parser.add_argument("--tablets", type=int, default=100, help="concurrent tablets in the tablet runs (100)")
    parser.add_argument("--respondents", type=int, default=20, help="submissions per tablet (20)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown databases: {', '.join(sorted(unknown))}")
    if set(args.runs) - set(RUNS):
        parser.error(f"unknown runs: {', '.join(sorted(set(args.runs) - set(RUNS)))}")
    if args.tablets < 1 or args.respondents < 1:
        parser.error("--tablets and --respondents must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    note = busy_warning()
    rows: list[Row] = []
    tablet_rows: list[TabletRow] = []
    with tempfile.TemporaryDirectory(prefix="brukarenkat-bench-") as scratch:
        scratch_path = Path(scratch)
        for database, url in database_urls(args).items():
            started = time.perf_counter()
            if "throughput" in args.runs:
                rows.extend(bench_database(database, url, args, scratch_path))
            for run in ("tablets", "restart"):
                if run in args.runs:
                    tablet_rows.append(bench_tablets(database, url, args, scratch_path, restart=run == "restart"))
            progress(f"{database}: {time.perf_counter() - started:.1f} s in all")
    if args.json:
        meta = {
            "client": args.client,
            "seconds": args.seconds,
            "tokens": args.tokens,
            "clients": args.clients,
            "workers": args.workers,
            "runs": args.runs,
            "tablets": args.tablets,
            "respondents": args.respondents,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
        results = {"results": [asdict(row) for row in rows], "tablets": [asdict(row) for row in tablet_rows]}
        print(json.dumps({"settings": meta, **results}, ensure_ascii=False, indent=2))
    else:
        tables = [table(rows, None)] if rows else []
        tables += [tablet_table(tablet_rows)] if tablet_rows else []
        print("\n\n".join(tables + ([note] if note else [])))
    every = [*rows, *tablet_rows]
    return 0 if every and all(row.passed for row in every) else 1


if __name__ == "__main__":
    sys.exit(main())
