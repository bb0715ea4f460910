"""企业注册 and 企业账号 pages (issue #23):

- ``/register`` (no login) — an enterprise applies for an account: 统一社会信用代码, contact,
  username, password; CAPTCHA-free (rate-limited per address, a hidden field and a signed
  minimum fill time, :mod:`.guard`);
- ``/register/status`` (no login) — the applicant reads its application's state (pending,
  approved, rejected with the reason) with its username and password;
- ``/accounts/enterprise`` (bureau accounts) — the applications of their region to approve or
  reject, the enterprise accounts of the region, and the form to create one for one or more
  enterprises.

The work is :mod:`qingshan.portal.onboarding.service`; every change is audited.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import ClientAddress, SessionDep, SettingsDep
from qingshan.archive.service import enterprise_directory
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.portal.onboarding import service as svc
from qingshan.portal.onboarding.errors import OnboardingError, RegistrationNotFound
from qingshan.portal.onboarding.guard import (
    HONEYPOT_FIELD,
    form_token,
    guard_for,
    read_form_token,
)
from qingshan.timeutil import as_cst
from qingshan.web.auth import LoggedInViewer, OptionalViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
FIELDS = ("credit_code", "contact_name", "contact_phone", "contact_email", "username")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def when(t: Any) -> str:
        return "—" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M")

    return {"rname": rname, "when": when, "honeypot": HONEYPOT_FIELD}


def _register_page(request: Request, viewer: Viewer | None, settings: Any, *,
                   status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    ctx = {**_helpers(request), "token": form_token(settings.signing_key), **extra}
    resp = render(request, "portal_register.html", ctx, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, viewer: OptionalViewer,
                  settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """The application form (no login)."""
    return _register_page(request, viewer, settings, form={})


@router.post("/register", response_class=HTMLResponse, response_model=None)
async def register_form(request: Request, viewer: OptionalViewer, session: SessionDep,
                        settings: SettingsDep, address: ClientAddress) -> Response:  # fmt: skip
    """File the application; the state page follows."""
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in FIELDS}
    guard = guard_for(request.app.state)
    try:
        guard.check_submission(address)
        shown = read_form_token(settings.signing_key, str(form.get("token") or ""))
        if shown is None:
            raise OnboardingError("the form has expired or was altered: please send it again "
                                  "from this page", field="token")  # fmt: skip
        guard.check_form(str(form.get(HONEYPOT_FIELD) or ""), shown)
        session.info["actor"] = f"applicant:{values['username'].strip()}"[:64]
        view = svc.register(
            session, credit_code=values["credit_code"], contact_name=values["contact_name"],
            contact_phone=values["contact_phone"], contact_email=values["contact_email"],
            username=values["username"], password=str(form.get("password") or ""),
            address=address,
        )  # fmt: skip
    except OnboardingError as exc:
        session.rollback()
        code = exc.status_code if exc.status_code in (422, 429) else 422
        return _register_page(request, viewer, settings, status_code=code, error=str(exc),
                              field=exc.field, form=values)  # fmt: skip
    finally:
        await form.close()
    guard.submitted(address)
    ctx = {**_helpers(request), "r": view, "just_filed": True}
    return render(request, "portal_register_status.html", ctx, viewer=viewer)


@router.get("/register/status", response_class=HTMLResponse)
def status_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """Ask for the username and password to show the application's state."""
    return render(request, "portal_register_status.html", _helpers(request), viewer=viewer)


@router.post("/register/status", response_class=HTMLResponse)
async def status_form(request: Request, viewer: OptionalViewer, session: SessionDep,
                      address: ClientAddress) -> HTMLResponse:  # fmt: skip
    form = await request.form()
    guard = guard_for(request.app.state)
    ctx = _helpers(request)
    status = 200
    try:
        guard.check_lookup(address)
        ctx["r"] = svc.registration_status(session, str(form.get("username") or ""),
                                           str(form.get("password") or ""))  # fmt: skip
    except RegistrationNotFound as exc:
        guard.failed_lookup(address)
        ctx["error"], status = str(exc), 404
    except OnboardingError as exc:  # too many failed lookups
        ctx["error"], status = str(exc), exc.status_code
    resp = render(request, "portal_register_status.html", ctx, viewer=viewer)
    resp.status_code = status
    return resp


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("企业账号 is for bureau accounts")


def _accounts_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
                   **extra: Any) -> HTMLResponse:  # fmt: skip
    scope = viewer.scope
    ctx = {
        **_helpers(request), "pending": svc.pending_registrations(session, scope),
        "decided": [r for r in svc.list_registrations(session, scope, limit=50)
                    if r.state != "pending"],
        "accounts": svc.enterprise_accounts(session, scope),
        "enterprises": [(e.id, e.name, e.region_code)
                        for e in enterprise_directory(session, viewer.region_code)][:500],
        **extra,
    }  # fmt: skip
    resp = render(request, "portal_accounts.html", ctx, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/accounts/enterprise", response_class=HTMLResponse)
def accounts_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Applications to review, enterprise accounts, and the form to create one."""
    _officer(viewer)
    return _accounts_page(request, viewer, session)


@router.post("/accounts/enterprise", response_class=HTMLResponse, response_model=None)
async def create_form(request: Request, viewer: LoggedInViewer,
                      session: SessionDep) -> Response:  # fmt: skip
    _officer(viewer)
    form = await request.form()
    try:
        ids = []
        for v in form.getlist("enterprise_ids"):
            try:
                ids.append(int(str(v)))
            except ValueError:
                raise OnboardingError(f"enterprise {v!r} is not an id",
                                      field="enterprise_ids") from None  # fmt: skip
        acc = svc.create_enterprise_account(
            session, viewer.scope, username=str(form.get("username") or ""),
            password=str(form.get("password") or ""), enterprise_ids=ids,
            display_name=str(form.get("display_name") or ""),
        )  # fmt: skip
    except OnboardingError as exc:
        session.rollback()
        return _accounts_page(request, viewer, session, status_code=exc.status_code,
                              create_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/accounts/enterprise?created={acc.username}#accounts",
                            status_code=303)  # fmt: skip


@router.post("/accounts/enterprise/registrations/{registration_id:int}/{decision}",
             response_class=HTMLResponse, response_model=None)  # fmt: skip
async def decide_form(request: Request, registration_id: int, decision: str,
                      viewer: LoggedInViewer, session: SessionDep) -> Response:  # fmt: skip
    """Approve, or reject with a reason."""
    _officer(viewer)
    form = await request.form()
    try:
        if decision == "approve":
            svc.approve(session, viewer.scope, registration_id)
        elif decision == "reject":
            svc.reject(session, viewer.scope, registration_id,
                       reason=str(form.get("reason") or ""))  # fmt: skip
        else:
            raise OnboardingError(f"unknown decision {decision!r} (approve or reject)",
                                  field="decision")  # fmt: skip
    except OnboardingError as exc:
        session.rollback()
        return _accounts_page(request, viewer, session, status_code=exc.status_code,
                              error=str(exc))  # fmt: skip
    return RedirectResponse(f"/accounts/enterprise?{decision}d={registration_id}",
                            status_code=303)  # fmt: skip
