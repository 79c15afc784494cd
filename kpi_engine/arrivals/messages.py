"""What arrivals tell people: an import's result as a message (title, lines), and where messages go.

``Notify`` is any callable ``(title, lines) -> None``; ``title`` and ``lines`` are one text, or one per
language (``{"en": ..., "zh": ...}``, what arrivals send, so each destination reads its own language).
``default_notify(engine)`` sends through ``kpi_engine.push.delivery.send_message`` (kind ``inbox``) when
the push package is installed, else logs. The push side sends a given text once (it keys on a hash of
the content), so every message carries a line that names its inbox record or upload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module

from sqlalchemy.engine import Engine

from kpi_engine.i18n import LANGS, catalog, t
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.model import IngestResult

Text = str | Mapping[str, str]
Lines = Sequence[str] | Mapping[str, Sequence[str]]
Notify = Callable[[Text, Lines], None]
Compose = Callable[[str], tuple[str, list[str]]]  # lang -> (title, lines)
SHOWN_PROBLEMS = 5
log = logging.getLogger("kpi_engine.arrivals")


def _pick(value: Text | Lines, lang: str = "en"):
    return (value.get(lang) or value.get("en")) if isinstance(value, Mapping) else value


def log_notify(title: Text, lines: Lines) -> None:
    """The fallback: one log record per message (English when several languages are given)."""
    log.info("%s\n%s", _pick(title), "\n".join(f"  {line}" for line in _pick(lines) or ()))


def default_notify(engine: Engine) -> Notify:
    """A sender through ``kpi_engine.push.delivery.send_message`` if the push package exists, else ``log_notify``."""
    try:
        send = import_module("kpi_engine.push.delivery").send_message
    except (ImportError, AttributeError):
        return log_notify

    def notify(title: Text, lines: Lines) -> None:
        outcomes = send(engine, title, lines, kind="inbox")
        failed = [o for o in outcomes or () if getattr(o, "status", "") == "failed"]
        for o in failed:
            log.warning("arrivals: message %r not delivered to %s: %s", _pick(title), o.destination, o.error)
        log_notify(title, lines)

    return notify


def both_languages(compose: Compose) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({lang: title}, {lang: lines}) for every language."""
    made = {lang: compose(lang) for lang in LANGS}
    return {k: v[0] for k, v in made.items()}, {k: v[1] for k, v in made.items()}


def safe_notify(notify: Notify, title: Text, lines: Lines) -> str | None:
    """Send; a failing channel never stops an import. Returns the error text, or None when sent."""
    try:
        notify(title, lines)
    except Exception as exc:  # a broken webhook must not block the next file
        log.warning("arrivals: message %r not sent: %s", _pick(title), exc)
        return f"{type(exc).__name__}: {exc}"
    return None


def _status_text(res: IngestResult, lang: str) -> str:
    key = f"ingest_status_{res.status}"
    if key not in catalog():
        return t("arrivals_status_other", lang, status=res.status)
    return t(key, lang)


def problem_line(rec: dict, lang: str) -> str:
    """'row 3 · created_at: <reason>' (file-level problems without a row)."""
    where = t("arrivals_problem_row", lang, row=rec["row"]) if rec["row"] is not None else t("arrivals_problem_file", lang)
    column = f" · {rec['column']}" if rec["column"] else ""
    return f"{where}{column}: {rec['reason']}"


def result_message(res: IngestResult, source: str, lang: str = "en", shown: int = SHOWN_PROBLEMS) -> tuple[str, list[str]]:
    """(title, lines) for one import: loaded with its counts, or its problems (counts and the first few)."""
    table = res.table or "?"
    if res.status == "loaded":
        title = t("arrivals_loaded_title", lang, source=source, table=table)
        lines = [t("arrivals_loaded_counts", lang, upload_id=res.upload_id, rows_read=res.rows_read,
                   inserted=res.inserted, updated=res.updated, rejected=res.rejected, warnings=len(res.warnings))]
        for kind, names in res.created.items():
            if names:
                lines.append(t("arrivals_loaded_created", lang, kind=t(f"ingest_kind_{kind}", lang), count=len(names)))
        if res.rejected:
            lines += [problem_line(r, lang) for r in issue_records(res.errors.head(shown), lang)]
        return title, lines
    errors = res.errors
    title = t("arrivals_failed_title", lang, source=source)
    lines = [_status_text(res, lang)]
    if res.table:
        lines.append(t("ingest_summary_table", lang, table=res.table))
    rows_with = int(errors["row"].dropna().nunique()) if len(errors) else 0
    lines.append(t("arrivals_failed_counts", lang, rows_read=res.rows_read, problems=len(errors), rows=rows_with))
    records = issue_records(errors.head(shown), lang)
    lines += [problem_line(r, lang) for r in records]
    if res.status == "unconfirmed" and res.history is not None:
        lines += res.history.lines(lang)[:shown]
        lines.append(t("arrivals_hint_history", lang))
    if len(errors) > shown:
        lines.append(t("arrivals_more_problems", lang, count=len(errors) - shown))
    if any(r["code"] == "table_unknown" for r in records):
        lines.append(t("arrivals_hint_table", lang))
    return title, lines
