"""Database tables. What `responses`, `answers` and `redeemed_tokens` may hold is the anonymity model
(DESIGN.md §3): read `tests/survey/test_anonymity.py` before adding a column to any of them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ANONYMOUS_TABLES = ("responses", "answers", "redeemed_tokens")
"""Tables whose physical order must not follow arrival: SQLite WITHOUT ROWID, CLUSTERed on PostgreSQL."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Municipality(Base):
    """One of Sweden's 290 kommuner, loaded from the register shipped in survey/data."""

    __tablename__ = "municipalities"
    kommunkod: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    lan_code: Mapped[str] = mapped_column(String(2))
    lan_name: Mapped[str] = mapped_column(String(100))


class Unit(Base):
    """An enhet of a municipality (a HVB home, the ekonomiskt bistånd office), results can be reported by."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("kommunkod", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"))
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(60))
    """The questionnaire area every client of this unit answers about (an HVB: ensamkommande), or None when
    staff choose it per respondent (an office serving several)."""


class SurveyRound(Base):
    """One measuring period of one questionnaire version ("ifo-2017"): the finest time a response carries."""

    __tablename__ = "survey_rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    questionnaire: Mapped[str] = mapped_column(String(60))
    """The questionnaire version's ident, `ifo@1`."""
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class TokenBatch(Base):
    """A number of tokens minted together for one municipality, area and optionally unit.

    Only the count is stored, never the tokens: a batch can be reprinted only by minting a new one.
    """

    __tablename__ = "token_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"))
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    area: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    created_on: Mapped[dt.date] = mapped_column(Date)
    """A day, not a time: batches are not meant to tell one respondent from another."""
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(10), default="links")
    """`cards` (printed QR cards), `kiosk` (minted one at a time on a tablet) or `links` (CLI, API)."""
    handed_out: Mapped[int] = mapped_column(Integer, default=0)
    """Cards given to clients: the size unless staff record cards that came back unused; a kiosk's starts."""
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"))


class BatchDay(Base):
    """How many answers a batch received on one day: the "answers per day" of svarsfrekvens.

    A count per batch and day, never a row per answer and never beside one: a response row still carries no
    time (DESIGN.md §3), and nothing here says which response arrived when.
    """

    __tablename__ = "batch_days"
    batch_id: Mapped[int] = mapped_column(ForeignKey("token_batches.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    answered: Mapped[int] = mapped_column(Integer)


class Kiosk(Base):
    """A shared tablet turned into a survey station for one unit in one round, until revoked."""

    __tablename__ = "kiosks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"))
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(100))
    idle_seconds: Mapped[int] = mapped_column(Integer)
    """Inactivity after which the tablet wipes the respondent's answers and shows the start screen again."""
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[dt.date] = mapped_column(Date)
    synced_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    """When the tablet last reported in (to the minute, Swedish time); overwritten, never a log of reports."""
    waiting: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """How many finished answers the tablet said were still waiting on it to be sent, at that report."""


class RoundMunicipality(Base):
    """A municipality taking part in a survey round (joined by its admin)."""

    __tablename__ = "round_municipalities"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"), primary_key=True)
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"), primary_key=True)


