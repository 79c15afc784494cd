"""``python -m kpi_engine explain``: columns, the final total row, formats, errors (data of tests/test_gap.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import store
from kpi_engine.__main__ import main
from tests.test_gap import seed


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["explain", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(engine: Engine) -> Iterator[str]:
    """The seeded test database as a URL (on PostgreSQL: the test's own schema); the CLI's engine disposed after."""
    seed(engine)
    if store.is_postgres(engine):
        with engine.connect() as conn:
            name = conn.execute(sa.text("SELECT current_schema()")).scalar()
        url = engine.url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    else:
        url = str(engine.url)
    yield url
    store.dispose_engine(url)


def test_csv_columns_and_total_row(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["leads", "--period", "2026-10", "--vs", "previous", "--format", "csv",
                              "--db", db], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["channel_id", "actual", "comparison", "contribution"],
                    ["a", "2", "4", "-2"], ["b", "3", "2", "1"], ["c", "1", "0", "1"], ["d", "0", "1", "-1"],
                    ["total", "6", "7", "-1"]]
    assert "method: Additive" in err


def test_ratio_json_has_rate_and_mix_parts(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["cpl", "--period", "2026-10", "--vs", "previous", "--by", "channel", "--format", "json",
                              "--db", db], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert list(data[0]) == ["channel_id", "actual", "comparison", "contribution", "rate_part", "mix_part"]
    assert data[-1]["channel_id"] == "total" and data[-1]["actual"] == 110
    assert data[-1]["contribution"] == pytest.approx(110 - 570 / 7, abs=1e-5)
    gone = next(r for r in data if r["channel_id"] == "d")
    assert gone["actual"] is None and gone["rate_part"] == 0 and gone["mix_part"] == -10
    assert "Mix/rate" in err


def test_table_by_campaign_vs_target(duck_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    seed(duck_engine)
    code, out, _ = run_cli(["leads", "--period", "2026-10", "--by", "campaign", "--db", str(duck_engine.url)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["campaign_id", "actual", "comparison", "contribution"]
    # no campaign target: everything is "(no target)" against the whole team target 10
    assert lines[2].split() == ["(no", "target)", "6", "10", "-4"] and lines[-1].split() == ["total", "6", "10", "-4"]


def test_errors_exit_2(duck_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(duck_engine.url)
    code, _, err = run_cli(["nope", "--period", "2026-10", "--db", url], capsys)
    assert code == 2 and "unknown metric 'nope'" in err
    code, _, err = run_cli(["leads", "--period", "October", "--db", url], capsys)
    assert code == 2 and "not a period" in err
    with pytest.raises(SystemExit):
        main(["explain", "leads", "--period", "2026-10", "--vs", "budget"])
