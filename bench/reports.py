"""Report benchmark: seconds for one municipality's PDF, and for the batch of every municipality's PDF.

Builds a SQLite database with the real CLI (`db upgrade`, `rounds create`, `import responses` from a generated
paper-form file), then times `brukarenkat report` for one municipality and `--all-municipalities` on every core.

    .venv/bin/python bench/reports.py [--municipalities 290] [--forms 120] [--format pdf]
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent / "brukarenkat"
AREAS = ["ungdomar", "vardnadshavare", "missbruk", "ekonomiskt_bistand", "ensamkommande"]
QUESTIONS = ["kontakt", "information", "forstaelse", "synpunkter", "paverka", "nojd", "forandring"]
CODES = {q: 5 for q in QUESTIONS} | {"forandring": 6}


def municipalities(limit: int) -> list[str]:
    register = Path(__file__).parent.parent / "survey" / "data" / "municipalities.csv"
    with register.open(encoding="utf-8") as handle:
        return [row["kommunkod"] for row in csv.DictReader(handle)][:limit]


def paper_forms(path: Path, kommunkoder: list[str], forms: int, seed: int) -> int:
    """Forms per municipality drawn around `forms`; answers mostly positive, some blank or excluded."""
    rng = np.random.default_rng(seed)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["municipality", "area", "kon", *QUESTIONS])
        for kommunkod in kommunkoder:
            for _ in range(max(1, int(rng.poisson(forms)))):
                area = AREAS[int(rng.choice(5, p=[0.1, 0.2, 0.15, 0.5, 0.05]))]
                answers = [
                    "" if rng.random() < 0.05 else str(1 + int(rng.choice(CODES[q], p=_weights(CODES[q]))))
                    for q in QUESTIONS
                ]
                writer.writerow([kommunkod, area, str(int(rng.integers(1, 5))), *answers])
                written += 1
    return written


def _weights(n: int) -> list[float]:
    weights = [0.45, 0.3, 0.1, 0.05] + [0.1 / (n - 4)] * (n - 4)
    return [w / sum(weights) for w in weights]


def cli(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"brukarenkat {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--forms", type=int, default=120, help="mean paper forms per municipality")
    parser.add_argument("--format", default="pdf", choices=["pdf", "html", "xlsx", "csv", "kolada"])
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brukarenkat-reports-") as folder:
        work = Path(folder)
        env = dict(os.environ)
        env.update(
            BRUKARENKAT_DATABASE_URL=f"sqlite+aiosqlite:///{work / 'bench.db'}",
            BRUKARENKAT_SECRET_KEY=secrets.token_urlsafe(48),
            MPLCONFIGDIR=str(work / "mpl"),
        )
        kommunkoder = municipalities(args.municipalities)
        forms = paper_forms(work / "forms.csv", kommunkoder, args.forms, args.seed)
        setup = cli(env, "db", "upgrade")
        setup += cli(
            env, "rounds", "create", "bench-2026", "--questionnaire", "ifo", "--period", "2026-09-01:2026-10-31"
        )
        setup += cli(env, "import", "responses", str(work / "forms.csv"), "--round", "bench-2026")
        one = min(
            cli(env, "report", "--round", "bench-2026", "--municipality", kommunkoder[0], "--format", args.format,
                "-o", str(work / f"one.{args.format}"))
            for _ in range(3)
        )  # fmt: skip
        batch = cli(env, "report", "--round", "bench-2026", "--all-municipalities", "--format", args.format,
                    "-o", str(work / "all"))  # fmt: skip
        written = len(list((work / "all").iterdir()))
    print(f"data: {len(kommunkoder)} municipalities, {forms} paper forms (setup {setup:.1f} s)")
    print(f"one municipality's {args.format}, whole command, best of 3: {one:.2f} s")
    print(
        f"all {written} municipalities on {os.cpu_count()} cores: {batch:.1f} s ({batch / max(written, 1):.2f} s each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
