"""Build a weekly or monthly review document from the database (the page, the downloads and ``report`` share it).

``build_review(engine, "weekly", "2026-W47", as_of=2026-11-23, lang="zh")`` returns a
:class:`~kpi_engine.reviews.document.ReviewDocument`. It is assembled in two parts so a page can cache the
expensive one: :func:`review_body` (plan, KPIs, trend, scores, movements, the gap breakdown; changes only
with the data) and :func:`with_notes` (carried-over actions first, this period's notes last; changes with
every note).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import clock, periods
from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.plans.evaluate import PlanScore
from kpi_engine.plans.model import Plan
from kpi_engine.plans.scorecard_tables import grade_text
from kpi_engine.plans.templates import display_name
from kpi_engine.push import names
from kpi_engine.reviews import gap, monthly, notes, offtrack, weekly
from kpi_engine.reviews.connection import held
from kpi_engine.reviews.document import Chart, ReviewDocument, Section
from kpi_engine.scoring import format_score, format_value
from kpi_engine.settings_store import load_settings

KINDS: tuple[str, ...] = ("weekly", "monthly")
GRAIN = {"weekly": "week", "monthly": "month"}


def default_period(kind: str, as_of: dt.date) -> str:
    """The review a meeting on ``as_of`` holds: the last complete week, or the month of the data day."""
    if kind == "weekly":
        return periods.period_label(weekly.last_complete_week(as_of), "week")
    return periods.period_label(weekly.data_day(as_of), "month")


def resolve_period(kind: str, period: str, as_of: dt.date) -> tuple[str, dt.date, dt.date]:
    """``(label, start, end)`` of a review period; ``last`` (or ``current``) means :func:`default_period`.

    ``ValueError`` when the label is not a period of the kind's grain.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown review kind {kind!r}; use one of: {', '.join(KINDS)}")
    label = default_period(kind, as_of) if period in ("last", "current", "") else period
    grain, start, end = periods.parse_period(label)
    if grain != GRAIN[kind]:
        example = "2026-W47" if kind == "weekly" else "2026-10"
        raise ValueError(f"a {kind} review needs a {GRAIN[kind]} such as {example}, not {period!r}")
    return periods.period_label(start, grain), start, end


def build_review(engine: Engine, kind: str, period: str, *, as_of: dt.date | None = None, lang: str = "en",
                 gap_metric: str = "leads", vs: str = "target", by: str = "channel") -> ReviewDocument:
    """The whole review document (see the module docstring)."""
    with held(engine) as one:
        return with_notes(one, review_body(one, kind, period, as_of=as_of, lang=lang, gap_metric=gap_metric, vs=vs,
                                           by=by))


def review_body(engine: Engine, kind: str, period: str, *, as_of: dt.date | None = None, lang: str = "en",
                gap_metric: str | None = "leads", vs: str = "target", by: str = "channel") -> ReviewDocument:
    """Everything but the notes; without ``gap_metric``, no gap section (a page adds the one picked)."""
    with held(engine) as one:
        return _body(one, kind, period, as_of=as_of, lang=lang, gap_metric=gap_metric, vs=vs, by=by)


