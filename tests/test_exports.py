"""One formula-safe writer for every CSV and Excel file (issue 17 point 2): pages, CLI and audit exports."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from kpi_engine import exports, store
from tests.plans_fixture import seed

ROOT = Path(__file__).resolve().parent.parent
EVIL = ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-3+cmd", "@SUM(A1)", "\tTAB", "\rCR"]


def test_every_formula_prefix_is_neutralised_in_csv_and_text_left_alone() -> None:
    frame = pd.DataFrame({"text": [*EVIL, "plain", "数据"], "n": [-1.5, 2, 3, 4, 5, 6, -7, 8]})
    rows = list(csv.reader(io.StringIO(exports.to_csv_bytes(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [f"'{v}" for v in EVIL] + ["plain", "数据"]
    assert rows[1][1] == "-1.5" and rows[7][1] == "-7.0"  # numbers stay numbers, negative ones too
    out = io.StringIO()
    exports.SafeWriter(out).writerows([["a", "=1+1"], [-2, "ok"]])
    assert out.getvalue() == "a,'=1+1\n-2,ok\n"


def test_excel_stores_formula_like_text_as_text_without_an_apostrophe() -> None:
    data = exports.to_excel_bytes(pd.DataFrame({"text": EVIL[:4], "n": [-1, 2, 3, 4]}))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"][1:]] == EVIL[:4] and all(c.data_type == "s" for c in sheet["A"][1:])
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no cell is a formula
    assert sheet["B2"].value == -1


def test_the_cli_csv_outputs_are_formula_safe(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    seed(engine)
    store.dispose_engine(url)
    env = {**os.environ, "KPI_DB_URL": url}
    # a channel id that looks like a formula, as an upload could bring
    csv_file = tmp_path / "spend.csv"
    csv_file.write_text("date,channel_id,cost\n2026-10-07,=cmd|' /C calc'!A0,50\n", encoding="utf-8")
    loaded = subprocess.run([sys.executable, "-m", "kpi_engine", "ingest", str(csv_file), "--table", "spend"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert loaded.returncode == 0, loaded.stderr + loaded.stdout
    out = subprocess.run([sys.executable, "-m", "kpi_engine", "metrics", "spend", "--by", "channel", "--from",
                          "2026-10-01", "--to", "2026-10-31", "--format", "csv"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    cells = [r[0] for r in csv.reader(io.StringIO(out.stdout))]
    assert "'=cmd|' /C calc'!A0" in cells and "=cmd|' /C calc'!A0" not in cells
