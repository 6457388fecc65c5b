"""Password policy (等保三级): character classes and no reuse of recent passwords."""
import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (("小写字母", re.compile(r"[a-z]")), ("大写字母", re.compile(r"[A-Z]")),
           ("数字", re.compile(r"\d")), ("符号", re.compile(r"[^A-Za-z0-9]")))


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _name, rx in CLASSES if rx.search(password))
        if present < self.min_classes:
            raise ValidationError(
                _("密码须至少包含以下 %(n)d 类字符：小写字母、大写字母、数字、符号。") % {"n": self.min_classes},
                code="password_too_simple")

    def get_help_text(self):
        return _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    def __init__(self, history=5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.history <= 0:
            return
        recent = [user.password] + list(user.password_history.values_list("password", flat=True)[: self.history])
        if any(h and check_password(password, h) for h in recent):
            raise ValidationError(_("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                                  code="password_reused")

    def password_changed(self, password, user=None):
        from django.utils import timezone

        from .models import PasswordHistory
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())

    def get_help_text(self):
        return _("不能重复使用最近 %(n)d 次的密码。") % {"n": self.history}


class UsernameInPasswordValidator:
    """No password that contains the username (any case): the first thing a guesser tries. Django's
    UserAttributeSimilarityValidator catches passwords close to it; this one also the longer ones built
    around it ("zhangsan@2026A", "My-zhangsan-2026!")."""
    def __init__(self, min_length=3):
        self.min_length = min_length

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= self.min_length and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")