def _body(engine: Engine, kind: str, period: str, *, as_of: dt.date | None, lang: str, gap_metric: str | None,
          vs: str, by: str) -> ReviewDocument:
    as_of = as_of or clock.business_today(load_settings(engine))
    label, start, end = resolve_period(kind, period, as_of)
    through = min(end, weekly.data_day(as_of))
    plan = offtrack.active_plan(engine, start)
    subtitle = [t("reviewdoc_data_through", lang, day=through.isoformat(), as_of=as_of.isoformat())]
    if through < end:
        subtitle.append(t("reviewdoc_running", lang, start=start.isoformat(), end=through.isoformat()))
    subtitle.append(t("reviewdoc_plan", lang, name=display_name(plan.name, plan.period, lang) or plan.plan_id, version=str(plan.version or "—"),
                      period=plan.period) if plan else t("reviewdoc_no_plan", lang))
    sections: list[Section] = []
    if kind == "weekly" and plan is not None:
        wtd = weekly.week_to_date(start, as_of)
        subtitle.append(t("reviewdoc_wtd_range", lang, start=wtd[0].isoformat(), end=wtd[1].isoformat())
                        if wtd else t("reviewdoc_wtd_none", lang))
        kpis = weekly.weekly_kpis(engine, plan, start, as_of, lang)
        sections += [off_track_section(kpis, lang), weekly_kpi_section(kpis, lang),
                     trend_section(kpis, weekly.weekly_trend(engine, plan, start), lang, through)]
    elif kind == "monthly" and plan is not None:
        sections += monthly_sections(engine, plan, start, end, through, as_of, lang)
    elif kind == "monthly":
        sections += movers_sections(engine, None, start, through, end, lang)
    if gap_metric and start <= through:
        sections.append(gap_section(engine, gap_metric, label, vs, by, through, lang))
    title = t(f"reviewdoc_title_{kind}", lang, period=label, start=start.isoformat(), end=end.isoformat())
    return ReviewDocument(kind, label, lang, title, tuple(subtitle), tuple(sections), generated_at=clock.stamp(engine))


def with_notes(engine: Engine, doc: ReviewDocument) -> ReviewDocument:
    """``doc`` with the carried-over open actions first and this period's notes last."""
    lang = doc.lang
    with held(engine) as one:
        frame = notes.review_notes(one, doc.period)
        scopes, people = note_names(one, frame, lang)
    carried = frame[frame["carried"]] if len(frame) else frame
    own = frame[~frame["carried"]] if len(frame) else frame
    first = notes_section("carried", carried, lang, scopes=scopes, people=people)
    last = notes_section("notes", own, lang, scopes=scopes, people=people)
    return dataclasses.replace(doc, sections=(first, *doc.sections, last))


# --- sections ---------------------------------------------------------------------------------------------------

_KPI_HEADERS = {"kpi": "reviews_ui_col_kpi", "scope": "reviews_ui_col_scope", "weight": "reviews_ui_col_weight",
                "target": "reviews_ui_col_target", "actual": "reviews_ui_col_actual", "deviation": "reviews_ui_col_dev",
                "deviation_pct": "reviews_ui_col_dev_pct", "achievement": "reviews_ui_col_ach",
                "weighted_gap": "reviews_ui_col_wgap", "pace": "reviews_ui_col_pace",
                "projected": "reviews_ui_col_projected", "wtd_target": "reviewdoc_col_wtd_target",
                "wtd_actual": "reviewdoc_col_wtd_actual", "wtd_deviation": "reviewdoc_col_wtd_dev",
                "period_target": "reviewdoc_col_period_target", "period_actual": "reviewdoc_col_period_actual",
                "score": "reviewdoc_col_score", "card": "reviews_ui_col_card"}


def _headers(keys: dict[str, str], lang: str, **extra: str) -> dict[str, str]:
    return {**{c: t(k, lang) for c, k in keys.items()}, **extra}


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """The shown ``scope`` is the scope's name (``小红书笔记``), never its key (``channel:xiaohongshu``)."""
    return frame.assign(scope=frame["scope_name"]) if "scope_name" in frame.columns else frame


def _pace_text(frame: pd.DataFrame, lang: str) -> pd.Series:
    return pd.Series([t(f"plans_pace_{p}", lang) if isinstance(p, str) and p else None for p in frame["pace"]],
                     index=frame.index, dtype="object")


