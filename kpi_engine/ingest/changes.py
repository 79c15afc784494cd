"""What an upload changes in existing leads' history (owner, channel, created date): the values passed around.

A leaf of the ingest package (model, load and the pages name these types; history.py computes them). See
history.py for when such a change is listed, and how it is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kpi_engine.i18n import t

if TYPE_CHECKING:
    import pandas as pd

# Per table, the columns whose change rewrites history, in the order they are reported.
GUARDED: dict[str, tuple[str, ...]] = {"leads": ("channel_id", "owner_id", "created_at")}
LIST_COLUMNS = ["lead_id", "changed", "channel_before", "channel_after", "owner_before", "owner_after",
                "created_before", "created_after"]


@dataclass(frozen=True)
class ChangeGroup:
    """``leads`` leads whose ``column`` goes from ``old`` to ``new`` (created_at: one group, old/new None)."""

    column: str
    old: str | None
    new: str | None
    old_name: str | None
    new_name: str | None
    leads: int


@dataclass(frozen=True)
class HistoryChanges:
    """What an upload would change in existing leads' history (see module docstring)."""

    total: int  # distinct leads concerned
    groups: list[ChangeGroup]
    leads: pd.DataFrame  # LIST_COLUMNS, one row per lead; names as "name (id)", created as timestamps

    def counts(self) -> dict[str, int]:
        """Leads changed per guarded column."""
        out: dict[str, int] = {}
        for g in self.groups:
            out[g.column] = out.get(g.column, 0) + g.leads
        return out

    def lines(self, lang: str = "en", *, applied: bool = False) -> list[str]:
        """One sentence per group, e.g. "32 leads would move from channel A to channel B" (``applied``: "moved")."""
        nobody = t("ingest_hist_nobody", lang)
        suffix = "_done" if applied else ""
        out = []
        for g in self.groups:
            leads = t("ingest_hist_n_one" if g.leads == 1 else "ingest_hist_n_many", lang, n=f"{g.leads:,}")
            if g.column == "created_at":
                out.append(t(f"ingest_hist_created{suffix}", lang, leads=leads))
                continue
            key = "ingest_hist_channel" if g.column == "channel_id" else "ingest_hist_owner"
            out.append(t(f"{key}{suffix}", lang, leads=leads, old=g.old_name or g.old or nobody,
                         new=g.new_name or g.new or nobody))
        return out

    def leads_table(self, lang: str = "en", limit: int | None = None) -> pd.DataFrame:
        """The list of leads concerned (the first ``limit``), headers and "changed" words in ``lang``."""
        frame = (self.leads if limit is None else self.leads.head(limit)).copy()
        words = {c: t(f"ingest_hist_what_{c}", lang) for c in GUARDED["leads"]}
        spelled = {codes: ", ".join(words[c] for c in str(codes).split(",") if c) for codes in frame["changed"].unique()}
        frame["changed"] = frame["changed"].map(spelled)
        frame = frame[[c for c in LIST_COLUMNS if c in frame.columns]]
        heads = {"lead_id": "ingest_hist_col_lead", "changed": "ingest_hist_col_changed"}
        return frame.rename(columns={c: t(heads.get(c, f"ingest_hist_col_{c}"), lang) for c in frame.columns})

    def to_dict(self, lang: str = "en", *, applied: bool = False) -> dict[str, Any]:
        return {
            "leads": self.total,
            "counts": self.counts(),
            "groups": [{"column": g.column, "from": g.old, "to": g.new, "from_name": g.old_name, "to_name": g.new_name,
                        "leads": g.leads} for g in self.groups],
            "summary": self.lines(lang, applied=applied),
        }


class ChangesNotAccepted(Exception):
    """Raised inside the loading transaction (which then rolls back) when the changes were not accepted."""

    def __init__(self, history: HistoryChanges) -> None:
        super().__init__(f"{history.total} existing leads would change owner, channel or created date")
        self.history = history
