"""Event names and their Chinese labels (shown to the audit administrator)."""

LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "logout": "退出",
    "session_expired": "会话过期",
    "password_changed": "修改密码",
    "account_issued": "发放账号",
    "password_reset": "重置密码",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "account_unlocked": "解除锁定",
    "accounts_exported": "导出账号交接表",
    "unit_created": "新建单位",
    "unit_changed": "修改单位",
    "unit_closed": "撤销单位",
    "divisions_loaded": "加载行政区划",
    "audit_exported": "导出审计日志",
    "access_denied": "越权访问",
}