def off_track_section(kpis: pd.DataFrame, lang: str) -> Section:
    """KPIs below target, largest weighted gap first."""
    behind = kpis[kpis["weighted_gap"] > 0].sort_values("weighted_gap", ascending=False, kind="stable")
    table = _points(_doc_units(_named(behind).assign(pace=_pace_text(behind, lang))), "deviation_pct", "deviation")
    table = table.reset_index(drop=True).drop(columns=["card"], errors="ignore")  # the scope names whose KPI it is
    formats = {"kpi": "text", "scope": "text", "weight": "score", "target": "row", "actual": "row",
               "deviation": "row", "deviation_pct": "pct", "achievement": "ratio", "weighted_gap": "score", "pace": "text"}
    chart = Chart("bars", t("reviews_ui_col_ach", lang),
                  pd.DataFrame({"label": [f"{k} @ {s}" for k, s in zip(table["kpi"], table["scope"], strict=True)],
                                "value": table["achievement"]}), unit="ratio", reference=1.0)
    return Section("off_track", t("reviewdoc_sec_off_track", lang), table, formats, _headers(_KPI_HEADERS, lang),
                   row_unit="unit", charts=(chart,) if len(table) else (),
                   text=(t("reviewdoc_sec_off_track_text", lang),), empty_text=t("reviewdoc_sec_off_track_empty", lang))


def weekly_kpi_section(kpis: pd.DataFrame, lang: str) -> Section:
    table = _points(_doc_units(_named(kpis).assign(pace=_pace_text(kpis, lang))), "deviation_pct", "deviation")
    formats = {"kpi": "text", "scope": "text", "target": "row", "actual": "row", "deviation": "row",
               "deviation_pct": "pct", "wtd_target": "row", "wtd_actual": "row", "wtd_deviation": "row",
               "period_target": "row", "period_actual": "row", "projected": "row", "pace": "text"}
    headers = _headers(_KPI_HEADERS, lang, target=t("reviewdoc_col_week_target", lang),
                       actual=t("reviewdoc_col_week_actual", lang))
    return Section("kpis", t("reviewdoc_sec_kpis", lang), table, formats, headers, row_unit="unit",
                   text=(t("reviewdoc_sec_kpis_text", lang),))


def trend_section(kpis: pd.DataFrame, trend: pd.DataFrame, lang: str, through: dt.date | None = None) -> Section:
    """A wide table (one row per KPI, one column per week) and one chart per KPI with any value; a week running
    past ``through`` (the data day) is marked partial in the charts ("partial: 3 of 7 days")."""
    trend = trend.assign(**partial_columns(trend["period_start"], 7, through, lang))
    labels = list(dict.fromkeys(trend["label"]))
    wide = trend.pivot(index="position", columns="label", values="actual").reindex(columns=labels)
    info = _doc_units(_named(kpis)).set_index("position")[["kpi", "scope", "unit"]]
    table = info.join(wide).reset_index(drop=True)
    charts = []
    for pos, row in info.iterrows():
        data = trend[trend["position"] == pos][["label", "actual", "target", "partial", "partial_text"]].reset_index(
            drop=True)
        if data["actual"].notna().any():
            charts.append(Chart("trend", f"{row['kpi']} @ {row['scope']}", data, unit=_chart_unit(row["unit"])))
    formats = {"kpi": "text", "scope": "text", **{lab: "row" for lab in labels}}
    return Section("trend", t("reviewdoc_sec_trend", lang), table, formats, _headers(_KPI_HEADERS, lang),
                   row_unit="unit", charts=tuple(charts), text=(t("reviewdoc_sec_trend_text", lang),))


def partial_columns(starts: pd.Series, days: int, through: dt.date | None, lang: str) -> dict[str, list]:
    """``partial`` (the period of ``days`` days runs past ``through``) and its text, "partial: 3 of 7 days"."""
    shown = [periods.to_date(s) for s in starts]
    elapsed = [(through - s).days + 1 if through is not None and s <= through < s + dt.timedelta(days=days - 1)
               else None for s in shown]
    return {"partial": [e is not None for e in elapsed],
            "partial_text": [t("reports_partial_days", lang, days=e, total=days) if e else "" for e in elapsed]}


