"""Standup: the pacing board of the team KPIs, the most urgent alerts; yesterday / week to date and what changed
folded below (the first screen holds the board and the alerts)."""

from __future__ import annotations

import streamlit as st

from ui import cards, db, overview, pace_board, standup
from ui.i18n import tr

cards.inject_style()

day = standup.as_of()
view = standup.load(day)
standup.header(view)

if not view.has_data:
    st.info(tr("standup_empty"), icon=":material/lightbulb:")
    overview.first_steps()
    st.caption(tr("ui_home_db", kind=db.backend_label()))
else:
    standup.freshness(view, tr("ui_home_db", kind=db.backend_label()))
    board = pace_board.load(day)
    pace_board.render(board)  # the team KPIs of the active plan, one row each: the first screen
    standup.alerts(view)
    # folded below the first screen, and run only when opened (on_change="rerun": the expander keeps its state)
    cards_box = st.expander(tr("standup_more_title"), icon=":material/insights:", key=standup.CARDS_KEY,
                            on_change="rerun")
    with cards_box:
        if cards_box.open:
            standup.board(view, board)  # the cards' forecasts: the board's where it projects the same month
    changes_box = st.expander(tr("standup_changes"), icon=":material/compare_arrows:", key=standup.CHANGES_KEY,
                              on_change="rerun")
    with changes_box:
        if changes_box.open:
            standup.changes(view, title=False)
