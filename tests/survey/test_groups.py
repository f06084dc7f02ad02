"""Comparison groups on both databases: kept by hand or from a CSV file, and the built-in län group from the
municipality register (survey/data/municipalities.csv)."""

from __future__ import annotations

import pytest

from survey.cli import main
from survey.services.errors import InvalidInput, NotFound
from survey.services.groups import (
    LAN,
    ResolvedGroup,
    create_group,
    delete_group,
    import_groups,
    list_groups,
    resolve_group,
    set_members,
)
from survey.services.imports import ImportRejected
from tests.conftest import SECRET

# Dalarnas län (lan_code 20) in the register: 15 municipalities, 2021 Vansbro … 2085 Ludvika.
DALARNA = frozenset(
    {"2021", "2023", "2026", "2029", "2031", "2034", "2039", "2061", "2062",
     "2080", "2081", "2082", "2083", "2084", "2085"}
)  # fmt: skip


async def groups(session):
    return {group.name: members for group, members in await list_groups(session)}


async def test_create_list_set_and_delete(session, platform):
    # given out of order and with a duplicate: stored once each, listed in kommunkod order
    group = await create_group(
        session, name="  Dalanätverket ", members=["2085", "2080", "2029", "2085"], description="Nätverket"
    )
    await create_group(session, name="Liknande kommuner", members=["1480"])
    await session.commit()
    assert group.name == "Dalanätverket" and group.description == "Nätverket"
    assert await groups(session) == {"Dalanätverket": ["2029", "2080", "2085"], "Liknande kommuner": ["1480"]}

    await set_members(session, "Dalanätverket", ["2062", "2085"])
    await session.commit()
    assert (await groups(session))["Dalanätverket"] == ["2062", "2085"]

    await delete_group(session, "Dalanätverket")
    await session.commit()
    assert await groups(session) == {"Liknande kommuner": ["1480"]}
    with pytest.raises(NotFound, match="no comparison group 'Dalanätverket'"):
        await delete_group(session, "Dalanätverket")
    with pytest.raises(NotFound):
        await set_members(session, "Dalanätverket", ["2085"])


async def test_excel_dropped_leading_zero_is_put_back(session, platform):
    await create_group(session, name="Storstäder", members=["180", "1480", "1280"])
    assert (await groups(session))["Storstäder"] == ["0180", "1280", "1480"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "a group needs a name"),
        ("x" * 101, "longer than 100 characters"),
        ("lan", "reserved for the focus municipality's län"),
        ("LAN", "reserved"),
        ("Län", "reserved"),
    ],
)
async def test_bad_names_are_refused(session, platform, name, message):
    with pytest.raises(InvalidInput, match=message):
        await create_group(session, name=name, members=["2085"])


async def test_a_name_of_exactly_100_characters_is_fine_and_names_are_unique(session, platform):
    await create_group(session, name="x" * 100, members=["2085"])
    with pytest.raises(InvalidInput, match="exists already"):
        await create_group(session, name="x" * 100, members=["2080"])


async def test_every_unknown_member_is_named(session, platform):
    with pytest.raises(InvalidInput, match=r"not a kommunkod \(four digits, e\.g\. 2085\): 0000, 9999, abc$"):
        await create_group(session, name="Fel", members=["2085", "9999", "abc", "0000"])
    with pytest.raises(InvalidInput, match="at least one municipality"):
        await create_group(session, name="Tom", members=[" ", ""])
    await create_group(session, name="Rätt", members=["2085"])
    with pytest.raises(InvalidInput, match="9998"):
        await set_members(session, "Rätt", ["2085", "9998"])
    assert (await groups(session))["Rätt"] == ["2085"], "a refused change leaves the members as they were"


async def test_csv_import_creates_and_replaces_and_leaves_other_groups_alone(session, platform):
    await create_group(session, name="Dalanätverket", members=["2021", "2023"])
    await create_group(session, name="Liknande kommuner", members=["1480"])
    await session.commit()
    text = "kommunkod,group\n2085,Dalanätverket\n2080,Dalanätverket\n2085,Dalanätverket\n1980,SKR: Landsbygdskommun\n"
    # 2085 twice in one group is the same membership: Dalanätverket gets 2 members, the new group 1
    assert await import_groups(session, text) == {"Dalanätverket": 2, "SKR: Landsbygdskommun": 1}
    await session.commit()
    assert await groups(session) == {
        "Dalanätverket": ["2080", "2085"],  # replaced: 2021 and 2023 are gone
        "Liknande kommuner": ["1480"],  # not in the file: untouched
        "SKR: Landsbygdskommun": ["1980"],
    }


async def test_semicolon_csv_from_swedish_excel_with_bom_and_capitalised_headers(session, platform):
    text = "\ufeffKommunkod;Kommunnamn;Group\r\n2085;Ludvika;Bergslagen\r\n1980;Västerås;Bergslagen\r\n"
    assert await import_groups(session, text) == {"Bergslagen": 2}
    assert (await groups(session))["Bergslagen"] == ["1980", "2085"]