def monthly_sections(engine: Engine, plan: Plan, start: dt.date, end: dt.date, through: dt.date, as_of: dt.date,
                     lang: str) -> list[Section]:
    score = monthly.monthly_score(engine, plan, as_of)
    out = [team_section(score, lang, names.scope_labels(engine, [k.scope for k in plan.kpis], lang)), people_section(*monthly.people_contributions(engine, plan, score, start, through,
                                                                                    lang), lang)]
    if start <= through:
        kpis = offtrack.review_frame(engine, plan, start, end, through, lang)
        out.append(off_track_section(kpis, lang))
    out += movers_sections(engine, plan, start, through, end, lang)
    return out


def team_section(score: PlanScore, lang: str, scopes: Mapping[str, str] | None = None) -> Section:
    """The team card's KPIs; ``scopes`` names their scopes (``{"channel:xiaohongshu": "小红书笔记"}``)."""
    frame = monthly.team_achievement(score, lang)
    frame = frame.assign(scope=[(scopes or {}).get(s, s) for s in frame["scope"]])
    card = score.main
    tot = card.totals
    line = t("reviewdoc_team_line", lang, weighted=format_score(tot.weighted), final=format_score(tot.final),
             grade=grade_text(tot.grade, tot.status, lang), bonus=format_value(tot.bonus, "money"))
    table = _doc_units(frame.rename(columns={"name": "kpi", "base": "target"}).assign(pace=_pace_text(frame, lang)))
    formats = {"kpi": "text", "scope": "text", "weight": "score", "target": "row", "actual": "row",
               "achievement": "ratio", "score": "score", "pace": "text"}
    chart = Chart("bars", t("reviews_ui_col_ach", lang), pd.DataFrame({"label": table["kpi"], "value": table["achievement"]}),
                  unit="ratio", reference=1.0)
    return Section("team", t("reviewdoc_sec_team", lang), table, formats, _headers(_KPI_HEADERS, lang),
                   row_unit="unit", charts=(chart,), text=(line, *score.notes(lang)))


def people_section(frame: pd.DataFrame, metrics: list[str], lang: str) -> Section:
    formats = {"label": "text", "weighted_score": "score", "final_score": "score", "grade": "text", "bonus": "money"}
    headers = {"label": t("reviewdoc_col_person", lang), "weighted_score": t("reviews_ui_col_weighted", lang),
               "final_score": t("reviews_ui_col_final", lang), "grade": t("reviews_ui_col_grade", lang),
               "bonus": t("reviewdoc_col_bonus", lang)}
    for mid in metrics:
        m = registry.METRICS[mid]
        formats[f"actual:{mid}"] = "money" if m.unit == "money" else "count"
        formats[f"share:{mid}"] = "ratio"
        headers[f"actual:{mid}"] = m.name(lang)
        headers[f"share:{mid}"] = t("reviewdoc_col_share_of", lang, metric=m.name(lang))
    chart = Chart("bars", t("reviews_ui_col_final", lang),
                  pd.DataFrame({"label": frame["label"], "value": frame["final_score"]}), unit="score")
    return Section("people", t("reviewdoc_sec_people", lang), frame, formats, headers,
                   charts=(chart,) if len(frame) else (), text=(t("reviewdoc_sec_people_text", lang),) if metrics else (),
                   empty_text=t("reviewdoc_sec_people_empty", lang))


