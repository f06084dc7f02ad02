"""Browser-test fixtures: the real `brukarenkat` server in a subprocess, and Debian's chromium through Playwright.

Nothing is mocked. The CLI migrates a fresh SQLite file and loads the demo round, uvicorn serves the app as it
would in production, and chromium talks to it over TCP on 127.0.0.1. These fixtures are module-scoped: starting a
server and a browser is the slow part, and every test mints its own single-use links, so tests cannot see each
other's answers.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from survey.demo import DEMO_MUNICIPALITY, DEMO_ROUND

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BRUKARENKAT = Path(sys.executable).parent / "brukarenkat"
"""The console script of the venv running pytest (not resolved: .venv/bin/python is a symlink)."""
STARTUP_SECONDS = 20.0


@dataclass(frozen=True)
class LiveServer:
    """A running `brukarenkat serve`, and the environment to run other CLI commands against its database."""

    base_url: str
    env: dict[str, str]
    workdir: Path
    log: Path

    def cli(self, *args: str) -> str:
        """Run `brukarenkat ARGS` with the server's environment; its stdout, or a test failure with its stderr."""
        done = subprocess.run(
            [str(BRUKARENKAT), *args],
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"brukarenkat {' '.join(args)} exited with {done.returncode}:\n{done.stderr}")
        return done.stdout

    def issue_link(self, area: str = "vardnadshavare") -> str:
        """A fresh single-use survey link for the demo round."""
        output = self.cli(
            "tokens", "issue", "--round", DEMO_ROUND, "--municipality", DEMO_MUNICIPALITY, "--area", area,
            "--count", "1", "--json",
        )  # fmt: skip
        (url,) = json.loads(output)["urls"]
        return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def random_secret(length: int = 48) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def server_env(workdir: Path, port: int) -> dict[str, str]:
    """This environment without a developer's own BRUKARENKAT_* settings, plus the test server's."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("BRUKARENKAT_")}
    env["BRUKARENKAT_DATABASE_URL"] = f"sqlite+aiosqlite:///{workdir / 'b.db'}"
    env["BRUKARENKAT_SECRET_KEY"] = random_secret()
    env["BRUKARENKAT_BASE_URL"] = f"http://127.0.0.1:{port}"
    return env


def wait_until_answering(server: LiveServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"brukarenkat serve exited with {process.returncode}:\n{server.log.read_text()}")
        try:
            with urllib.request.urlopen(server.base_url + "/", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"brukarenkat serve did not answer within {STARTUP_SECONDS:.0f} s:\n{server.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Migrate a fresh database, load the demo round (`ifo-demo` in 2085) and serve it on a free port."""
    workdir = tmp_path_factory.mktemp("live-server")
    port = free_port()
    env = server_env(workdir, port)
    server = LiveServer(base_url=env["BRUKARENKAT_BASE_URL"], env=env, workdir=workdir, log=workdir / "serve.log")
    server.cli("demo", "--no-serve")
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [str(BRUKARENKAT), "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(server, process)
            yield server
        finally:
            stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless. Missing chromium skips locally but fails in CI, where it must be installed."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
