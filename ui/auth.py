"""The sign-in gate: who is using this session, set for the engine at the start of every run.

Ways in, first that applies:

1. a signed-in session that has not expired (``KPI_SESSION_HOURS``, default 12);
2. single sign-on: when ``.streamlit/secrets.toml`` has an ``[auth]`` section, ``st.login()`` through the
   company's OpenID Connect provider (Feishu, WeCom, any OIDC); the identity's e-mail must belong to an
   active account (``python -m kpi_engine user add EMAIL --role ... --sso``);
3. the demo: ``make run`` sets ``KPI_DEMO_LOGIN=1``; the session is a demo admin without a password **only
   while the server listens on the loopback address alone** (127.0.0.1), and the sidebar says so;
4. a local account: user name and password (argon2id), slowed down after repeated failures.

The engine enforces what the principal may see (:mod:`kpi_engine.access`); this module only finds out who it is.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import access
from kpi_engine.access import users
from ui.i18n import tr

PRINCIPAL_KEY = "auth_principal"
SINCE_KEY = "auth_since"
DEMO_ENV = "KPI_DEMO_LOGIN"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEMO = access.Principal("demo", "admin", people=None, name="Demo admin")
PAGES_DIR = Path(__file__).resolve().parent.parent / "app_pages"
PROXY_HEADERS = frozenset({"x-forwarded-for", "x-real-ip", "forwarded"})  # a proxy's: the demo is off
# Pages only admins have in their menu (the engine refuses their writes to everyone else as well).
ADMIN_SCRIPTS = frozenset({"app_pages/data.py", "app_pages/settings.py", "app_pages/users.py"})
# Pages for the roles that may do an action: Delivery for those who set alert rules (admins and managers).
ACTION_SCRIPTS = {"app_pages/delivery.py": "alerts"}


def may_open(script: str) -> bool:
    """Whether the signed-in principal has ``script`` in the menu (links to other pages are drawn only then)."""
    p = access.current()
    if script in ACTION_SCRIPTS:
        return p.may(ACTION_SCRIPTS[script])
    return script not in ADMIN_SCRIPTS or p.is_admin


def session_hours() -> float:
    try:
        return max(0.1, float(os.environ.get("KPI_SESSION_HOURS", "12")))
    except ValueError:
        return 12.0


def bound_address() -> str:
    """The address the server listens on ("" when unset: every interface)."""
    return str(st.get_option("server.address") or "")


def proxied() -> bool:
    """Whether this session came through a reverse proxy, which hands other computers' requests to 127.0.0.1."""
    try:
        names = {str(k).lower() for k in st.context.headers.keys()}
    except Exception:  # no request (a test harness): not proxied
        return False
    return bool(names & PROXY_HEADERS)


def demo_allowed() -> bool:
    return os.environ.get(DEMO_ENV, "") == "1" and bound_address() in LOOPBACK and not proxied()


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file: no single sign-on
        return False


def _remember(principal: access.Principal) -> access.Principal:
    st.session_state[PRINCIPAL_KEY] = principal
    st.session_state[SINCE_KEY] = time.time()
    return principal


def sign_out() -> None:
    st.session_state.pop(PRINCIPAL_KEY, None)
    st.session_state.pop(SINCE_KEY, None)
    if sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def _from_session() -> access.Principal | None:
    principal = st.session_state.get(PRINCIPAL_KEY)
    if not isinstance(principal, access.Principal):
        return None
    if time.time() - float(st.session_state.get(SINCE_KEY, 0)) > session_hours() * 3600:
        sign_out()
        st.session_state["auth_expired"] = True
        return None
    return principal


def _sso(engine: Engine) -> access.Principal | None:
    if not sso_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email") or "")
    try:
        return _remember(users.principal_for_identity(engine, email))
    except users.AccountError as exc:
        st.error(tr(exc.key, **exc.params))
        st.button(tr("auth_sign_out"), on_click=sign_out, key="auth_sso_out")
        st.stop()
    return None


def _keep_requested_page() -> None:
    """Register every page, hidden and not run, so that the page a link asked for (``/scorecards?card=...``) is the
    one shown after signing in; without it the server sends later sessions to the default page. The app's own
    navigation, after sign-in, decides what the principal may open; the menu stays hidden until then."""
    pages = [st.Page(str(p), url_path=p.stem) for p in sorted(PAGES_DIR.glob("*.py"))]
    st.navigation([st.Page(lambda: None, title=tr("auth_title"), url_path="sign-in", default=True), *pages],
                  position="hidden")


def _form(engine: Engine) -> None:
    _keep_requested_page()
    st.title(tr("auth_title"), anchor=False)
    if st.session_state.pop("auth_expired", False):
        st.info(tr("auth_expired"), icon=":material/timer_off:")
    if os.environ.get(DEMO_ENV, "") == "1" and not demo_allowed():
        address = bound_address() or tr("auth_all_interfaces")
        st.warning(tr("auth_demo_off", address=f"{address} (X-Forwarded-For)" if proxied() else address),
                   icon=":material/lock:")
    if sso_configured():
        st.button(tr("auth_sso"), on_click=st.login, type="primary", icon=":material/badge:", key="auth_sso_in")
    with st.form("auth_form"):
        name = st.text_input(tr("auth_username"), key="auth_username")
        password = st.text_input(tr("auth_password"), type="password", key="auth_password")
        submitted = st.form_submit_button(tr("auth_sign_in"), type="secondary" if sso_configured() else "primary")
    if submitted:
        try:
            _remember(users.authenticate(engine, name, password))
            st.rerun()
        except users.AccountError as exc:
            st.error(tr(exc.key, **exc.params), icon=":material/error:")
    st.caption(tr("auth_help"))


def gate(engine: Engine) -> access.Principal:
    """The principal of this session; draws the sign-in page and stops the run when there is none."""
    principal = _from_session() or _sso(engine)
    if principal is None and demo_allowed():
        principal = _remember(DEMO)
    if principal is None:
        _form(engine)
        st.stop()
        raise AssertionError("unreachable: st.stop() raises")
    access.set_current(principal)
    return principal


def sidebar(principal: access.Principal) -> None:
    """Who is signed in, the sign-out button, and the demo's warning."""
    with st.sidebar:
        role = tr(f"access_role_{principal.role}")
        if principal is DEMO or principal == DEMO:
            st.caption(tr("auth_demo_note", address=bound_address()))
            return
        st.caption(tr("auth_signed_in_as", name=principal.name or principal.username, role=role))
        st.button(tr("auth_sign_out"), on_click=sign_out, key="auth_sign_out", icon=":material/logout:")