def movers_sections(engine: Engine, plan: Plan | None, start: dt.date, through: dt.date, end: dt.date,
                    lang: str) -> list[Section]:
    if through < start:
        return []
    frame = monthly.movers(engine, monthly.mover_metrics(plan), start, through, end, lang)
    drivers = contributor_names(engine, "channel", frame["driver"].dropna(), lang)
    frame = frame.assign(driver=[drivers.get(d, d) if isinstance(d, str) else d for d in frame["driver"]])
    gains, shortfalls = monthly.gains_and_shortfalls(frame)
    ranges = monthly.comparison_ranges(start, through, end)
    text = t("reviewdoc_movers_text", lang, prev=_range_text(ranges["previous"]), ly=_range_text(ranges["last-year"]))
    formats = {"kpi": "text", "vs": "text", "this": "row", "comparison": "row", "change": "row", "change_pct": "pct",
               "driver": "text", "driver_contribution": "row"}
    headers = {"kpi": t("reviews_ui_col_kpi", lang), "vs": t("reviewdoc_col_vs", lang),
               "this": t("reviewdoc_col_this", lang), "comparison": t("reviewdoc_col_comparison", lang),
               "change": t("reviewdoc_col_change", lang), "change_pct": t("reviewdoc_col_change_pct", lang),
               "driver": t("reviewdoc_col_driver", lang), "driver_contribution": t("reviewdoc_col_driver_contribution", lang)}
    out = []
    for key, table in (("gains", gains), ("shortfalls", shortfalls)):
        shown = _points(_doc_units(table), "change_pct", "change").assign(
            vs=[t("reviews_vs_" + v.replace("-", "_"), lang) for v in table["vs"]])
        out.append(Section(key, t(f"reviewdoc_sec_{key}", lang), shown, formats, headers, row_unit="unit",
                           text=(text,), empty_text=t(f"reviewdoc_sec_{key}_empty", lang)))
    return out


def gap_section(engine: Engine, metric: str, label: str, vs: str, by: str, through: dt.date, lang: str) -> Section:
    """The gap breakdown: method in words, the table (total last) and a waterfall."""
    m = registry.get(metric)
    title = t("reviewdoc_sec_gap", lang, metric=m.name(lang), vs=t("reviews_vs_" + vs.replace("-", "_"), lang),
              by=t(f"reviews_ui_by_{by}", lang))
    try:
        with held(engine) as one:
            g = gap.explain_gap(one, metric, label, vs=vs, by=by, through=through)
            labels = contributor_names(one, by, g.rows[g.key_column], lang)
    except ValueError as exc:
        return Section("gap", title, text=(str(exc),))
    table = g.table()
    table[g.key_column] = [labels.get(k, k) for k in table[g.key_column]]
    rows = g.rows.assign(**{g.key_column: [labels.get(k, k) for k in g.rows[g.key_column]]})
    unit = m.unit
    formats = {g.key_column: "text", **{c: unit if unit in ("money", "ratio") else "count"
                                        for c in table.columns if c != g.key_column}}
    headers = {g.key_column: t(f"reviews_ui_by_{by}", lang), "actual": t("reviews_ui_col_actual", lang),
               "comparison": _capital(t("reviews_vs_" + vs.replace("-", "_"), lang)),
               "contribution": t("reviews_ui_col_contribution", lang),
               "rate_part": t("reviewdoc_col_rate_part", lang), "mix_part": t("reviewdoc_col_mix_part", lang)}
    charts: tuple[Chart, ...] = ()
    if g.total.get("actual") is not None and g.total.get("comparison") is not None:
        rows = rows.dropna(subset=["contribution"])
        data = pd.DataFrame({"label": [headers["comparison"], *rows[g.key_column], headers["actual"]],
                             "value": [g.total["comparison"], *rows["contribution"], g.total["actual"]],
                             "kind": ["total", *["up" if c >= 0 else "down" for c in rows["contribution"]], "total"]})
        charts = (Chart("waterfall", m.name(lang), data, unit=_chart_unit(unit)),)
    return Section("gap", title, table, formats, headers, charts=charts, text=(g.method_text(lang),),
                   empty_text=t("reviewdoc_sec_gap_empty", lang))


def contributor_names(engine: Engine, by: str, keys: Iterable[object], lang: str) -> dict[str, str]:
    """Contributors by name (``百度搜索``, ``王芳``), never by id; the grouped rows ("(no target)", "total") in
    ``lang``. An id without a stored name keeps the id."""
    ids = [str(k) for k in keys]
    found = names.names(engine, by, [k for k in ids if k not in _GROUPED])
    return {**found, **{k: t(v, lang) for k, v in _GROUPED.items()}}


