"""Jämförelse: one question in one area across every municipality, with a funnel plot and ranks with intervals;
and the comparison groups (national coordinators). Works without JavaScript: the pickers are a GET form, the
table sorts by links, and the plot's accessible alternative is the table beside it."""

from __future__ import annotations

import base64
import json
from typing import Any

import anyio
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL
from reports.charts import describe_funnel, funnel_chart, svg
from reports.formatting import POSITION_LABELS, percent
from survey.auth import Permission, Role, StaffMember
from survey.comparison_report import funnel
from survey.platform import Platform
from survey.routes.staff.base import STAFF_LOCALE, see_other, staff_page
from survey.routes.staff.reporting import UPLOAD_BYTES, uploaded_text
from survey.services.comparison import NationalComparison, comparison_csv, comparison_document, national_comparison
from survey.services.errors import InvalidInput
from survey.services.groups import LAN, create_group, delete_group, import_groups, list_groups, set_members
from survey.services.imports import ImportRejected
from survey.services.rounds import list_rounds
from survey.services.tables import KON_GROUPS, rated_questions

SORTS = ("share", "n", "name")


def _focus(staff: StaffMember, focus: str | None) -> str | None:
    """A municipality's staff compare their own municipality; a national coordinator may pick one or none."""
    return staff.kommunkod if staff.role is not Role.NATIONAL else (focus or None)


async def _choice(
    db_session: AsyncSession,
    platform: Platform,
    staff: StaffMember,
    round_key: str | None,
    area: str | None,
    question: str | None,
    group: str | None,
    kon: str | None,
    focus: str | None,
) -> tuple[list[Any], NationalComparison | None]:
    rounds = [r for r in await list_rounds(db_session) if rated_questions(platform.questionnaires[r.questionnaire])]
    if not rounds:
        return rounds, None
    chosen = next((r for r in rounds if r.key == round_key), None) or max(rounds, key=lambda r: r.period_start)
    questionnaire = platform.questionnaires[chosen.questionnaire]
    questions = rated_questions(questionnaire)
    comparison = await national_comparison(
        db_session,
        platform.questionnaires,
        round_key=chosen.key,
        area=area or TOTAL,
        question=question if question in questions else questions[0],
        group=group or None,
        focus=_focus(staff, focus),
        kon=kon or None,
    )
    return rounds, comparison


def _interval(share: Any) -> str:
    """ "78–91 %": the Wilson interval in whole percent."""
    low, high = round(100 * (share.ci_low or 0)), round(100 * (share.ci_high or 0))
    return f"{low}–{percent(high, STAFF_LOCALE)}"


def _sorted_rows(comparison: NationalComparison, sort: str, gettext: Any) -> list[dict[str, Any]]:
    shown = list(comparison.view.shown)
    if sort == "name":
        shown.sort(key=lambda e: comparison.name(e.key))
    elif sort == "n":
        shown.sort(key=lambda e: (-e.share.valid, comparison.name(e.key)))
    else:
        shown.sort(key=lambda e: (e.rank.rank if e.rank else 0, comparison.name(e.key)))
    rows = []
    for entry in shown:
        share = entry.share
        rows.append(
            {
                "kommunkod": entry.key,
                "name": comparison.name(entry.key),
                "focus": entry.key == comparison.focus,
                "in_group": entry.in_group,
                "source": comparison.sources.get(entry.key),
                "percent": percent(share.percent, STAFF_LOCALE),
                "valid": share.valid,
                "interval": _interval(share),
                "position": gettext(POSITION_LABELS[entry.position.value]) if entry.position else None,
                "rank": entry.rank,
            }
        )
    return rows


