"""The staff UI under /staff: one router, one guard, CSRF on every form (see base.py)."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from survey.auth import STAFF_PATH
from survey.config import Settings
from survey.routes.staff import account, comparison, free_text, handout, organisation, reporting, rounds
from survey.routes.staff.base import STAFF_EXCEPTION_HANDLERS, csrf_middleware, current_staff, staff_guard

HANDLERS = [
    account.login_page,
    account.login,
    account.logout,
    account.start,
    account.password_page,
    account.change_own_password,
    organisation.units_page,
    organisation.add_unit,
    organisation.edit_unit,
    organisation.users_page,
    organisation.add_user,
    organisation.deactivate,
    organisation.set_password,
    rounds.rounds_page,
    rounds.add_round,
    rounds.close,
    rounds.round_page,
    rounds.join,
    rounds.national_page,
    handout.add_batch,
    handout.batch_cards,
    handout.void,
    handout.handed_out,
    handout.add_kiosk,
    handout.revoke,
    free_text.free_text_page,
    free_text.redact_text,
    reporting.report_page,
    reporting.report_file,
    reporting.analysis_page,
    reporting.save_analysis,
    reporting.import_paper,
    reporting.import_national,
    comparison.compare_page,
    comparison.compare_export,
    comparison.groups_page,
    comparison.save_group,
    comparison.remove_group,
    comparison.import_group_file,
]


def staff_router(settings: Settings) -> Router:
    return Router(
        path=STAFF_PATH,
        route_handlers=HANDLERS,
        guards=[staff_guard],
        dependencies={"staff": Provide(current_staff, sync_to_thread=False)},
        middleware=[csrf_middleware(settings)],
        exception_handlers=STAFF_EXCEPTION_HANDLERS,
        include_in_schema=False,
    )
