"""migrate strings (en, zh): the ``migrate`` command."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "migrate_applied": {"en": "applied", "zh": "已应用"},
    "migrate_pending": {"en": "pending", "zh": "待应用"},
    "migrate_done": {"en": "Applied {n} migration(s): {names}. The store is at schema version {version}.",
                     "zh": "已应用 {n} 个迁移：{names}。数据库结构版本现为 {version}。"},
    "migrate_up_to_date": {"en": "The store is up to date (schema version {version}); nothing to do.",
                           "zh": "数据库结构已是最新（版本 {version}），无需迁移。"},
    "migrate_too_new": {"en": "This store was upgraded by a newer release; use that release.",
                        "zh": "此数据库已由更新的版本升级，请使用该版本。"},
}
