"""Digests as messages: the standup (``kpi_engine.standup.build``) and the weekly / monthly reviews
(``kpi_engine.reviews.build.build_review``), in English or Chinese, numbers by name, off-track KPIs first,
an achievement chart (PNG) and a deep link to the page (``KPI_PUBLIC_URL``; pages read ``?asof=``, ``?lang=``,
the Reviews page ``?mode=`` and ``?review=``).

Each ``*_digest`` returns ``(period, build)``: the idempotency period and a function ``lang -> Message``, so the
engine's numbers are computed once and only languages someone receives are formatted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import fmt, standup
from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.push import chart
from kpi_engine.push.config import PushConfig, push_config
from kpi_engine.push.message import HEADING, Message
from kpi_engine.push.names import scope_labels
from kpi_engine.reviews.build import build_review, resolve_period
from kpi_engine.reviews.document import ReviewDocument, Section
from kpi_engine.settings_store import load_settings

Builder = Callable[[str], Message]
TOP_OFF_TRACK = 5
PAGES = {"standup": "standup", "weekly": "reviews", "monthly": "reviews", "alerts": "standup", "channel": "channels"}


def page_link(kind: str, lang: str, cfg: PushConfig | None = None, **params: str) -> str:
    """The deep link to a page: ``{KPI_PUBLIC_URL}/standup?asof=2026-10-20&lang=zh``."""
    cfg = cfg or push_config()
    query = urlencode({**{k: v for k, v in params.items() if v}, "lang": lang})
    return f"{cfg.base_url()}/{PAGES[kind]}?{query}"


def _status(status: str | None, lang: str) -> str:
    return t(f"standup_status_{status or 'none'}", lang)


# --- standup ----------------------------------------------------------------------------------------------------


def _card_line(c: standup.Card, lang: str, settings: object) -> str:
    name = registry.get(c.metric).name(lang)

    def v(x: float | None) -> str:
        return fmt.value(x, c.unit, lang, settings=settings)  # type: ignore[arg-type]

    key = "push_card_additive" if registry.get(c.metric).cumulative else "push_card_rate"
    return t(key, lang, name=name, yesterday=v(c.yesterday), yesterday_target=v(c.yesterday_target), wtd=v(c.wtd),
             wtd_target=v(c.wtd_target), mtd=v(c.mtd), month_target=v(c.month_target), projected=v(c.projected),
             achievement=fmt.achievement(c.achievement, lang), status=_status(c.status, lang))


def standup_lines(view: standup.Standup, lang: str, settings: object) -> tuple[str, ...]:
    lines = [HEADING + t("push_sec_pacing", lang)]
    lines += [_card_line(c, lang, settings) for c in view.cards]
    behind = [c for c in view.cards if c.status in chart.BAD_STATUSES]
    lines.append(HEADING + t("push_sec_off_track", lang))
    lines += [t("push_off_track_card", lang, name=registry.get(c.metric).name(lang), status=_status(c.status, lang),
                achievement=fmt.achievement(c.achievement, lang)) for c in behind] or [t("push_none_off_track", lang)]
    if view.top_alerts:
        lines.append(HEADING + t("push_sec_alerts", lang))
        lines += [alert_line(a, lang, settings) for a in view.top_alerts]
    if view.stale_days:
        last = view.freshness.data_as_of
        lines.append(t("push_stale", lang, days=view.stale_days, day=last.isoformat() if last else "—"))
    return tuple(lines)


def alert_line(a: standup.Alert, lang: str, settings: object) -> str:
    """A standup alert by name only (the page adds the id in English; a message never shows ids)."""
    named = dataclasses.replace(a, scope_id=a.name) if a.name else a
    text = named.text(lang, settings)  # type: ignore[arg-type]
    return f"{named.title(lang)}: {text}" if a.kind == "sla" else text


def standup_chart(view: standup.Standup, lang: str) -> bytes | None:
    bars = [chart.Bar(registry.get(c.metric).name(lang), c.achievement, c.status) for c in view.cards]
    return chart.to_png(chart.message_chart(bars, t("push_chart_standup", lang), lang))


def standup_digest(engine: Engine, as_of: dt.date, cfg: PushConfig | None = None) -> tuple[str, Builder]:
    """The standup digest for a meeting on ``as_of`` (data through the day before)."""
    settings = load_settings(engine)
    view = standup.build(engine, as_of, settings)
    period = as_of.isoformat()

    def build(lang: str) -> Message:
        w = view.windows
        if not view.has_data:
            lines: tuple[str, ...] = (t("push_no_data", lang),)
            image = None
        else:
            lines, image = standup_lines(view, lang, settings), standup_chart(view, lang)
        return Message("standup", period, t("push_title_standup", lang, day=as_of.isoformat(),
                                            through=w.yesterday.isoformat()),
                       lines, link=page_link("standup", lang, cfg, asof=period),
                       link_text=t("push_link_standup", lang), image=image, lang=lang)

    return period, build


# --- reviews ----------------------------------------------------------------------------------------------------


def _section(doc: ReviewDocument, key: str) -> Section | None:
    return next((s for s in doc.sections if s.key == key), None)


def _row_value(row: pd.Series, column: str, lang: str, settings: object) -> str:
    value = row.get(column)
    return fmt.value(None if pd.isna(value) else value, str(row.get("unit") or "count"), lang,
                     settings=settings)  # type: ignore[arg-type]


def _kpi_label(row: pd.Series, labels: dict[str, str]) -> str:
    scope = str(row.get("scope") or "team")
    return f"{row['kpi']} · {labels.get(scope, scope)}"


def review_lines(doc: ReviewDocument, labels: dict[str, str], lang: str, settings: object) -> tuple[str, ...]:
    lines = list(doc.subtitle[:1])
    team = _section(doc, "team")
    if team is not None:
        lines += [HEADING + team.title, *team.text[:1]]
        lines += [t("push_review_row", lang, kpi=_kpi_label(r, labels), actual=_row_value(r, "actual", lang, settings),
                    target=_row_value(r, "target", lang, settings), achievement=fmt.achievement(r["achievement"], lang),
                    pace=r["pace"] or "—") for _, r in team.table.iterrows()]
    kpis = _section(doc, "kpis")
    if kpis is not None:
        lines.append(HEADING + kpis.title)
        lines += [t("push_review_week_row", lang, kpi=_kpi_label(r, labels),
                    actual=_row_value(r, "actual", lang, settings), target=_row_value(r, "target", lang, settings),
                    period_actual=_row_value(r, "period_actual", lang, settings),
                    period_target=_row_value(r, "period_target", lang, settings), pace=r["pace"] or "—")
                  for _, r in kpis.table.iterrows()]
    off = _section(doc, "off_track")
    lines.append(HEADING + t("push_sec_off_track", lang))
    rows = off.table.head(TOP_OFF_TRACK) if off is not None else pd.DataFrame()
    lines += [t("push_review_row", lang, kpi=_kpi_label(r, labels), actual=_row_value(r, "actual", lang, settings),
                target=_row_value(r, "target", lang, settings), achievement=fmt.achievement(r["achievement"], lang),
                pace=r["pace"] or "—") for _, r in rows.iterrows()] or [t("push_none_off_track", lang)]
    if off is not None and len(off.table) > TOP_OFF_TRACK:
        lines.append(t("push_more", lang, n=len(off.table) - TOP_OFF_TRACK))
    return tuple(lines)


def review_chart(doc: ReviewDocument, labels: dict[str, str], lang: str) -> bytes | None:
    """The page's achievement bars of the off-track KPIs (of the team's KPIs when none is behind), by name."""
    for key in ("off_track", "team", "kpis"):
        sec = _section(doc, key)
        if sec is None or sec.table.empty or "achievement" not in sec.table:
            continue
        table = sec.table.head(12)
        bars = [chart.Bar(_kpi_label(r, labels), None if pd.isna(r["achievement"]) else float(r["achievement"]))
                for _, r in table.iterrows()]
        return chart.to_png(chart.message_chart(bars, t("push_chart_review", lang), lang))
    return None


def review_digest(engine: Engine, kind: str, as_of: dt.date, cfg: PushConfig | None = None,
                  period: str = "last") -> tuple[str, Builder]:
    """The weekly or monthly review digest a meeting on ``as_of`` holds (the last complete week, or the month)."""
    label, _, _ = resolve_period(kind, period, as_of)
    settings = load_settings(engine)

    def build(lang: str) -> Message:
        doc = build_review(engine, kind, label, as_of=as_of, lang=lang)
        scopes = [s for key in ("team", "kpis", "off_track") if (sec := _section(doc, key)) is not None
                  and "scope" in sec.table for s in sec.table["scope"]]
        labels = scope_labels(engine, scopes, lang)
        return Message(kind, label, doc.title, review_lines(doc, labels, lang, settings),
                       link=page_link(kind, lang, cfg, mode=kind, review=label, asof=as_of.isoformat()),
                       link_text=t("push_link_review", lang), image=review_chart(doc, labels, lang), lang=lang)

    return label, build