class RoundUnit(Base):
    """A unit taking part in a survey round: only these get token batches and kiosks."""

    __tablename__ = "round_units"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class User(Base):
    """A member of staff. `kommunkod` is None only for national coordinators."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Stored lower-cased: the login name."""
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    kommunkod: Mapped[str | None] = mapped_column(ForeignKey("municipalities.kommunkod"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    """Part of every session cookie; raising it signs the user out everywhere (new password, deactivation)."""
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UserUnit(Base):
    """The units a member of unit staff hands out tokens for."""

    __tablename__ = "user_units"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class RedeemedToken(Base):
    """sha256 of a used token's nonce. The primary key is what makes a token single-use.

    No link to the response it produced, and no time: see DESIGN.md §3.
    """

    __tablename__ = "redeemed_tokens"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's table-args shape
    nonce_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("token_batches.id"))
    submission: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    """sha256 of the submission key the respondent's page sent with the answers (a random value made for that
    page), so that the same submission sent twice is recognised; a different one finds the token used."""


class Response(Base):
    """One respondent's submission: where and in which round it belongs, nothing about who or when."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_round_id", "round_id", "kommunkod", "area"),
        {"sqlite_with_rowid": False},
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """128 random bits in hex; never sequential, so storage and key order say nothing of arrival."""
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"))
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    area: Mapped[str] = mapped_column(String(60))


class Answer(Base):
    """One answered question of a response; unanswered questions have no row."""

    __tablename__ = "answers"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    option: Mapped[str | None] = mapped_column(String(60))
    """The option key; None for free text."""
    text: Mapped[str | None] = mapped_column(Text)
    """Free text; None for option answers."""


class TextRedaction(Base):
    """An analyst's version of a free-text answer for reports: names and other identifying details taken out.

    The answer itself stays as given; reports print this text instead, and an empty text leaves the answer out.
    """

    __tablename__ = "text_redactions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["response_id", "question"], ["answers.response_id", "answers.question"], ondelete="CASCADE"
        ),
    )
    response_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ImportedRikssnitt(Base):
    """A published national share (e.g. from SKR's report or Kolada) that wins over the computed one."""

    __tablename__ = "rikssnitt"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"), primary_key=True)
    area: Mapped[str] = mapped_column(String(60), primary_key=True)
    """An area key, or `total` for IFO-totalt."""
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    valid: Mapped[int | None] = mapped_column(Integer)
    """The number of valid answers behind it, when published."""
    source: Mapped[str | None] = mapped_column(String(100))
    """Where it was published ("Kolada"), as the import named it; None for the CSV import of a round's figures."""


class AnalysisText(Base):
    """The municipality's own "Analys, kommentarer och åtgärder" for one question of one round."""

    __tablename__ = "analysis_texts"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"), primary_key=True)
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"), primary_key=True)
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Target(Base):
    """A måltal: the share of positive answers (IFO-totalt) a municipality aims for on a question."""

    __tablename__ = "targets"
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"), primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(60), primary_key=True)
    """The questionnaire key (not version): a target holds across years."""
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    percent: Mapped[int] = mapped_column(Integer)


class ComparisonGroup(Base):
    """A named set of municipalities to compare with ("Liknande kommuner", an SKR kommungrupp, a network):
    data rather than code, so coordinators can keep SKR's kommungruppsindelning and their own networks current."""

    __tablename__ = "comparison_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class ComparisonGroupMember(Base):
    """A municipality in a comparison group; a municipality may be in any number of groups."""

    __tablename__ = "comparison_group_members"
    group_id: Mapped[int] = mapped_column(ForeignKey("comparison_groups.id", ondelete="CASCADE"), primary_key=True)
    kommunkod: Mapped[str] = mapped_column(ForeignKey("municipalities.kommunkod"), primary_key=True)


class PublishedValue(Base):
    """A share published elsewhere (Kolada) for a municipality that need not be on the platform, so comparisons
    can show municipalities that answered on paper or another system. Only aggregates, never answers."""

    __tablename__ = "published_values"
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    """Where it was published ("Kolada"); a new import of a source replaces that source's values."""
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"), primary_key=True)
    kommunkod: Mapped[str] = mapped_column(String(4), primary_key=True)
    """Not a foreign key: Kolada's 0000 (riket) is not in the municipality register."""
    area: Mapped[str] = mapped_column(String(60), primary_key=True)
    """An area key, or `total` for IFO-totalt."""
    question: Mapped[str] = mapped_column(String(60), primary_key=True)
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    """Kolada's T (everyone), K (kvinnor) or M (män)."""
    percent: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    count: Mapped[int | None] = mapped_column(Integer)
    """The number of answers behind the share, when published."""
