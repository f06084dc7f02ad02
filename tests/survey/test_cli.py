"""The `brukarenkat` command, run in-process against the test database."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from survey.cli import main
from survey.platform import Platform
from survey.services.users import authenticate
from tests.conftest import SECRET


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    monkeypatch.setenv("BRUKARENKAT_BASE_URL", "https://enkat.example.se")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_questionnaires_check_passes_for_the_shipped_files(capsys):
    code, out, _ = run(capsys, "questionnaires", "check")
    assert code == 0
    assert "ifo-1.toml: ok (ifo@1" in out


def test_questionnaires_check_fails_and_lists_the_problems_of_a_broken_file(capsys, tmp_path):
    broken = tmp_path / "x-1.toml"
    broken.write_text('key = "x"\nversion = 1\ntitle = ""\n', encoding="utf-8")
    code, out, _ = run(capsys, "questionnaires", "check", str(broken))
    assert code == 1
    assert "title: must be a non-empty text" in out
    assert "areas: at least one area" in out


def test_show_without_version_shows_the_latest_ifo_with_its_free_text_question(capsys):
    code, out, _ = run(capsys, "questionnaires", "show", "ifo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 2
    assert data["questions"][-1]["key"] == "ovrigt" and data["questions"][-1]["kind"] == "text"


def test_show_ifo_json_lists_seven_questions_five_areas_with_codes_and_roles(capsys):
    code, out, _ = run(capsys, "questionnaires", "show", "ifo", "--version", "1", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["questions"]) == 7
    assert len(data["areas"]) == 5
    assert [b["key"] for b in data["background"]] == ["kon"]
    forandring = next(q for q in data["questions"] if q["key"] == "forandring")
    assert forandring["options"][2] == {
        "key": "ingen_skillnad",
        "code": 3,
        "label": "Ingen skillnad",
        "role": "negative",
    }


def test_rounds_and_tokens_from_the_command_line(capsys, cli_env):
    code, out, _ = run(
        capsys, "rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31"
    )
    assert (code, out.strip()) == (0, "created round ifo-2017 (ifo@2, 2017-09-01 – 2017-10-31)")
    assert (
        run(capsys, "rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31")[0]
        == 1
    )
    assert (
        run(capsys, "units", "create", "--municipality", "2085", "--key", "ekb", "--name", "Ekonomiskt bistånd")[0] == 0
    )

    code, out, _ = run(
        capsys, "tokens", "issue", "--round", "ifo-2017", "--municipality", "2085", "--area", "vardnadshavare",
        "--unit", "ekb", "--count", "3", "--json",
    )  # fmt: skip
    assert code == 0
    issued = json.loads(out)
    assert issued["area"] == "vardnadshavare" and issued["unit"] == "ekb"
    assert len(set(issued["urls"])) == 3
    assert all(url.startswith("https://enkat.example.se/s/") for url in issued["urls"])

    code, out, _ = run(
        capsys, "tokens", "issue", "--round", "ifo-2017", "--municipality", "2085", "--area", "missbruk", "--count", "2"
    )
    assert code == 0 and len(out.split()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "barn"], "'barn' is not an area of ifo@2"),
        (["--area", "missbruk", "--municipality", "9999"], "no municipality with kommunkod '9999'"),
        (["--area", "missbruk", "--unit", "nope"], "has no unit 'nope'"),
        (["--area", "missbruk", "--count", "0"], "count must be from 1 to 10000"),
        (["--area", "missbruk", "--round", "ifo-1999"], "no survey round 'ifo-1999'"),
    ],
)
def test_bad_token_requests_get_a_clear_error(capsys, cli_env, args, message):
    run(capsys, "rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31")
    defaults = {"--round": "ifo-2017", "--municipality": "2085", "--count": "1"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = [x for key, value in {**defaults, **given}.items() for x in (key, value)]
    code, _, err = run(capsys, "tokens", "issue", *argv)
    assert code == 1
    assert message in err


def test_a_bad_period_is_refused(capsys, cli_env):
    code, _, err = run(
        capsys, "rounds", "create", "ifo-x", "--questionnaire", "ifo", "--period", "2017-10-31:2017-09-01"
    )
    assert code == 1 and "ends before it starts" in err


def test_demo_loads_and_prints_one_link_per_area(capsys, cli_env):
    code, out, _ = run(capsys, "demo", "--no-serve")
    assert code == 0
    links = [line.split() for line in out.splitlines() if "/s/" in line]
    assert [area for area, _ in links] == [
        "ungdomar",
        "vardnadshavare",
        "missbruk",
        "ekonomiskt_bistand",
        "ensamkommande",
    ]
    assert run(capsys, "demo", "--no-serve")[0] == 0, "demo can be loaded again"


def test_the_first_admin_is_created_on_the_command_line_and_can_sign_in(capsys, cli_env, settings):
    code, out, _ = run(
        capsys, "users", "create", "--email", "Anna@Ludvika.se", "--role", "admin", "--municipality", "2085"
    )
    assert code == 0
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 12
    assert _sign_in(settings, "anna@ludvika.se", password) == ("admin", "2085")
    code, _, err = run(capsys, "users", "create", "--email", "bo@ludvika.se", "--role", "analyst")
    assert code == 1 and "belongs to a municipality" in err
    code, _, err = run(
        capsys, "users", "create", "--email", "eva@ludvika.se", "--role", "unit_staff", "--municipality", "2085",
        "--unit", "saknas",
    )  # fmt: skip
    assert code == 1 and "has no unit saknas" in err
    code, _, err = run(
        capsys, "users", "create", "--email", "anna@ludvika.se", "--role", "admin", "--municipality", "2085"
    )
    assert code == 1 and "exists already" in err


def _sign_in(settings, email: str, password: str) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    """Sign in through the service, on an event loop of its own (the CLI under test runs its own, too)."""

    async def attempt() -> tuple[str, str | None]:
        platform = Platform.build(settings)
        try:
            async with platform.sessions() as session:
                user = await authenticate(
                    session, platform.passwords, email=email, password=password, now=dt.datetime.now(dt.UTC)
                )
                return user.role, user.kommunkod
        finally:
            await platform.engine.dispose()

    return asyncio.run(attempt())