async def test_a_bad_group_file_imports_nothing_and_reports_every_line(session, platform):
    text = "\n".join([
        "kommunkod,group",
        "2085,Dalanätverket",  # line 2: fine
        "9999,Dalanätverket",  # line 3: unknown kommunkod
        "2080,",  # line 4: no group
        "2029,lan",  # line 5: reserved
        "2080,Dalanätverket,extra",  # line 6: more values than columns
        "2085,Dalanätverket",  # line 7: a duplicate row, fine
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        await import_groups(session, text)
    assert rejected.value.problems == [
        "line 3: '9999' is not a kommunkod (four digits, e.g. 2085)",
        "line 4: a group needs a name",
        "line 5: 'lan' is reserved for the focus municipality's län: choose another group name",
        "line 6: more values than columns",
    ]
    await session.rollback()
    assert await groups(session) == {}


async def test_a_file_without_the_columns_is_refused(session, platform):
    with pytest.raises(ImportRejected) as rejected:
        await import_groups(session, "kod,namn\n2085,Dalanätverket\n")
    assert rejected.value.problems == ["line 1: missing column 'kommunkod'", "line 1: missing column 'group'"]


async def test_lan_is_the_focus_municipalitys_lan(session, platform):
    resolved = await resolve_group(session, LAN, "2085")
    assert resolved == ResolvedGroup(key="lan", label="Dalarnas län", members=DALARNA)
    assert len(resolved.members) == 15
    with pytest.raises(InvalidInput, match="needs a municipality in focus"):
        await resolve_group(session, LAN, None)
    with pytest.raises(InvalidInput, match="'9999' is not a kommunkod"):
        await resolve_group(session, LAN, "9999")


async def test_resolving_a_named_group_or_none(session, platform):
    await create_group(session, name="Dalanätverket", members=["2085", "2080"])
    assert await resolve_group(session, None, "2085") is None
    assert await resolve_group(session, "", "2085") is None
    # a named group needs no focus
    assert await resolve_group(session, "Dalanätverket", None) == ResolvedGroup(
        key="Dalanätverket", label="Dalanätverket", members=frozenset({"2085", "2080"})
    )
    with pytest.raises(NotFound, match="no comparison group 'Okänd'"):
        await resolve_group(session, "Okänd", "2085")


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_groups_from_the_command_line(capsys, cli_env, tmp_path):
    code, out, _ = run(capsys, "groups", "list")
    assert (code, out) == (
        0,
        "no comparison groups (create one with: brukarenkat groups create NAME --members 2085,2080)\n",
    )
    code, out, _ = run(
        capsys, "groups", "create", "Dalanätverket", "--members", "2085,2080, 2029", "--description", "Nätverket"
    )
    assert (code, out) == (0, "created comparison group Dalanätverket\n")
    assert run(capsys, "groups", "list")[1] == "Dalanätverket\t3\t2029,2080,2085\n\tNätverket\n"
    assert run(capsys, "groups", "set", "Dalanätverket", "--members", "2062")[0] == 0
    assert run(capsys, "groups", "list")[1] == "Dalanätverket\t1\t2062\n\tNätverket\n"

    code, _, err = run(capsys, "groups", "create", "Fel", "--members", "2085,9999")
    assert (code, err) == (1, "brukarenkat: not a kommunkod (four digits, e.g. 2085): 9999\n")
    code, _, err = run(capsys, "groups", "create", "lan", "--members", "2085")
    assert code == 1 and "reserved" in err

    csv_file = tmp_path / "kommungrupper.csv"
    csv_file.write_text("kommunkod;group\n1980;SKR: Större stad\n0380;SKR: Större stad\n", encoding="utf-8")
    code, out, _ = run(capsys, "groups", "import", str(csv_file))
    assert code == 0
    assert out.splitlines()[1] == "  SKR: Större stad\t2"
    csv_file.write_text("kommunkod;group\n1980;SKR: Större stad\n9999;SKR: Större stad\n", encoding="utf-8")
    code, _, err = run(capsys, "groups", "import", str(csv_file))
    assert code == 1
    assert (
        err
        == "brukarenkat: nothing imported, 1 problem(s):\nline 3: '9999' is not a kommunkod (four digits, e.g. 2085)\n"
    )

    assert run(capsys, "groups", "delete", "Dalanätverket") == (0, "deleted comparison group Dalanätverket\n", "")
    assert run(capsys, "groups", "list")[1] == "SKR: Större stad\t2\t0380,1980\n"
    code, _, err = run(capsys, "groups", "delete", "Dalanätverket")
    assert (code, err) == (1, "brukarenkat: no comparison group 'Dalanätverket'\n")
