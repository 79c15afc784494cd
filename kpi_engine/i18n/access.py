"""Sign-in, roles and audit strings (en, zh)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "access_username_blank": {"en": "The user name is empty.", "zh": "用户名为空。"},
    "access_role_unknown": {"en": "Unknown role {role}; use one of: {roles}.", "zh": "未知角色 {role}；可选：{roles}。"},
    "access_person_needed": {
        "en": "A {role} account needs the person it belongs to (--person PERSON_ID from the people table).",
        "zh": "{role} 账号需要关联人员（--person，人员表中的人员 ID）。"},
    "access_person_unknown": {"en": "There is no person {person} in the people table; upload the people first.",
                              "zh": "人员表中没有 {person}；请先上传人员数据。"},
    "access_password_short": {"en": "The password must have at least {minimum} characters.",
                              "zh": "密码至少需要 {minimum} 个字符。"},
    "access_password_blank": {"en": "The password must not start or end with spaces.", "zh": "密码不能以空格开头或结尾。"},
    "access_password_mismatch": {"en": "The two passwords differ; nothing was changed.", "zh": "两次输入的密码不一致；未做更改。"},
    "access_sso_needs_email": {"en": "A single sign-on account needs an e-mail address (--email or an e-mail as the "
                                     "user name).",
                               "zh": "单点登录账号需要电子邮件地址（--email，或以邮箱作为用户名）。"},
    "access_user_exists": {"en": "The user {username} already exists.", "zh": "用户 {username} 已存在。"},
    "access_user_unknown": {"en": "There is no user {username}.", "zh": "没有用户 {username}。"},
    "access_sign_in_failed": {"en": "Wrong user name or password.", "zh": "用户名或密码错误。"},
    "access_locked": {"en": "Too many failed sign-ins. Try again in {seconds} seconds.",
                      "zh": "登录失败次数过多，请在 {seconds} 秒后重试。"},
    "access_sso_no_account": {
        "en": "{email} signed in with the company account, but has no account here. Ask an admin to add it "
              "(python -m kpi_engine user add {email} --role member --person ID --sso).",
        "zh": "{email} 已通过公司账号登录，但在这里没有账号。请联系管理员添加"
              "（python -m kpi_engine user add {email} --role member --person ID --sso）。"},
    "access_not_allowed": {"en": "Not allowed: your role ({role}) cannot see this. Ask an admin if you need it.",
                           "zh": "无权访问：你的角色（{role}）不能查看此内容。如有需要请联系管理员。"},
    "access_not_allowed_write": {"en": "Not allowed: only an admin can do this.", "zh": "无权操作：只有管理员可以执行此操作。"},
    "access_cli_added": {"en": "Added {username} ({role}).", "zh": "已添加 {username}（{role}）。"},
    "access_cli_disabled": {"en": "Disabled {username}: it can no longer sign in.", "zh": "已停用 {username}：该账号无法再登录。"},
    "access_cli_enabled": {"en": "Enabled {username}.", "zh": "已启用 {username}。"},
    "access_cli_reset": {"en": "New password set for {username}.", "zh": "已为 {username} 设置新密码。"},
    "access_cli_role": {"en": "{username} is now {role}.", "zh": "{username} 的角色已改为 {role}。"},
    "access_cli_db_error": {"en": "the database refused the change; nothing was changed",
                            "zh": "数据库拒绝了此更改；未做任何更改"},
    "access_role_admin": {"en": "admin", "zh": "管理员"},
    "access_role_manager": {"en": "manager", "zh": "经理"},
    "access_role_member": {"en": "member", "zh": "成员"},
    "access_role_viewer": {"en": "viewer", "zh": "访客"},
}
