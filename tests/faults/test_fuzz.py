"""Property-based fuzzing of every route (issue 9, "Bad input"): whatever a client sends, the server answers with
a 4xx or better, never a 5xx, and a refused request writes nothing to the anonymous tables.

The server is a real `brukarenkat serve` on SQLite or PostgreSQL with the demo data (a round, units, kiosk, cards,
staff of every role), driven over loopback by a plain HTTP client, so hypothesis runs synchronously and nothing of
the app runs in the test's process. Routes come from the app's own route table: a route added later is fuzzed
too, and `test_every_route_has_a_strategy` fails when one has a path parameter the fuzzer knows nothing of.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import string
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.app import create_app
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.models import Answer, RedeemedToken, Response
from tests.conftest import SECRET
from tests.faults.server import Server

EXAMPLES = 500
"""Requests per database: every route several times over, in about half a minute."""
TIMEOUT = 15.0
PASSWORD = "demo-brukarenkat"
ADMIN = "admin@ludvika.demo.brukarenkat.se"
NATIONAL = "samordnare@demo.brukarenkat.se"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def routes() -> list[tuple[str, str]]:
    app = create_app(Settings(secret_key=SECRET))
    return sorted((method, route.path) for route in app.routes for method in route.methods - SKIPPED_METHODS)


ROUTES = routes()
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would bury the findings
PARAM = re.compile(r"\{(\w+):(\w+)\}")


@dataclass
class World:
    """What the demo made, for valid values among the junk."""

    server: Server
    tokens: list[str]
    kiosk_link: str
    clients: dict[str, httpx.Client]
    csrf: dict[str, str]


# --- values -------------------------------------------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "", " ", "0", "-1", "²", "٣", "1e9", "NaN", "nan", "inf", "9" * 30, "9" * 5000, str(2**31), str(2**63),
        "\x00", "a\x00b", "; Path=/", "a b", "%00", "%ff", "..", "../../etc/passwd", "x" * 5000, "<script>",
        "null", "[]", "{}", "true", "ifo@99", "sv", "ar", "xx", "ifo-demo", "1", "2", "3",
    ]
)  # fmt: skip
TEXT = st.one_of(
    NASTY, st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), st.text(string.digits, max_size=25)
)
"""Text a client can send as UTF-8; broken encodings go in as raw bytes."""


def tampered(token: str) -> st.SearchStrategy[str]:
    return st.integers(0, len(token) - 1).map(lambda i: token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :])


def path_value(world: World, name: str) -> st.SearchStrategy[str]:
    known = {
        "token": st.one_of(st.sampled_from(world.tokens), st.sampled_from(world.tokens).flatmap(tampered)),
        "link": st.one_of(st.just(world.kiosk_link), st.just(world.kiosk_link).flatmap(tampered)),
        "number": st.sampled_from(["1", "2", "8", "9", "0"]),
        "lang": st.sampled_from(["sv", "en", "ar", "ti", "sv_lattlast"]),
        "ident": st.sampled_from(["ifo@1", "ifo@2", "barn@1", "placerad@1"]),
        "round_key": st.sampled_from(["ifo-demo"]),
        "unit_id": st.sampled_from(["1", "2", "3"]),
        "user_id": st.sampled_from(["1", "2", "3", "4"]),
        "batch_id": st.sampled_from(["1", "2", "3", "4", "5"]),
        "kiosk_id": st.sampled_from(["1"]),
        "format_key": st.sampled_from(["html", "pdf", "xlsx", "csv", "kolada"]),
        "code": st.sampled_from(["ABCD-EFGH-JKLM-NPQRS", "AAAA"]),
        "questionnaire": st.sampled_from(["ifo", "barn"]),
        "language": st.sampled_from(["sv", "ar"]),
        "name": st.sampled_from(["kontakt.mp3", "x.ogg"]),
        "file_path": st.sampled_from(["survey.css", "kiosk.js", "fonts/OFL.txt", "nope"]),
        "path": st.sampled_from(["openapi.json", "x"]),
    }
    return st.one_of(known[name], TEXT.filter(lambda v: v not in ("", ".", "..") and "/" not in v and "?" not in v))


FIELDS = [
    "answer", "nav", "area", "submission", "email", "password", "current", "new", "name", "key", "unit", "role",
    "idle_seconds", "count", "handed_out", "questionnaire", "period_start", "period_end", "municipality", "text",
    "question", "target", "members", "group", "code", "next", "omit", "units", "format",
]  # fmt: skip


def form(csrf: str | None) -> st.SearchStrategy[dict[str, str]]:
    fields = st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=6)
    token = st.sampled_from([csrf] * 8 + [None, "x", "ö" * 10]) if csrf else st.none()
    return st.tuples(fields, token).map(lambda pair: {**pair[0], **({"_csrf_token": pair[1]} if pair[1] else {})})


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)
JSON_BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries({"answers": st.dictionaries(st.sampled_from(["kontakt", "kon", "x", "nojd"]), JSON)}),
    st.fixed_dictionaries({"area": TEXT, "count": st.one_of(st.integers(), TEXT)}),
    st.fixed_dictionaries({"waiting": st.one_of(st.integers(), TEXT, st.floats())}),
)
CSV = st.sampled_from(
    [b"kommunkod,group\r\n2085,A\r\n", b"a,b\rc", b"\xff\xfe\x00", b"", b"question,share\nkontakt,NaN\n", b"x" * 70_000]
)


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    who: str
    kind: str
    body: object


def requests(world: World) -> st.SearchStrategy[Request]:
    @st.composite
    def build(draw) -> Request:
        method, path = draw(st.sampled_from(ROUTES))
        url = PARAM.sub(lambda m: _quote(draw(path_value(world, m.group(1)))), path)
        query = draw(
            st.dictionaries(
                st.sampled_from(
                    [
                        "area",
                        "lang",
                        "round",
                        "question",
                        "kon",
                        "fran",
                        "format",
                        "municipality",
                        "group",
                        "sort",
                        "next",
                    ]
                ),
                TEXT,
                max_size=3,
            )
        )
        staff = ["admin"] * 4 + ["national"] * 3 + ["anonymous"]
        who = draw(st.sampled_from(staff if path.startswith("/staff") else ["anonymous"]))
        if path == "/staff/logout":
            who = "anonymous"  # a signed-out session would leave the rest of the run without staff pages
        kind = "none"
        body: object = None
        if method == "POST":
            kind = draw(st.sampled_from(["form", "form", "json", "raw", "multipart", "big"]))
            body = {
                "form": lambda: draw(form(world.csrf.get(who))),
                "json": lambda: draw(JSON_BODIES),
                "raw": lambda: draw(st.sampled_from([b"answer=%ff%fe", b"\xff\xfe=\x00", b"a=1&&&=", b"%"])),
                "multipart": lambda: (draw(CSV), world.csrf.get(who)),
                "big": lambda: b"a=" + b"x" * 80_000,
            }[kind]()
        return Request(method, url + ("?" + httpx.QueryParams(query).__str__() if query else ""), who, kind, body)

    return build()


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="", errors="surrogatepass")


def send(world: World, request: Request) -> httpx.Response:
    client = world.clients[request.who]
    headers = {"x-csrftoken": world.csrf[request.who]} if request.who in world.csrf else {}
    if request.kind == "form":
        return client.request(request.method, request.url, data=request.body, headers=headers)
    if request.kind == "json":
        content = json.dumps(request.body, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
        headers["content-type"] = "application/json"
        return client.request(request.method, request.url, content=content, headers=headers)
    if request.kind == "multipart":
        data, csrf = request.body  # type: ignore[misc]
        fields = {"_csrf_token": csrf} if csrf else {}
        return client.request(request.method, request.url, data=fields, files={"file": ("x.csv", data)})
    if request.kind in ("raw", "big"):
        headers["content-type"] = "application/x-www-form-urlencoded"
        return client.request(request.method, request.url, content=request.body, headers=headers)
    return client.request(request.method, request.url, headers=headers)


# --- the world ----------------------------------------------------------------------------------------------------


def _counts(database_url: str) -> tuple[int, int, int]:
    async def count() -> tuple[int, int, int]:
        engine = create_engine(Settings(database_url=database_url, secret_key=SECRET))
        try:
            async with session_factory(engine)() as session:
                counts = [
                    int(await session.scalar(select(func.count()).select_from(table)))
                    for table in (Response, Answer, RedeemedToken)
                ]
                return counts[0], counts[1], counts[2]
        finally:
            await engine.dispose()

    return asyncio.run(count())


def _sign_in(base_url: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base_url, timeout=TIMEOUT, follow_redirects=False)
    page = client.get("/staff/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    reply = client.post("/staff/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
    assert reply.status_code == 303, reply.text
    page = client.get("/staff/")
    return client, re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def world(database_url: str, tmp_path) -> Iterator[World]:
    server = Server(database_url, tmp_path)
    server.env["BRUKARENKAT_FREE_FAILED_CHECKS"] = str(10**6)  # the throttle's waits are not what is fuzzed here
    demo = _cli(server, "demo", "--no-serve")
    kiosk = re.search(r"/kiosk/(\S+)", demo).group(1)
    issued = _cli(server, "tokens", "issue", "--round", "ifo-demo", "--municipality", "2085", "--area",
                  "vardnadshavare", "--count", "60", "--json")  # fmt: skip
    tokens = [url.rsplit("/s/", 1)[1] for url in json.loads(issued)["urls"]]
    server.start()
    clients = {"anonymous": httpx.Client(base_url=server.base_url, timeout=TIMEOUT, follow_redirects=False)}
    csrf = {}
    try:
        for who, email in (("admin", ADMIN), ("national", NATIONAL)):
            clients[who], csrf[who] = _sign_in(server.base_url, email)
        yield World(server, tokens, kiosk, clients, csrf)
    finally:
        for client in clients.values():
            client.close()
        server.stop()


def _cli(server: Server, *args: str) -> str:
    import subprocess

    from tests.browser.conftest import BRUKARENKAT

    done = subprocess.run(
        [str(BRUKARENKAT), *args], env=server.env, cwd=server.workdir, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- the tests ----------------------------------------------------------------------------------------------------


def test_every_route_has_a_strategy() -> None:
    """A route with a path parameter the fuzzer does not know would be fuzzed with junk only, or not at all."""
    known = {
        "token", "link", "number", "lang", "ident", "round_key", "unit_id", "user_id", "batch_id", "kiosk_id",
        "format_key", "code", "questionnaire", "language", "name", "file_path", "path",
    }  # fmt: skip
    names = {match.group(1) for _, path in ROUTES for match in PARAM.finditer(path)}
    assert names <= known, f"no strategy for {sorted(names - known)}: add one to path_value()"
    assert len(ROUTES) >= 68


def test_no_request_gets_a_server_error_or_writes_half(world: World, database_url: str) -> None:
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(world))
    def fuzz(request: Request) -> None:
        before = _counts(database_url) if request.method == "POST" else None
        try:
            reply = send(world, request)
        except httpx.TimeoutException:
            failures.append(f"{request.method} {request.url[:160]} ({request.kind}, {request.who}): no answer")
            return
        if reply.status_code >= 500:
            failures.append(
                f"{reply.status_code} {request.method} {request.url[:160]} ({request.kind}, {request.who}): "
                f"{str(request.body)[:200]!r}"
            )
        elif reply.status_code >= 400 and before is not None and _counts(database_url) != before:
            failures.append(f"partial write on {reply.status_code} {request.method} {request.url[:160]}")

    fuzz()
    assert not failures, "\n".join(dict.fromkeys(failures)) + "\n" + world.server.logs()[-3000:]