@get("/compare", opt={"permission": Permission.COMPARE_VIEW})
async def compare_page(
    request: Request[Any, Any, Any],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    round: FromQuery[str | None] = None,
    area: FromQuery[str | None] = None,
    question: FromQuery[str | None] = None,
    group: FromQuery[str | None] = None,
    kon: FromQuery[str | None] = None,
    focus: FromQuery[str | None] = None,
    sort: FromQuery[str] = "share",
) -> Response:
    """The comparison page: pickers, the funnel plot and the sortable table."""
    rounds, comparison = await _choice(db_session, platform, staff, round, area, question, group, kon, focus)
    messages = platform.catalogs.messages(STAFF_LOCALE)
    context: dict[str, Any] = {"rounds": rounds, "comparison": comparison, "groups": await list_groups(db_session)}
    if comparison is not None:
        questionnaire = comparison.questionnaire
        question_def = questionnaire.question(comparison.question)
        plot = funnel(comparison, title="", translations=messages)
        if plot is not None and plot.points:
            figure = await anyio.to_thread.run_sync(
                lambda: funnel_chart(plot, locale=STAFF_LOCALE, gettext=messages.gettext)
            )
            drawn = await anyio.to_thread.run_sync(svg, figure)
            # An image, not inline SVG: the page's policy allows no inline styles, and matplotlib's SVG is made
            # of them; as an image document the SVG keeps its own styles and the page keeps its policy.
            context["funnel_src"] = "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode()
            context["funnel_alt"] = describe_funnel(plot, locale=STAFF_LOCALE, gettext=messages.gettext)
            context["reference_label"] = plot.centre_label
        context.update(
            areas=[(a.key, a.name) for a in questionnaire.areas] + [(TOTAL, questionnaire.total_label)],
            questions=[(q, questionnaire.question(q).short or q) for q in rated_questions(questionnaire)],
            question_text=question_def.text if question_def else "",
            area_name=dict([(a.key, a.name) for a in questionnaire.areas] + [(TOTAL, questionnaire.total_label)])[
                comparison.area
            ],
            rows=_sorted_rows(comparison, sort if sort in SORTS else "share", messages.gettext),
            too_few=sorted(comparison.name(e.key) for e in comparison.view.too_few),
            sources=sorted(set(comparison.sources.values())),
            sort=sort if sort in SORTS else "share",
            kon_groups=KON_GROUPS,
            lan=LAN,
            query={
                "round": comparison.survey_round.key,
                "area": comparison.area,
                "question": comparison.question,
                "group": group or "",
                "kon": comparison.kon or "",
                "focus": comparison.focus or "" if staff.role is Role.NATIONAL else "",
            },
            percent=lambda value: percent(value, STAFF_LOCALE),
        )
    return staff_page(request, "compare.html", **context)


@get("/compare/export", opt={"permission": Permission.COMPARE_VIEW})
async def compare_export(
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    round: FromQuery[str | None] = None,
    area: FromQuery[str | None] = None,
    question: FromQuery[str | None] = None,
    group: FromQuery[str | None] = None,
    kon: FromQuery[str | None] = None,
    focus: FromQuery[str | None] = None,
    format: FromQuery[str] = "csv",
) -> Response[bytes]:
    """The comparison's table as CSV or JSON: the same aggregates as the page, nothing more."""
    if format not in ("csv", "json"):
        raise InvalidInput("Välj csv eller json.")
    _rounds, comparison = await _choice(db_session, platform, staff, round, area, question, group, kon, focus)
    if comparison is None:
        raise InvalidInput("Det finns ingen enkätomgång att jämföra.")
    name = f"jamforelse-{comparison.survey_round.key}-{comparison.area}-{comparison.question}"
    if format == "json":
        body = json.dumps(comparison_document(comparison), ensure_ascii=False, indent=1).encode()
        return Response(
            body,
            media_type="application/json",
            headers={"content-disposition": f'attachment; filename="{name}.json"'},
        )
    return Response(
        comparison_csv([comparison]).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


@get("/groups", opt={"permission": Permission.GROUPS_MANAGE})
async def groups_page(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response:
    return staff_page(request, "groups.html", groups=await list_groups(db_session))


def _members(text: str) -> list[str]:
    return [code for code in text.replace(",", " ").replace(";", " ").split() if code]


@post("/groups", opt={"permission": Permission.GROUPS_MANAGE})
async def save_group(data: URLEncodedBody[dict[str, str]], db_session: NamedDependency[AsyncSession]) -> Response[Any]:
    """Create a group, or give an existing one exactly these members."""
    name = (data.get("name") or "").strip()
    members = _members(data.get("members", ""))
    existing = {group.name for group, _members in await list_groups(db_session)}
    if name in existing:
        await set_members(db_session, name, members)
    else:
        await create_group(db_session, name=name, members=members, description=(data.get("description") or "").strip())
    await db_session.commit()
    return see_other("/staff/groups", saved=name)


@post("/groups/delete", opt={"permission": Permission.GROUPS_MANAGE})
async def remove_group(
    data: URLEncodedBody[dict[str, str]], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    await delete_group(db_session, (data.get("name") or "").strip())
    await db_session.commit()
    return see_other("/staff/groups")


@post("/groups/import", opt={"permission": Permission.GROUPS_MANAGE}, request_max_body_size=UPLOAD_BYTES)
async def import_group_file(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response:
    """A CSV of `kommunkod,group` (e.g. SKR's kommungruppsindelning saved as CSV): all rows or none."""
    text = await uploaded_text(request)
    try:
        imported = await import_groups(db_session, text)
    except ImportRejected as rejected:
        await db_session.rollback()
        return staff_page(request, "import_result.html", status_code=400, count=0, problems=rejected.problems)
    await db_session.commit()
    return staff_page(request, "import_result.html", count=sum(imported.values()), problems=[], back="/staff/groups")
