"""Open a survey link and store its answers: the token is redeemed and the answers stored in one
transaction, and nothing stored links the two (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import QuestionKind, Questionnaire
from questionnaires.answers import answer_problems
from survey.models import Answer, BatchDay, RedeemedToken, Response, SurveyRound, TokenBatch
from survey.services.errors import InvalidInput
from survey.tokens import TokenClaims, TokenMinter


class LinkProblem(StrEnum):
    """Why a survey link cannot be answered; each has its own page in the respondent's language."""

    TAMPERED = "tampered"
    USED = "used"
    EXPIRED = "expired"
    CLOSED = "closed"
    NOT_YET_OPEN = "not_yet_open"


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem, *, kiosk_id: int | None = None, area: str | None = None) -> None:
        self.problem = problem
        self.kiosk_id = kiosk_id
        """The kiosk whose token this is (and its area), so that its page can send the tablet back to the start."""
        self.area = area
        super().__init__(problem.value)


@dataclass(frozen=True, slots=True)
class OpenLink:
    """A verified token whose round is open and which has not been used."""

    claims: TokenClaims
    round_id: int
    round_key: str
    questionnaire: Questionnaire
    kiosk_id: int | None = None
    """Set when the token was minted on a kiosk tablet: its pages then wipe themselves for the next person."""


async def open_link(
    session: AsyncSession,
    minter: TokenMinter,
    questionnaires: Mapping[str, Questionnaire],
    token: str,
    *,
    today: dt.date,
    check_used: bool = True,
) -> OpenLink:
    """The link's survey, or `LinkRefused` saying why it cannot be answered today.

    `check_used=False` skips looking for the token among the redeemed ones: for a submit, whose insert into
    `redeemed_tokens` refuses a used token anyway (one query less on the busiest path).
    """
    claims = minter.verify(token)
    if claims is None:
        raise LinkRefused(LinkProblem.TAMPERED)
    row = (
        await session.execute(
            select(TokenBatch, SurveyRound)
            .join(SurveyRound, SurveyRound.id == TokenBatch.round_id)
            .where(TokenBatch.id == claims.batch_id)
        )
    ).first()
    if row is None:
        raise LinkRefused(LinkProblem.TAMPERED)
    batch, survey_round = row
    signed_place = (claims.round_key, claims.kommunkod, claims.area, claims.unit_id)
    if signed_place != (survey_round.key, batch.kommunkod, batch.area, batch.unit_id):
        raise LinkRefused(LinkProblem.TAMPERED)

    def refused(problem: LinkProblem) -> LinkRefused:
        return LinkRefused(problem, kiosk_id=batch.kiosk_id, area=claims.area)

    if survey_round.closed:
        raise refused(LinkProblem.CLOSED)
    if batch.voided or today > survey_round.period_end:
        raise refused(LinkProblem.EXPIRED)
    if today < survey_round.period_start:
        raise refused(LinkProblem.NOT_YET_OPEN)
    if check_used and await session.get(RedeemedToken, claims.nonce_hash) is not None:
        raise refused(LinkProblem.USED)
    return OpenLink(
        claims=claims,
        round_id=survey_round.id,
        round_key=survey_round.key,
        questionnaire=questionnaires[survey_round.questionnaire],
        kiosk_id=batch.kiosk_id,
    )


SUBMISSION_KEY_LENGTH = (16, 200)
"""A submission key is made by the respondent's page (random, at least 128 bits in URL-safe text)."""


def submission_hash(key: str | None) -> bytes | None:
    """sha256 of a submission key, or None without one; InvalidInput for a key that cannot be one."""
    if key is None or key == "":
        return None
    low, high = SUBMISSION_KEY_LENGTH
    if not low <= len(key) <= high or not key.isascii() or not key.isprintable():
        raise InvalidInput(f"a submission key has {low}–{high} printable ASCII characters")
    return hashlib.sha256(key.encode()).digest()


class Stored(StrEnum):
    NOW = "now"
    """This request stored the answers."""
    BEFORE = "before"
    """The same submission (same key) was stored by an earlier request whose reply never arrived."""


