"""A real `brukarenkat serve` in a subprocess that a fault test can kill with SIGKILL and start again on the same
port and database, as a crashed server is restarted by its supervisor."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.browser.conftest import BRUKARENKAT, free_port
from tests.conftest import SECRET

STARTUP_SECONDS = 20.0


class Server:
    def __init__(self, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.env = {name: value for name, value in os.environ.items() if not name.startswith("BRUKARENKAT_")}
        self.env.update(
            BRUKARENKAT_DATABASE_URL=database_url,
            BRUKARENKAT_SECRET_KEY=SECRET,
            BRUKARENKAT_BASE_URL=self.base_url,
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        log = self.workdir / f"serve-{self.starts}.log"
        self.starts += 1
        with log.open("wb") as handle:  # the child has its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(BRUKARENKAT), "serve", "--port", str(self.port)],
                env=self.env,
                cwd=self.workdir,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"brukarenkat serve exited with {self.process.returncode}: {self.logs()}")
            try:
                with urllib.request.urlopen(self.base_url + "/", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError(f"brukarenkat serve did not answer in {STARTUP_SECONDS:.0f} s: {self.logs()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, no transaction is finished, nothing is flushed by the app."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-2000:] for path in sorted(self.workdir.glob("serve-*.log")))
