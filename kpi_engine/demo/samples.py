"""Sample export files for trying the upload page, cut from the demo generator.

``write_samples(dir)`` writes them deterministically (``python -m kpi_engine.demo.samples data/samples``):

- ``crm_leads_zh_gbk.csv``: a CRM lead export with Chinese headers, owners by name, GBK, CRLF;
  two rows have a blank channel (they become ``unattributed``, with a warning);
- ``ad_spend_en.csv``: an ad-platform export in English (Baidu search ads, ad-level rows), UTF-8 with BOM;
- ``ad_spend_no_date.csv``: an ad export without a date column (Douyin short video, one day);
- ``opportunities_zh.xlsx``: an opportunity export (lead id, stage, close date, amount, owner; no channel).

Ids of channels, campaigns and ads are the demo's, so uploading them updates or extends a demo database.
Leads get their own CRM ids (``XS`` + date + number) and so add to the demo rather than overwrite it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pandas as pd

from kpi_engine.demo import build, roster

SAMPLE_END = dt.date(2026, 11, 20)  # the opportunity export's "as of" day (and the demo cut's end)
CRM_AS_OF = dt.date(2026, 10, 31)  # the CRM export's "as of" day
CRM_FROM, CRM_TO = dt.date(2026, 9, 21), dt.date(2026, 9, 30)  # leads created in these days
AD_SPEND_CHANNEL, AD_SPEND_MONTH = "baidu_sem", dt.date(2026, 10, 1)
NO_DATE_CHANNEL, NO_DATE_DAY = "douyin_video", dt.date(2026, 10, 31)
BLANK_CHANNEL_ROWS = 2  # website leads whose source the CRM did not capture (-> unattributed, a warning)
FILES = ("crm_leads_zh_gbk.csv", "ad_spend_en.csv", "ad_spend_no_date.csv", "opportunities_zh.xlsx")


def _stage(row: pd.Series, as_of: pd.Timestamp) -> str:
    def reached(column: str) -> bool:
        return pd.notna(row[column]) and row[column] <= as_of

    if reached("won_at"):
        return "赢单"
    if reached("lost_at"):
        return "输单"
    if reached("sql_at"):
        return "SQL"
    if reached("mql_at"):
        return "MQL"
    return "新线索"


def _frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    data = build(end=SAMPLE_END, months=3, seed=seed, scale=1.0)
    return {name: data.tables[name].to_pandas() for name in ("leads", "spend", "campaigns")}


def crm_leads(leads: pd.DataFrame) -> pd.DataFrame:
    """The CRM export: leads created CRM_FROM..CRM_TO, their stage as of CRM_AS_OF."""
    names = {p[0]: p[1] for p in roster.PEOPLE}
    day = leads["created_at"].dt.normalize()
    picked = leads[(day >= pd.Timestamp(CRM_FROM)) & (day <= pd.Timestamp(CRM_TO))].copy()
    picked["seq"] = picked.groupby(picked["created_at"].dt.date).cumcount() + 1
    as_of = pd.Timestamp(CRM_AS_OF) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    stage = picked.apply(_stage, axis=1, as_of=as_of)
    won = stage == "赢单"
    channel = picked["channel_id"].copy()
    blank = picked.index[picked["channel_id"] == "website"][:BLANK_CHANNEL_ROWS]
    channel.loc[blank] = ""
    return pd.DataFrame({
        "线索编号": "XS" + picked["created_at"].dt.strftime("%y%m%d") + picked["seq"].map("{:03d}".format),
        "创建时间": picked["created_at"].dt.strftime("%Y/%m/%d %H:%M"),
        "来源渠道": channel,
        "营销活动": picked["campaign_id"].fillna(""),
        "负责人": picked["owner_id"].map(names),
        "预计金额": picked["expected_value"].round().astype("int64").astype(str),
        "阶段": stage,
        "成交日期": picked["won_at"].dt.strftime("%Y/%m/%d").where(won, ""),
        "成交金额": picked["deal_value"].map("{:.0f}".format).where(won, ""),
        "输单日期": picked["lost_at"].dt.strftime("%Y/%m/%d").where(stage == "输单", ""),
        "_lead_id": picked["lead_id"],
    }).reset_index(drop=True)


def opportunities(leads: pd.DataFrame, crm: pd.DataFrame) -> pd.DataFrame:
    """The opportunity export, as of SAMPLE_END: CRM leads that became SQL, with stage, close date and amount."""
    names = {p[0]: p[1] for p in roster.PEOPLE}
    merged = crm[["线索编号", "_lead_id"]].merge(leads, left_on="_lead_id", right_on="lead_id")
    merged = merged[merged["sql_at"].notna()]
    stage = pd.Series("跟进中", index=merged.index)
    stage[merged["lost_at"].notna()] = "输单"
    stage[merged["won_at"].notna()] = "赢单"
    close = merged["won_at"].fillna(merged["lost_at"]).dt.date
    return pd.DataFrame({
        "线索编号": merged["线索编号"], "商机阶段": stage, "关闭日期": close.where(stage != "跟进中", None),
        "成交金额": merged["deal_value"].where(stage == "赢单"), "负责人": merged["owner_id"].map(names),
    }).reset_index(drop=True)


def _ad_rows(spend: pd.DataFrame, campaigns: pd.DataFrame, channel: str) -> pd.DataFrame:
    rows = spend[(spend["channel_id"] == channel) & (spend["ad_id"] != "")].copy()
    camp_name = campaigns.set_index("campaign_id")["name"]
    k = rows["ad_id"].str.extract(r"_ad(\d+)$")[0].astype(int) - 1
    rows["ad_name"] = [roster.ad_name(camp_name[c], i) for c, i in zip(rows["campaign_id"], k, strict=True)]
    return rows.sort_values(["date", "campaign_id", "ad_id"])


def ad_spend(spend: pd.DataFrame, campaigns: pd.DataFrame, *, with_date: bool) -> pd.DataFrame:
    """An ad-platform export: a month of one channel's ads, or one day without the date column."""
    rows = _ad_rows(spend, campaigns, AD_SPEND_CHANNEL if with_date else NO_DATE_CHANNEL)
    dates = pd.to_datetime(rows["date"])
    if with_date:
        nxt = (pd.Timestamp(AD_SPEND_MONTH) + pd.offsets.MonthBegin(1))
        rows = rows[(dates >= pd.Timestamp(AD_SPEND_MONTH)) & (dates < nxt)]
    else:
        rows = rows[dates == pd.Timestamp(NO_DATE_DAY)]
    out = pd.DataFrame({
        "Date": pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d"), "Campaign ID": rows["campaign_id"],
        "Ad ID": rows["ad_id"], "Ad name": rows["ad_name"],
        "Impressions": rows["impressions"].round().astype("int64"), "Clicks": rows["clicks"].round().astype("int64"),
        "Amount spent (CNY)": rows["cost"].map("{:.2f}".format),
        "Conversions": rows["conversions"].round().astype("int64")})
    return (out if with_date else out.drop(columns="Date")).reset_index(drop=True)