async def submit_response(
    session: AsyncSession,
    link: OpenLink,
    answers: Mapping[str, str],
    *,
    today: dt.date,
    submission_key: str | None = None,
) -> Stored:
    """Redeem the token and store the answers in one transaction, or store nothing at all.

    The token's hash goes in first, so that of two submits racing with one token the second fails on the
    primary key before any answer of it is written (Core inserts: one statement per table). A submission sent
    again with the same key, after the first reached the database, is `Stored.BEFORE` and stores nothing;
    any other submit of a used token raises `LinkRefused(USED)`. `InvalidInput` for answers the questionnaire
    does not have.
    """
    submission = submission_hash(submission_key)
    problems = answer_problems(link.questionnaire, answers)
    if problems:
        redeemed = await session.get(RedeemedToken, link.claims.nonce_hash)
        if submission is not None and redeemed is not None and redeemed.submission == submission:
            return Stored.BEFORE  # sent again after the answers' cookie was cleared: the first one is stored
        if redeemed is not None:
            # "already answered" says more than what was wrong this time
            raise LinkRefused(LinkProblem.USED, kiosk_id=link.kiosk_id, area=link.claims.area)
        raise InvalidInput("; ".join(problems))
    claims = link.claims
    try:
        await session.execute(
            insert(RedeemedToken).values(nonce_hash=claims.nonce_hash, batch_id=claims.batch_id, submission=submission)
        )
        await insert_response(
            session,
            link.questionnaire,
            round_id=link.round_id,
            kommunkod=claims.kommunkod,
            unit_id=claims.unit_id,
            area=claims.area,
            answers=answers,
        )
        await count_answer(session, claims.batch_id, today)
        if claims.counted_on_use:
            await count_handed_out(session, claims.batch_id)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        redeemed = await session.get(RedeemedToken, claims.nonce_hash)
        if submission is not None and redeemed is not None and redeemed.submission == submission:
            return Stored.BEFORE
        raise LinkRefused(LinkProblem.USED, kiosk_id=link.kiosk_id, area=claims.area) from None
    return Stored.NOW


async def count_answer(session: AsyncSession, batch_id: int, day: dt.date) -> None:
    """One more answer for the batch today (svarsfrekvens per day); a count, never a row per answer."""
    dialect = session.bind.dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = upsert(BatchDay).values(batch_id=batch_id, day=day, answered=1)
    statement = statement.on_conflict_do_update(
        index_elements=[BatchDay.batch_id, BatchDay.day], set_={"answered": BatchDay.answered + 1}
    )
    await session.execute(statement)


async def count_handed_out(session: AsyncSession, batch_id: int) -> None:
    """An offline kiosk token counts as handed out when it is first used, not when it was minted into a slice."""
    await session.execute(
        update(TokenBatch).where(TokenBatch.id == batch_id).values(handed_out=TokenBatch.handed_out + 1)
    )


async def insert_response(
    session: AsyncSession,
    questionnaire: Questionnaire,
    *,
    round_id: int,
    kommunkod: str,
    unit_id: int | None,
    area: str,
    answers: Mapping[str, str],
) -> None:
    """One response under a random id with its answers: where it belongs, and nothing about who or when."""
    response_id = secrets.token_hex(16)
    await session.execute(
        insert(Response).values(id=response_id, round_id=round_id, kommunkod=kommunkod, unit_id=unit_id, area=area)
    )
    rows = _answer_rows(questionnaire, response_id, answers)
    if rows:
        await session.execute(insert(Answer), rows)


AnswerRow = dict[str, str | None]


def _answer_rows(questionnaire: Questionnaire, response_id: str, answers: Mapping[str, str]) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    for key, value in answers.items():
        question = questionnaire.question(key)
        is_text = question is not None and question.kind is QuestionKind.TEXT
        option, text = (None, value) if is_text else (value, None)
        rows.append({"response_id": response_id, "question": key, "option": option, "text": text})
    return rows
