from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False,
                               help_text=_("新建用户时必填；修改用户时留空表示不修改。"))

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "region", "enterprise", "phone", "email", "is_active"]

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
                validate_password(data["password"], self.instance if self.instance.pk else None)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user