def _csv_bytes(frame: pd.DataFrame, *, encoding: str, newline: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow(frame.columns)
    writer.writerows(frame.astype(str).itertuples(index=False, name=None))  # a few hundred rows
    return text.getvalue().encode(encoding)


def _xlsx(frame: pd.DataFrame, path: Path) -> None:
    fixed = dt.datetime(2026, 11, 20, 18, 0, 0)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="商机", index=False)
        book = writer.book
        book.properties.created = book.properties.modified = fixed  # reproducible file
        book.properties.creator = "kpi_engine demo"
        sheet = writer.sheets["商机"]
        for cell in sheet["C"][1:]:
            cell.number_format = "yyyy-mm-dd"
        for column, width in zip("ABCDE", (16, 10, 12, 12, 10), strict=True):
            sheet.column_dimensions[column].width = width


def write_samples(out_dir: Path | str, *, seed: int = 7) -> list[Path]:
    """Write the sample export files into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = _frames(seed)
    crm = crm_leads(frames["leads"])
    paths = [out / name for name in FILES]
    paths[0].write_bytes(_csv_bytes(crm.drop(columns="_lead_id"), encoding="gbk", newline="\r\n"))
    paths[1].write_bytes(_csv_bytes(ad_spend(frames["spend"], frames["campaigns"], with_date=True),
                                    encoding="utf-8-sig", newline="\n"))
    paths[2].write_bytes(_csv_bytes(ad_spend(frames["spend"], frames["campaigns"], with_date=False),
                                    encoding="utf-8", newline="\n"))
    _xlsx(opportunities(frames["leads"], crm), paths[3])
    return paths


if __name__ == "__main__":
    for written in write_samples(sys.argv[1] if len(sys.argv) > 1 else "data/samples"):
        print(written)
