"""HTTP ingest: a real uvicorn server on a free port (in a thread, and the documented command in a subprocess),
real DuckDB, real requests. Readiness and results are waited for by polling, with bounded timeouts."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import Engine

from kpi_engine import store
from kpi_engine.__main__ import main
from kpi_engine.arrivals.http_ingest import create_app
from kpi_engine.arrivals.tokens import add_token, check_token, list_tokens, revoke_token
from kpi_engine.ingest.audit import list_uploads
from tests import ingest_db as db
from tests.arrivals_support import Locker

ROOT = Path(__file__).resolve().parent.parent
GOOD_CSV = "lead_id,created_at,channel_id,expected_value\nH1,2026-05-01 10:00,api,500\nH2,2026-05-02,api,\n"
BAD_CSV = "lead_id,created_at,channel_id,expected_value\nE1,not a date,api,1\nE2,2026-05-02,api,-9\nE3,2026-05-03,api,3\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.communicate()}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{url} not up after {timeout}s")


@dataclass
class Server:
    url: str
    engine: Engine

    def post(self, table: str, body: bytes | str, token: str | None, ctype: str = "text/csv", **params: str):
        headers = {"Content-Type": ctype}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body.encode("utf-8") if isinstance(body, str) else body
        return requests.post(f"{self.url}/ingest/{table}", data=data, headers=headers, params=params, timeout=60)


@pytest.fixture
def server(duck_engine: Engine) -> Iterator[Server]:
    app = create_app(duck_engine, max_bytes=4096, max_rows=20)
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{config.port}"
    try:
        wait_until_up(url)
        yield Server(url, duck_engine)
    finally:
        srv.should_exit = True
        thread.join(30)


def test_no_wrong_or_revoked_token_is_401_and_nothing_is_written(server: Server) -> None:
    token = add_token(server.engine, "crm_sync")
    before = db.dump(server.engine)
    for sent in (None, "", "kpi_" + "x" * 43, token[:-1], token.upper()):
        r = server.post("leads", GOOD_CSV, sent)
        assert r.status_code == 401, (sent, r.text)
        assert r.json()["error"] == "unauthorized" and "Authorization: Bearer TOKEN" in r.json()["message"]
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = requests.post(f"{server.url}/ingest/leads", data=GOOD_CSV, headers={"Authorization": token}, timeout=30)
    assert r.status_code == 401  # a bare token without the Bearer scheme
    revoke_token(server.engine, "crm_sync")
    r = server.post("leads", GOOD_CSV, token)
    assert r.status_code == 401
    assert db.dump(server.engine) == before


def test_size_limits_are_413_with_a_clear_message(server: Server) -> None:
    token = add_token(server.engine, "bulk")
    big = "lead_id,created_at,channel_id\n" + "".join(f"Z{i:05d},2026-05-01,api\n" for i in range(300))
    assert len(big) > 4096
    r = server.post("leads", big, token)
    assert r.status_code == 413 and r.json()["error"] == "too_big"
    assert "the limit is 4096" in r.json()["message"] and "smaller batches" in r.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is enforced while reading
        for i in range(0, len(big), 1000):
            yield big[i:i + 1000].encode()

    r = requests.post(f"{server.url}/ingest/leads", data=chunks(), timeout=30,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    assert r.status_code == 413 and r.json()["error"] == "too_big"
    rows = "lead_id,created_at,channel_id\n" + "".join(f"R{i},2026-05-01,api\n" for i in range(21))
    r = server.post("leads", rows, token)
    assert r.status_code == 413 and r.json()["error"] == "too_many_rows"
    assert r.json()["message"] == "Too many rows (21; the limit is 20 per request). Send the rows in smaller batches."
    r = server.post("leads", json.dumps([{"lead_id": f"J{i}", "created_at": "2026-05-01", "channel_id": "api"}
                                         for i in range(21)]), token, "application/json")
    assert r.status_code == 413 and r.json()["error"] == "too_many_rows"
    assert db.count(server.engine, "leads") == 0 and list_uploads(server.engine).empty


def test_bad_rows_are_422_with_every_problem_and_nothing_is_written(server: Server) -> None:
    token = add_token(server.engine, "crm_sync", "leads")
    before = db.dump(server.engine)
    r = server.post("leads", BAD_CSV, token)
    assert r.status_code == 422
    doc = r.json()
    assert (doc["status"], doc["table"], doc["rows_read"], doc["inserted"], doc["upload_id"]) == ("refused", "leads", 3, 0, None)
    assert [(p["row"], p["column"], p["value"]) for p in doc["problems"]] == [(2, "created_at", "not a date"),
                                                                              (3, "expected_value", "-9")]
    assert doc["problems"][1]["reason"] == "expected_value must be a number ≥ 0 (row 3: '-9')."
    assert all(p["fix"] for p in doc["problems"])
    assert doc["message"] == "Nothing was loaded: 2 problems (3 rows read). Fix them and send the rows again."
    rows = [{"lead_id": "E1", "created_at": "2026-05-01", "channel_id": "api"},
            {"lead_id": "E2", "created_at": "someday", "channel_id": "api", "expected_value": 5}]
    r = server.post("leads", json.dumps(rows), token, "application/json", lang="zh")
    assert r.status_code == 422
    [problem] = r.json()["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "created_at", "someday")  # the 2nd object
    assert problem["reason"] == "created_at 必须是日期（第 2 行：'someday'）。"
    assert db.dump(server.engine) == before
    # The token is for leads only; other tables, unknown tables and unknown bodies are refused clearly.
    assert server.post("spend", "date,channel_id,cost\n2026-05-01,api,1\n", token).status_code == 403
    assert server.post("nope", GOOD_CSV, token).status_code == 404
    assert server.post("leads", GOOD_CSV, token, "application/pdf").status_code == 415
    assert server.post("leads", "{not json", token, "application/json").json()["error"] == "bad_json"
    assert server.post("leads", json.dumps([{"lead_id": {"a": 1}}]), token, "application/json").status_code == 400
    assert db.dump(server.engine) == before


def test_good_rows_are_200_recorded_and_undone_by_the_command(server: Server, tmp_path: Path) -> None:
    token = add_token(server.engine, "crm_sync", "leads")
    before = db.dump(server.engine)
    r = server.post("leads", GOOD_CSV, token)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["status"], doc["upload_id"], doc["inserted"], doc["updated"], doc["source"]) == ("loaded", 1, 2, 0, "crm_sync")
    with server.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT lead_id, created_at, channel_id, expected_value FROM leads ORDER BY 1")).all()
    assert [(a, str(b), c, d) for a, b, c, d in rows] == [("H1", "2026-05-01 10:00:00", "api", 500.0),
                                                        ("H2", "2026-05-02 00:00:00", "api", None)]
    r = server.post("leads", json.dumps({"rows": [{"lead_id": "H3", "created_at": "2026-05-03", "channel_id": "api",
                                                   "expected_value": 70.5}]}), token, "application/json")
    assert r.status_code == 200 and r.json()["upload_id"] == 2 and r.json()["inserted"] == 1
    uploads = list_uploads(server.engine)
    assert list(uploads["file"]) == ["POST /ingest/leads (crm_sync)"] * 2
    assert list(uploads["uploaded_by"]) == ["crm_sync"] * 2 and list(uploads["inserted"]) == [1, 2]
    with server.engine.connect() as conn:
        sha = conn.execute(sa.text("SELECT sha256 FROM uploads WHERE upload_id = 1")).scalar()
    assert sha == hashlib.sha256(GOOD_CSV.encode()).hexdigest()
    assert check_token(server.engine, token, touch=False).last_used_at is not None
    # The same rows again: updated by key, never duplicated.
    assert server.post("leads", GOOD_CSV, token).json()["inserted"] == 0
    assert db.count(server.engine, "leads") == 3
    url = str(server.engine.url)
    for upload_id in ("3", "2", "1"):
        out = subprocess.run([sys.executable, "-m", "kpi_engine", "undo", upload_id, "--db", url], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0 and f"Undid upload #{upload_id}" in out.stdout, out.stderr
    after = db.dump(server.engine)
    facts = [n for n in db.FACT_TABLES]
    assert {n: after[n] for n in facts} == {n: before[n] for n in facts}


def all_stored_text(engine: Engine) -> str:
    parts = []
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_tokens_are_stored_hashed_and_shown_once(duck_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(duck_engine.url)
    assert main(["ingest-token", "add", "erp", "--table", "orders", "--db", url]) == 0
    out = capsys.readouterr()
    token = out.out.strip().splitlines()[-1]
    assert token.startswith("kpi_") and len(token) == 4 + 43 and "shown only this once" in out.err
    [info] = list_tokens(duck_engine)
    assert (info.name, info.table, info.active) == ("erp", "orders", True)
    stored = all_stored_text(duck_engine)
    assert token not in stored and token[4:] not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert main(["ingest-token", "add", "erp", "--db", url]) == 1
    assert "already has an active token" in capsys.readouterr().err
    assert main(["ingest-token", "list", "--db", url]) == 0
    listed = capsys.readouterr().out
    assert "erp" in listed and "orders" in listed and token not in listed
    assert main(["ingest-token", "revoke", "erp", "--db", url]) == 0
    assert check_token(duck_engine, token) is None
    assert main(["ingest-token", "revoke", "erp", "--db", url]) == 1
    assert main(["ingest-token", "add", "erp", "--db", url]) == 0  # a revoked name gets a new token
    new = capsys.readouterr().out.strip().splitlines()[-1]
    assert new != token and check_token(duck_engine, new).table is None and check_token(duck_engine, token) is None
    assert main(["ingest-token", "add", "bad name!", "--db", url]) == 1


def test_the_documented_command_serves_ingest(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'served.duckdb'}"
    engine = store.get_engine(url)
    token = add_token(engine, "webhook")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kpi_engine", "serve-ingest", "--port", str(port), "--db", url],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, proc=proc)
        r = requests.post(f"{base}/ingest/leads", data=GOOD_CSV.encode(), timeout=60,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv; charset=utf-8"})
        assert r.status_code == 200, r.text
        assert r.json()["inserted"] == 2
        assert requests.post(f"{base}/ingest/leads", data=GOOD_CSV, timeout=30).status_code == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
        store.dispose_engine(url)
    assert f"HTTP ingest on http://127.0.0.1:{port}" in out
    engine = store.get_engine(url)
    assert db.count(engine, "leads") == 2
    store.dispose_engine(url)


def test_date_order_and_history_changes_are_explicit_options(server: Server) -> None:
    token = add_token(server.engine, "crm_sync", "leads")
    ambiguous = "lead_id,created_at,channel_id,owner_id\nD1,03/04/2026,api,p_one\nD2,05/06/2026,api,p_one\n"
    r = server.post("leads", ambiguous, token)
    assert r.status_code == 422 and [p["code"] for p in r.json()["problems"]] == ["date_order_needed"]
    assert server.post("leads", ambiguous, token, date_order="dym").json()["error"] == "bad_date_order"
    r = server.post("leads", ambiguous, token, date_order="dmy")
    assert r.status_code == 200, r.text
    assert str(db.rows_where(server.engine, "leads", {"lead_id": "D1"})[0]["created_at"]) == "2026-04-03 00:00:00"
    moved = ambiguous.replace("p_one", "p_two")
    r = server.post("leads", moved, token, date_order="dmy")
    assert r.status_code == 422 and r.json()["status"] == "unconfirmed" and r.json()["history_changes"]
    assert db.rows_where(server.engine, "leads", {"lead_id": "D1"})[0]["owner_id"] == "p_one"
    r = server.post("leads", moved, token, date_order="dmy", accept_changes="true")
    assert r.status_code == 200 and r.json()["updated"] == 2
    assert db.rows_where(server.engine, "leads", {"lead_id": "D1"})[0]["owner_id"] == "p_two"


def test_a_busy_database_is_503_with_retry_after_and_nothing_is_lost(server: Server,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DB_BUSY_SECONDS", "0.3")  # how long the store waits for the file before giving up
    token = add_token(server.engine, "crm_sync", "leads")
    locker = Locker(server.engine.url.database)
    try:
        r = server.post("leads", GOOD_CSV, token)
    finally:
        locker.release()
    assert r.status_code == 503 and r.json()["error"] == "busy" and r.headers["retry-after"] == "5"
    assert server.post("leads", GOOD_CSV, token).status_code == 200
    assert db.count(server.engine, "leads") == 2
