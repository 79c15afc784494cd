"""workdays strings (en, zh)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
}
