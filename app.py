"""Entry point: ``streamlit run app.py``. The sign-in gate, page navigation, the shared sidebar, and the one place
that turns an unexpected error into a short message with an error id (the traceback goes to the log)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, guard
from ui.db import get_engine, kept_open
from ui.i18n import tr
from ui.sidebar import init_state, render_sidebar

# The favicon is a file served by this server: a material icon would be fetched from fonts.gstatic.com, which
# networks inside China may block (issue 11, point 8).
FAVICON = Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png"
st.set_page_config(page_title="Marketing KPI", page_icon=str(FAVICON), layout="wide")
init_state()  # the language must be known before page titles are drawn
principal = guard.run(lambda: auth.gate(get_engine()))  # stops with the sign-in page when nobody is signed in

# (script, title key, icon, url path), in menu order; the first is the default page (served at "/").
PAGE_SPECS = [
    ("app_pages/standup.py", "ui_nav_standup", ":material/today:", "standup"),
    ("app_pages/channels.py", "ui_nav_channels", ":material/hub:", "channels"),
    ("app_pages/team.py", "ui_nav_team", ":material/groups:", "team"),
    ("app_pages/plan.py", "ui_nav_plan", ":material/assignment:", "plan"),
    ("app_pages/scorecards.py", "ui_nav_scorecards", ":material/workspace_premium:", "scorecards"),
    ("app_pages/reviews.py", "ui_nav_reviews", ":material/rate_review:", "reviews"),
    ("app_pages/analytics.py", "analytics_title", ":material/insights:", "analytics"),
    ("app_pages/home.py", "ui_nav_home", ":material/home:", "home"),
    ("app_pages/data.py", "ui_nav_data", ":material/upload_file:", "data"),
    ("app_pages/settings.py", "settings_ui_title", ":material/settings:", "settings"),
    ("app_pages/delivery.py", "push_ui_nav", ":material/send:", "delivery"),
    ("app_pages/users.py", "users_ui_title", ":material/manage_accounts:", "users"),
]
# The default page is served at "/" only (its own url path is internal); its public path (``/standup`` in push
# messages and bookmarks) opens the same script through a page hidden from the menu: a page's id is its url path,
# so one script may back two pages.
pages = [
    st.Page(script, title=tr(title), icon=icon, url_path=f"{url}_home" if i == 0 else url, default=(i == 0))
    for i, (script, title, icon, url) in enumerate(PAGE_SPECS)
    if auth.may_open(script)
]
if auth.may_open(PAGE_SPECS[0][0]):
    pages.append(st.Page(PAGE_SPECS[0][0], title=tr(PAGE_SPECS[0][1]), icon=PAGE_SPECS[0][2],
                         url_path=PAGE_SPECS[0][3], visibility="hidden"))
page = st.navigation(pages)
render_sidebar()
auth.sidebar(principal)
guard.run(lambda: kept_open(page.run))  # one page run: the DuckDB file opened once, not per query
