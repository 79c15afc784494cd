"""``python -m kpi_engine settings``, the stored settings reaching the scorecard command, and the secrets file.

The scorecard checks are hand-computed from the rules: bonus = base bonus (10,000 in the team example plan)
× the grade's multiplier; a grade comes from the final score and the grade bounds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_engine import demo, store
from kpi_engine.__main__ import main
from kpi_engine.plans import store as plans
from kpi_engine.plans import templates
from kpi_engine.settings import DEFAULT_DB_URL, EnvConfig, SecretsFileError, redact, resolve_db_url, safe_url
from kpi_engine.settings_rules import editable_keys
from kpi_engine.settings_store import load_settings, setting_history

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 11, 22)
AS_OF = "2026-11-23"
BASE_BONUS = 10_000


@pytest.fixture
def db(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'settings.duckdb'}"
    yield url
    store.dispose_engine(url)


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A demo store with the team example plan for October (closed on AS_OF) activated: (url, plan id)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('settings_cli') / 'demo.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=3, end=END)
    saved = plans.save_plan(engine, templates.from_template("team_example", "2026-10"))
    plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=END)
    store.dispose_engine(url)
    return url, saved.plan_id


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_cli(*argv: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("KPI_DB_URL", "KPI_SECRETS_FILE")}
    environ.update(PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "kpi_engine", *argv], cwd=cwd, env=environ, capture_output=True,
                          text=True, encoding="utf-8", timeout=180, check=False)


def test_show_set_reset_history(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run_main(capsys, "settings", "set", "bonus_multiplier_b", "1.1", "--user", "ann", "--db", db)
    assert (code, out.strip()) == (0, "bonus_multiplier_b: 1 -> 1.1")
    code, out, _ = run_main(capsys, "settings", "set", "bonus_multiplier_b", "1.1", "--db", db)
    assert (code, out.strip()) == (0, "bonus_multiplier_b already is 1.1; nothing changed.")

    code, out, _ = run_main(capsys, "settings", "show", "--format", "json", "--db", db)
    shown = {r["key"]: r for r in json.loads(out)}
    assert code == 0 and list(shown) == list(editable_keys()) and "upload_user" not in shown
    assert shown["bonus_multiplier_b"] == {"key": "bonus_multiplier_b", "name": "Bonus multiplier, grade B", "value": 1.1,
                                           "default": 1.0, "changed": True, "description": "Bonus multiplier of grade B."}
    assert shown["currency"]["changed"] is False and shown["timezone"]["value"] == "Asia/Shanghai"

    code, out, _ = run_main(capsys, "settings", "show", "--lang", "zh", "--db", db)
    header, _, *lines = out.splitlines()
    assert code == 0 and header.split() == ["key", "name", "value", "default", "changed", "description"]
    line = next(x for x in lines if x.startswith("bonus_multiplier_b "))
    cells = re.split(r"\s{2,}", line)  # columns are two spaces apart at least; a name may hold one space
    assert cells[:5] == ["bonus_multiplier_b", "B 级奖金系数", "1.1", "1", "*"] and "B 级的奖金系数" in line

    code, out, _ = run_main(capsys, "settings", "reset", "bonus_multiplier_b", "--user", "bob", "--db", db)
    assert (code, out.strip()) == (0, "bonus_multiplier_b: 1.1 -> 1")
    code, out, _ = run_main(capsys, "settings", "history", "--format", "json", "--db", db)
    assert [(r["changed_by"], r["key"], r["old"], r["new"]) for r in json.loads(out)] == [
        ("bob", "bonus_multiplier_b", "1.1", "1"), ("ann", "bonus_multiplier_b", "1", "1.1")]
    code, out, _ = run_main(capsys, "settings", "history", "--db", db)
    assert code == 0 and out.splitlines()[0].split() == ["changed_at", "changed_by", "key", "old", "new"]
    assert len(out.splitlines()) == 4  # header, rule, two changes


def test_invalid_set_exits_2_and_changes_nothing(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run_main(capsys, "settings", "set", "grade_b_from", "105", "--db", db)
    assert (code, out) == (2, "") and err.startswith("error: Grade bounds must descend")
    code, _, err = run_main(capsys, "settings", "set", "timezone", "Asia/Shanghia", "--lang", "zh", "--db", db)
    assert code == 2 and "必须是 IANA 时区" in err and "Asia/Shanghia" in err
    code, _, err = run_main(capsys, "settings", "reset", "nope", "--db", db)
    assert code == 2 and "There is no setting 'nope'" in err
    code, out, _ = run_main(capsys, "settings", "history", "--db", db)
    assert (code, out.strip()) == (0, "No setting has been changed yet.")
    assert setting_history(store.get_engine(db)).empty


def _scorecard(url: str, plan_id: str) -> dict:
    result = run_cli("scorecard", plan_id, "--as-of", AS_OF, "--format", "json", "--db", url)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_stored_grades_multipliers_and_symbol_change_the_scorecard_command(demo_plan: tuple[str, str]) -> None:
    url, plan_id = demo_plan
    before = _scorecard(url, plan_id)
    grade, final = before["grade"], before["final_score"]
    assert grade in "SABCD" and before["bonus"] == pytest.approx(BASE_BONUS * {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.6,
                                                                                 "D": 0.0}[grade])
    # the multiplier of the card's grade, stored by the command line, is what the bonus uses
    result = run_cli("settings", "set", f"bonus_multiplier_{grade.lower()}", "2.5", "--db", url)
    assert result.returncode == 0, result.stderr
    after = _scorecard(url, plan_id)
    assert (after["grade"], after["final_score"]) == (grade, final) and after["bonus"] == pytest.approx(BASE_BONUS * 2.5)

    # raise every grade bound above the cap (in an order that keeps S > A > B > C): the card falls to D, bonus 0
    for key, value in (("grade_s_from", "400"), ("grade_a_from", "300"), ("grade_b_from", "200"), ("grade_c_from", "150")):
        assert run_cli("settings", "set", key, value, "--db", url).returncode == 0
    dropped = _scorecard(url, plan_id)
    assert final < 150 and (dropped["grade"], dropped["bonus"]) == ("D", 0)

    assert run_cli("settings", "set", "bonus_multiplier_d", "0.25", "--db", url).returncode == 0
    assert run_cli("settings", "set", "currency_symbol", "$", "--db", url).returncode == 0
    table = run_cli("scorecard", plan_id, "--as-of", AS_OF, "--db", url).stdout
    assert "grade              D" in table and "bonus              $2,500" in table
    assert len(setting_history(store.get_engine(url))) == 7
    store.dispose_engine(url)


# --- environment and secrets -----------------------------------------------------------------------------------


def test_secrets_file_gives_the_url_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KPI_DB_URL", raising=False)
    monkeypatch.delenv("KPI_SECRETS_FILE", raising=False)
    monkeypatch.delenv("KPI_USER", raising=False)
    assert resolve_db_url() == DEFAULT_DB_URL  # no secrets file: fine
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('db_url = "duckdb:///from_secrets.duckdb"\nuser = "sam"\n')
    assert resolve_db_url() == "duckdb:///from_secrets.duckdb" and EnvConfig().user == "sam"
    (tmp_path / ".streamlit" / "secrets.toml").write_text('KPI_DB_URL = "duckdb:///upper.duckdb"\n')
    assert resolve_db_url() == "duckdb:///upper.duckdb"
    monkeypatch.setenv("KPI_DB_URL", "duckdb:///from_env.duckdb")
    assert resolve_db_url() == "duckdb:///from_env.duckdb"
    assert resolve_db_url("duckdb:///explicit.duckdb") == "duckdb:///explicit.duckdb"


@pytest.mark.parametrize("content", [b'db_url = "postgresql://kpi:s3cret@db/kpi', b"\xff\xfe not utf-8", None])
def test_an_unreadable_secrets_file_is_an_error_never_another_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       content: bytes | None) -> None:
    path = tmp_path / "secrets.toml"
    if content is None:
        path.mkdir()  # cannot be read as a file
    else:
        path.write_bytes(content)
    monkeypatch.setenv("KPI_SECRETS_FILE", str(path))
    monkeypatch.delenv("KPI_DB_URL", raising=False)
    with pytest.raises(SecretsFileError) as caught:
        resolve_db_url()
    assert str(path) in str(caught.value) and "s3cret" not in str(caught.value)

    result = run_cli("settings", "show", cwd=tmp_path, KPI_SECRETS_FILE=str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: the secrets file {path}") and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr and not (tmp_path / "data").exists()  # no fallback to the default file


def test_passwords_are_hidden(capsys: pytest.CaptureFixture[str]) -> None:
    assert safe_url("postgresql+psycopg://kpi:s3cret@db:5432/kpi") == "postgresql+psycopg://kpi:***@db:5432/kpi"
    assert safe_url("not a url") == "?"
    assert redact("at postgresql://kpi:p@ss@db/kpi failed") == "at postgresql://kpi:***@db/kpi failed"
    code, out, err = run_main(capsys, "settings", "show", "--db", "postgresql://kpi:s3cret@db:port/kpi")
    assert code == 1 and "s3cret" not in out + err and "postgresql://kpi:***@db:port/kpi" in err


def test_the_settings_module_needs_no_database_library() -> None:
    code = "import kpi_engine.settings as s, sys; s.get_settings(); print('sqlalchemy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_value_set_by_the_command_is_what_the_store_loads(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run_main(capsys, "settings", "set", "timezone", "Europe/Berlin", "--db", db)[0] == 0
    assert load_settings(store.get_engine(db)).timezone == "Europe/Berlin"


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """``settings show | head -0``: no traceback when the pipe is closed, exit status 141 as a shell pipeline gives."""
    url = f"duckdb:///{(tmp_path / 'kpi.duckdb').as_posix()}"
    command = [sys.executable, "-m", "kpi_engine", "settings", "show", "--db", url]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the command (still importing) writes its first line
        err = proc.stderr.read()
        code = proc.wait(timeout=180)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code == 141, err
