"""Push configuration from the environment: the public URL of the dashboard, the push time, SMTP defaults.

``KPI_PUBLIC_URL`` (default http://localhost:8501) is where deep links point; ``KPI_PUSH_AT`` (HH:MM, default
09:00, in the business time zone of the setting ``timezone``) is when the standup digest and the alerts go out;
the weekly digest goes on ``KPI_PUSH_WEEKLY_DAY`` (mon .. sun, default mon), the monthly one on day
``KPI_PUSH_MONTHLY_DAY`` (1 .. 28, default 1) of each month, both at the same time. ``KPI_SMTP_HOST``,
``KPI_SMTP_PORT``, ``KPI_SMTP_FROM``, ``KPI_SMTP_USER`` and ``KPI_SMTP_PASSWORD`` are the defaults for email
destinations that do not set their own.
"""

from __future__ import annotations

import re

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hm(text: str) -> tuple[int, int]:
    """``"09:00"`` -> (9, 0); ``ValueError`` naming the expected form otherwise."""
    found = _HM.match(text.strip())
    if not found:
        raise ValueError(f"a push time must look like 09:00 (HH:MM, 24 hours), not {text!r}")
    return int(found.group(1)), int(found.group(2))


class PushConfig(BaseSettings):
    """See the module docstring."""

    model_config = SettingsConfigDict(env_prefix="KPI_", extra="ignore", frozen=True)

    public_url: str = "http://localhost:8501"
    push_at: str = "09:00"
    push_weekly_day: str = "mon"
    push_monthly_day: int = 1
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "kpi@localhost"
    smtp_user: str = ""
    smtp_password: str = ""

    @field_validator("push_at")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_hm(value)
        return value.strip()

    @field_validator("push_weekly_day")
    @classmethod
    def _weekday(cls, value: str) -> str:
        day = value.strip().lower()[:3]
        if day not in WEEKDAYS:
            raise ValueError(f"KPI_PUSH_WEEKLY_DAY must be one of {', '.join(WEEKDAYS)}, not {value!r}")
        return day

    @field_validator("push_monthly_day")
    @classmethod
    def _monthday(cls, value: int) -> int:
        if not 1 <= value <= 28:
            raise ValueError(f"KPI_PUSH_MONTHLY_DAY must be between 1 and 28, not {value}")
        return value

    @property
    def hour_minute(self) -> tuple[int, int]:
        return parse_hm(self.push_at)

    def base_url(self) -> str:
        return self.public_url.rstrip("/")


def push_config(**overrides: object) -> PushConfig:
    """The configuration as of now (the environment), with ``overrides`` (e.g. ``push_at`` from ``--at``)."""
    return PushConfig(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
