"""The report written beside a file that did not load: the message, then every problem with its fix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpi_engine.i18n import t
from kpi_engine.ingest.messages import issue_records
from kpi_engine.ingest.model import IngestResult

REPORT_SUFFIX = ".report.txt"


def report_path(moved: Path) -> Path:
    return moved.with_name(moved.name + REPORT_SUFFIX)


def report_text(title: str, lines: Sequence[str], res: IngestResult | None, lang: str) -> str:
    out = [title, "", *lines]
    if res is not None:
        for kind, frame in (("errors", res.errors), ("warnings", res.warnings)):
            records = issue_records(frame, lang)
            if not records:
                continue
            out += ["", t(f"arrivals_report_{kind}", lang, count=len(records))]
            for r in records:
                where = "-" if r["row"] is None else str(r["row"])
                value = f" '{r['value']}'" if r["value"] else ""
                out.append(f"{t('ingest_col_row', lang)} {where} · {r['column'] or '-'}{value}: {r['reason']}")
                if r["fix"]:
                    out.append(f"    → {r['fix']}")
    out += ["", t("arrivals_report_retry", lang)]
    return "\n".join(out) + "\n"


def write_report(moved: Path, title: str, lines: Sequence[str], res: IngestResult | None, lang: str) -> Path:
    """Write ``<file>.report.txt`` beside the failed file (UTF-8 with BOM, so Windows editors show Chinese)."""
    path = report_path(moved)
    path.write_text(report_text(title, lines, res, lang), encoding="utf-8-sig")
    return path