_GROUPED = {gap.NO_TARGET: "reviews_row_no_target", gap.UNASSIGNED: "reviews_row_unassigned",
            gap.TOTAL: "reviews_row_total"}


def note_names(engine: Engine, frame: pd.DataFrame, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The names of the notes' scopes (``{"channel:xiaohongshu": "小红书笔记"}``) and owners (``{"p03": "王芳"}``)."""
    if not len(frame):
        return {}, {}
    keys = [_scope_key(st, si) for st, si in zip(frame["scope_type"], frame["scope_id"], strict=True)]
    return names.scope_labels(engine, keys, lang), names.names(engine, "person", [o for o in frame["owner_id"] if o])


def _scope_key(scope_type: object, scope_id: object) -> str:
    return f"{scope_type}:{scope_id}" if scope_id else str(scope_type)


def notes_section(key: str, frame: pd.DataFrame, lang: str, *, scopes: Mapping[str, str] | None = None,
                  people: Mapping[str, str] | None = None) -> Section:
    """Notes as a table: review, KPI, scope, cause, action, owner, due, status, written by/at; scopes and owners
    by name (``scopes`` and ``people``, see :func:`note_names`), the id only for one without a name."""
    scopes, people = scopes or {}, people or {}
    table = pd.DataFrame({
        "period": frame["period"].astype("object"),
        "kpi": [registry.METRICS[m].name(lang) if m in registry.METRICS else (m or "—") for m in frame["metric_id"]],
        "scope": [scopes.get(k, k) for k in (_scope_key(st, si) for st, si in
                                             zip(frame["scope_type"], frame["scope_id"], strict=True))],
        "cause": frame["cause"], "action": frame["action"],
        "owner": [people.get(str(o), o) if isinstance(o, str) and o else o for o in frame["owner_id"]],
        "due": frame["due_date"],
        "status": [t(f"reviews_ui_status_{s}", lang) for s in frame["status"]],
        "written": [f"{b or '—'} · {a:%Y-%m-%d %H:%M}" if isinstance(a, dt.datetime) else (b or "—")
                    for b, a in zip(frame["created_by"], frame["created_at"], strict=True)],
        "note_id": frame["note_id"]})
    formats = {c: "text" for c in ("period", "kpi", "scope", "cause", "action", "owner", "status", "written")}
    formats["due"] = "date"
    formats = {c: formats[c] for c in table.columns if c in formats}
    headers = {"period": t("reviewdoc_col_period", lang), "kpi": t("reviews_ui_col_kpi", lang),
               "scope": t("reviews_ui_col_scope", lang), "cause": t("reviewdoc_col_cause", lang),
               "action": t("reviewdoc_col_action", lang), "owner": t("reviewdoc_col_owner", lang),
               "due": t("reviewdoc_col_due", lang), "status": t("reviewdoc_col_status", lang),
               "written": t("reviewdoc_col_written", lang)}
    return Section(key, t(f"reviewdoc_sec_{key}", lang), table.reset_index(drop=True), formats, headers,
                   empty_text=t(f"reviewdoc_sec_{key}_empty", lang))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _doc_units(frame: pd.DataFrame) -> pd.DataFrame:
    """The ``unit`` column as document formats (hours and days show as plain numbers)."""
    return frame.assign(unit=[_chart_unit(str(u)) for u in frame["unit"]])


def _points(frame: pd.DataFrame, pct: str, difference: str) -> pd.DataFrame:
    """Rates change in points: the relative column of a ratio row holds its difference (shown as pp)."""
    rate = frame["unit"] == "ratio"
    if not rate.any():
        return frame
    out = frame.copy()
    out[pct] = out[pct].astype("float64").where(~rate, pd.to_numeric(out[difference], errors="coerce"))
    return out


def _chart_unit(unit: str) -> str:
    return unit if unit in ("money", "ratio", "count", "score") else "count"


def _range_text(r: tuple[dt.date, dt.date]) -> str:
    return f"{r[0].isoformat()} – {r[1].isoformat()}"
