"""Password rules (等保 2.0: complexity; configurable in settings)."""

import re
from difflib import SequenceMatcher

from django.contrib.auth.password_validation import CommonPasswordValidator as _Common
from django.core.exceptions import ValidationError

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^A-Za-z0-9]"), "特殊字符"),
]


class LengthValidator:
    def __init__(self, min_length=10, max_length=128):
        self.min_length, self.max_length = min_length, max_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符", code="password_too_short")
        if len(password) > self.max_length:
            raise ValidationError(f"密码不能超过 {self.max_length} 个字符", code="password_too_long")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符"


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if present < self.min_classes:
            names = "、".join(label for _, label in CLASSES)
            raise ValidationError(f"密码须包含{names}中的至少 {self.min_classes} 类", code="password_classes")

    def get_help_text(self):
        return f"包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类"


def _normalize(text: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", (text or "").lower())


class NotSimilarToIdentityValidator:
    """Not the username, unit name, unit code or e-mail, nor close to them."""

    def __init__(self, max_similarity=0.7):
        self.max_similarity = max_similarity

    def validate(self, password, user=None):
        if user is None:
            return
        unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
        words = [getattr(user, "username", ""), (getattr(user, "email", "") or "").split("@")[0],
                 getattr(user, "first_name", ""), getattr(user, "last_name", "")]
        if unit is not None:
            words += [unit.name, unit.org_code or ""]
        candidate = _normalize(password)
        for word in filter(None, map(_normalize, words)):
            if len(word) < 3:
                continue
            if word in candidate or candidate in word or \
                    SequenceMatcher(a=candidate, b=word).ratio() >= self.max_similarity:
                raise ValidationError("密码不能与账号名、单位名称或单位代码相同或相近",
                                      code="password_too_similar")

    def get_help_text(self):
        return "不能与账号名、单位名称或单位代码相同或相近"


_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})
_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class CommonPasswordValidator(_Common):
    """Django's list of 20,000 common passwords, also matched after the usual
    dressing-up is taken off: "Password123!" and "P@ssw0rd" are "password"."""

    def _candidates(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        core = _EDGES.sub("", lowered)
        return {lowered, core, lowered.translate(_LEET), _EDGES.sub("", lowered.translate(_LEET))} - {""}

    def validate(self, password, user=None):
        if any(candidate in self.passwords for candidate in self._candidates(password)):
            raise ValidationError("密码过于常见，请换一个", code="password_too_common")

    def get_help_text(self):
        return "不能是常见密码"
