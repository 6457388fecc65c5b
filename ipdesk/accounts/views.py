import base64
import io

import django_filters
import django_tables2 as tables
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipdesk.core import audit
from ipdesk.core.columns import BaseTable
from ipdesk.core.exports import Column, mask_phone
from ipdesk.core import models as audit_models
from ipdesk.core.models import AuditAction
from ipdesk.core.scoping import Role
from ipdesk.core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView

from . import reauth
from .forms import LoginForm, OTPForm, UserForm
from .models import User, revoke_api_tokens


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response

    def get_success_url(self):
        return "/"


def _safe_next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def otp_view(request):
    """Second factor (TOTP). A user without a confirmed device enrols here first: scan, then confirm."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or \
            TOTPDevice.objects.create(user=request.user, name="ipdesk", confirmed=False)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            # a new session key for the verified session, so a key planted or seen before the second
            # factor does not carry the raised privilege (session fixation, OWASP ASVS 3.2.1)
            request.session.cycle_key()
            audit.record(AuditAction.LOGIN, user=request.user, object_type_name="accounts.user",
                         object_id=str(request.user.pk), object_repr=request.user.username,
                         after={"stage": "otp", "enrolled": enrolling})
            return redirect(_safe_next(request))
        audit.record(AuditAction.LOGIN_FAILED, user=request.user, object_type_name="accounts.user",
                     object_id=str(request.user.pk), object_repr=request.user.username,
                     after={"username": request.user.username, "stage": "otp"})
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
    ctx = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buffer = io.BytesIO()
        image.save(buffer)
        ctx.update(secret=secret, qr_svg=buffer.getvalue().decode())
    return render(request, "accounts/otp.html", ctx)


class UserFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(lookup_expr="icontains", label=_l("用户名"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_l("角色"))

    class Meta:
        model = User
        fields = ["username", "role", "region", "is_active"]


class UserTable(BaseTable):
    username = tables.Column(linkify=True)

    class Meta:
        model = User
        fields = ("username", "display_name", "role", "region", "enterprise", "is_active", "last_login")


class UserListView(ObjectListView):
    model = User
    table_class = UserTable
    filterset_class = UserFilter
    roles = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER}
    create_url = "accounts:user_add"
    export_name = "用户"
    export_columns = [Column("用户名", "username"), Column("姓名", "display_name"), Column("角色", "get_role_display"),
                      Column("行政区划代码", "region.code"), Column("所属企业", "enterprise.name"),
                      Column("手机", "phone", mask=mask_phone, reveal=lambda user: user.is_city_officer),
                      Column("启用", "is_active")]


class UserDetailView(ObjectDetailView):
    model = User
    roles = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER}
    template_name = "accounts/user_detail.html"
    detail_fields = ["username", "display_name", "role", "region", "enterprise", "email", "is_active",
                     "last_login", "password_changed_at"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        manageable = User.objects.manageable_by(self.request.user).filter(pk=self.object.pk).exists()
        ctx["locked"] = is_locked(self.object.username)
        ctx["failures"] = failures(self.object.username)
        ctx["can_edit"] = ctx["can_unlock"] = manageable  # nobody changes an account ranked at or above their own
        ctx["otp_enrolled"] = TOTPDevice.objects.filter(user=self.object, confirmed=True).exists()
        ctx["otp_field"] = reauth.FIELD
        return ctx


def failures(username):
    """Failed sign-ins counted against the account, from every address, since the last success or unlock
    (django-axes)."""
    from axes.models import AccessAttempt
    return AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0


def is_locked(username):
    """Locked from at least one address, or from everywhere once the ceiling is reached (accounts.lockout)."""
    from axes.models import AccessAttempt
    from .lockout import ceiling
    per_address = AccessAttempt.objects.filter(username=username).values("ip_address").annotate(
        n=Sum("failures_since_start")).aggregate(top=Max("n"))["top"] or 0
    return per_address >= settings.AXES_FAILURE_LIMIT or bool(ceiling() and failures(username) >= ceiling())


@login_required
@require_POST
def user_unlock(request, pk):
    """A city officer unlocks an account locked after repeated failures (same as `ipdesk axes_reset_username`)."""
    user = get_object_or_404(User.objects.manageable_by(request.user), pk=pk)
    from axes.utils import reset
    removed = reset(username=user.username)
    audit.record(AuditAction.ACTION, user, after={"unlock": True, "attempts_cleared": removed})
    messages.success(request, _("已解锁账号 %(name)s。") % {"name": user.username})
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_reset_otp(request, pk):
    """A city officer removes a user's authenticator (lost phone); the user enrols again at next sign-in.

    Whoever removes it can enrol their own in its place, so the officer re-enters a code from their own
    authenticator in the same request (accounts.reauth), and the user's API tokens end with it.
    """
    user = get_object_or_404(User.objects.manageable_by(request.user), pk=pk)
    problem = reauth.check_fresh_code(request.user, request.POST.get(reauth.FIELD))
    if problem:
        messages.error(request, problem)
        return redirect("accounts:user_detail", pk=user.pk)
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    revoke_api_tokens(user)
    audit.record(AuditAction.ACTION, user, after={"otp_reset": True, "devices_removed": count,
                                                  "by": request.user.username, "reauthenticated": True})
    messages.success(request, _("已重置 %(name)s 的动态验证码绑定，下次登录时需重新绑定。") % {"name": user.username})
    return redirect("accounts:user_detail", pk=user.pk)


class UserFormMixin:
    model = User
    form_class = UserForm
    roles = {Role.CITY_OFFICER}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}


class UserCreateView(UserFormMixin, ObjectCreateView):
    pass


class UserUpdateView(UserFormMixin, ObjectUpdateView):
    def get_queryset(self):
        """Only accounts ranked below the editor's own: another's page answers 404 (models.rank)."""
        return User.objects.manageable_by(self.request.user).order_by("pk")

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.reauthenticated and not form.errors:
            audit.record(AuditAction.ACTION, self.object, after={"password_reset": True,
                                                                 "by": self.request.user.username,
                                                                 "reauthenticated": True})
        return response


def lockout_response(request, original_response=None, credentials=None):
    """What a locked account meets (settings.AXES_LOCKOUT_CALLABLE): JSON on the API, a page on the web."""
    from django.http import JsonResponse
    message = _("登录失败次数过多，账号已被临时锁定。请稍后再试，或联系市局管理员解锁。")
    if request.path.startswith("/api/"):
        return JsonResponse({"non_field_errors": [message]}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)


RECENT_LOGINS = 10


@login_required
def profile_view(request):
    """个人资料 (/accounts/profile/): who I am in the platform — name, role, region or enterprise —, the link to
    change the password, and my recent sign-ins and failed attempts from the audit log (issue 19 item 4).
    Only the signed-in user's own entries are read."""
    user = request.user
    logins = (audit_models.AuditEntry.objects
              .filter(user_id_value=user.pk, action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED])
              .order_by("-timestamp")[:RECENT_LOGINS])
    return render(request, "accounts/profile.html", {"profile": user, "logins": logins})
