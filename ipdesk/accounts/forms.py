from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ipdesk.core.scoping import Role

from . import reauth
from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续多次失败后账号将被临时锁定。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class OTPForm(forms.Form):
    token = forms.CharField(label=_("动态验证码"), max_length=8, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


class UserForm(forms.ModelForm):
    """Create or edit an account. `actor` is who does it: they may only give roles ranked below their own
    (a city officer cannot create or promote a city officer), and setting the password of an existing
    account needs a fresh code from the actor's own authenticator (accounts.reauth)."""
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False,
                               help_text=_("新建用户时必填；修改用户时留空表示不修改。"))

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "region", "enterprise", "phone", "email", "is_active"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.reauthenticated = False
        if actor is None or not actor.is_superuser:
            # roles ranked below the actor's own (models.rank): only a superuser gives the city officer role
            self.fields["role"].choices = [(value, label) for value, label in self.fields["role"].choices
                                           if value != Role.CITY_OFFICER]
        if self.instance.pk:
            self.fields[reauth.FIELD] = forms.CharField(
                label=_("您本人的动态验证码"), required=False, max_length=8,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
                help_text=_("修改该用户的密码时必填：请输入您本人身份验证器上当前显示的 6 位验证码。"))

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == "district_officer" and not data.get("region"):
            self.add_error("region", _("区（市）局工作人员必须指定所属区划。"))
        if role == "enterprise" and not data.get("enterprise"):
            self.add_error("enterprise", _("企业用户必须指定所属企业。"))
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", _("请为新用户设置初始密码。"))
        if data.get("password"):
            from django.contrib.auth.password_validation import validate_password
            try:
                validate_password(data["password"], self._user_as_submitted(data))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if data.get("password") and self.instance.pk and not self.errors:
            # checked last, so a code is not spent on a form that fails for another reason
            problem = reauth.check_fresh_code(self.actor, data.get(reauth.FIELD)) if self.actor else \
                _("无法确认操作人身份。")
            if problem:
                self.add_error(reauth.FIELD, problem)
            else:
                self.reauthenticated = True
        return data

    def _user_as_submitted(self, data):
        """The account with the names typed in this form, so the password validators compare the new
        password with the username (UserAttributeSimilarityValidator, UsernameInPasswordValidator) even
        before a new account exists, and against its history when it does."""
        import copy
        user = copy.copy(self.instance) if self.instance.pk else User()
        for name in ("username", "display_name", "email"):
            if data.get(name):
                setattr(user, name, data[name])
        return user

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user
