"""Staff roles, what each may do, password hashing (argon2) and the signed session cookie; no database here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SESSION_COOKIE = "brukarenkat_staff"
SESSION_PURPOSE = "brukarenkat.staff-session"
SESSION_SECONDS = 8 * 3600
"""A working day: a session left open on an office computer does not last into the next."""
STAFF_PATH = "/staff"
"""The staff UI's path; its cookies (session, CSRF) are scoped to it and never reach a respondent page."""
MIN_PASSWORD = 12


class Role(StrEnum):
    NATIONAL = "national"
    """National coordinator: manages survey rounds, sees every municipality only as suppressed aggregates."""
    ADMIN = "admin"
    """Municipality admin: units, users, joining rounds, token batches and kiosks of their municipality."""
    ANALYST = "analyst"
    """Results, free text (above the suppression threshold), analysis texts and reports of their municipality."""
    UNIT_STAFF = "unit_staff"
    """Hands out tokens (cards, kiosks) for their own units and sees how many came back: counts only."""


class Permission(StrEnum):
    OWN_ACCOUNT = "own_account"
    """Every signed-in member: their own password."""
    ROUNDS_VIEW = "rounds.view"
    ROUNDS_MANAGE = "rounds.manage"
    ROUNDS_JOIN = "rounds.join"
    UNITS_MANAGE = "units.manage"
    USERS_MANAGE = "users.manage"
    TOKENS_HAND_OUT = "tokens.hand_out"
    COUNTS_VIEW = "counts.view"
    FREE_TEXT = "free_text"
    RESULTS_VIEW = "results.view"
    ANALYSIS_WRITE = "analysis.write"
    PAPER_IMPORT = "paper.import"
    NATIONAL_VIEW = "national.view"
    COMPARE_VIEW = "compare.view"
    """Other municipalities' published aggregates (share, n, interval), never their answers or free text."""
    GROUPS_MANAGE = "groups.manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.NATIONAL: frozenset(
        {
            Permission.OWN_ACCOUNT,
            Permission.ROUNDS_VIEW,
            Permission.ROUNDS_MANAGE,
            Permission.USERS_MANAGE,
            Permission.NATIONAL_VIEW,
            Permission.COMPARE_VIEW,
            Permission.GROUPS_MANAGE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.OWN_ACCOUNT,
            Permission.ROUNDS_VIEW,
            Permission.ROUNDS_JOIN,
            Permission.UNITS_MANAGE,
            Permission.USERS_MANAGE,
            Permission.TOKENS_HAND_OUT,
            Permission.COUNTS_VIEW,
            Permission.PAPER_IMPORT,
            Permission.COMPARE_VIEW,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Permission.OWN_ACCOUNT,
            Permission.ROUNDS_VIEW,
            Permission.COUNTS_VIEW,
            Permission.FREE_TEXT,
            Permission.RESULTS_VIEW,
            Permission.ANALYSIS_WRITE,
            Permission.PAPER_IMPORT,
            Permission.COMPARE_VIEW,
        }
    ),
    Role.UNIT_STAFF: frozenset(
        {Permission.OWN_ACCOUNT, Permission.ROUNDS_VIEW, Permission.TOKENS_HAND_OUT, Permission.COUNTS_VIEW}
    ),
}

ROLES_NEEDING_MUNICIPALITY = frozenset({Role.ADMIN, Role.ANALYST, Role.UNIT_STAFF})


def N_(message: str) -> str:
    return message


ROLE_NAMES = {
    Role.NATIONAL: N_("Nationell samordnare"),
    Role.ADMIN: N_("Kommunadministratör"),
    Role.ANALYST: N_("Analytiker"),
    Role.UNIT_STAFF: N_("Personal på enhet"),
}


@dataclass(frozen=True, slots=True)
class StaffMember:
    """The signed-in user as a request sees them: who, which role, and where they may look."""

    id: int
    email: str
    name: str
    role: Role
    kommunkod: str | None
    unit_ids: frozenset[int]
    """The units a member of unit staff works in; empty for every other role."""

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees_unit(self, kommunkod: str, unit_id: int | None) -> bool:
        """Whether this person may see a unit's counts and batches: own municipality, and for unit staff own units."""
        if self.kommunkod is None or kommunkod != self.kommunkod:
            return False
        return self.role is not Role.UNIT_STAFF or unit_id in self.unit_ids


class Passwords:
    """argon2id with the library's current recommended parameters; old hashes are upgraded on login."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()
        # Verified against when the email is unknown, so that a wrong email takes as long as a wrong password.
        self._dummy = self._hasher.hash("not a password of anyone's")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length over composition rules (NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD:
        return N_("Lösenordet måste ha minst 12 tecken.")
    if len(password) > 200:
        return N_("Lösenordet får ha högst 200 tecken.")
    return None


class Sessions:
    """The staff session cookie: [user id, session epoch], signed and stamped, valid for SESSION_SECONDS."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SESSION_PURPOSE)

    def sign(self, user_id: int, epoch: int) -> str:
        return self._serializer.dumps([user_id, epoch])

    def read(self, cookie: str | None) -> tuple[int, int] | None:
        if not cookie:
            return None
        try:
            payload = self._serializer.loads(cookie, max_age=SESSION_SECONDS)
        except (BadSignature, SignatureExpired, UnicodeDecodeError, ValueError):
            return None
        if not (isinstance(payload, list) and len(payload) == 2 and all(isinstance(v, int) for v in payload)):
            return None
        return payload[0], payload[1]
