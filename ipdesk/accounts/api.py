from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from django.urls import path
from drf_spectacular.utils import extend_schema

from ipdesk.core import audit
from ipdesk.core.models import AuditAction

from .middleware import needs_second_factor, password_expired
from .models import User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "region", "enterprise", "is_active"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts within the caller's scope (city officers: all; district officers: their districts)."""
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_fields = ["role", "region", "enterprise", "is_active"]

    def get_queryset(self):
        if not self.request.user.has_role("city_officer", "district_officer"):
            return User.objects.filter(pk=self.request.user.pk).order_by("pk")
        return User.objects.restrict(self.request.user).order_by("username")


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    """The signed-in user, with role and scope anchor."""
    return Response(UserSerializer(request.user).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(max_length=8, required=False, allow_blank=True,
                                help_text="动态验证码（TOTP）：市局工作人员和管理员必填")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


def _refuse(message, status=400):
    return Response({"non_field_errors": [message]}, status=status)


@extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request):
    """An API token for username + password, and the TOTP code (`otp`) for roles that need a second factor.

    Failures count towards the account lockout and are audited like web logins; a token expires after
    API_TOKEN_MAX_AGE_HOURS and is replaced by a new one on each request here.
    """
    data = TokenRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    raw = request._request
    user = authenticate(raw, username=data.validated_data["username"], password=data.validated_data["password"])
    if getattr(raw, "axes_locked_out", False):
        return _refuse(_("登录失败次数过多，账号已被临时锁定。请稍后再试，或联系市局管理员解锁。"), status=403)
    if user is None or not user.is_active:
        return _refuse(_("用户名或密码错误。连续多次失败后账号将被临时锁定。"))
    if needs_second_factor(user):
        code = (data.validated_data.get("otp") or "").strip()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            return _refuse(_("您的角色须使用动态验证码，请先在网页上登录并绑定验证器后再获取令牌。"), status=403)
        if not code or not device.verify_token(code):
            audit.record(AuditAction.LOGIN_FAILED, user=user, object_type_name="accounts.user", object_id=str(user.pk),
                         object_repr=user.username, after={"username": user.username, "stage": "otp", "via": "api"})
            return _refuse(_("动态验证码缺失或不正确（字段 otp）。"))
    if password_expired(user):
        return _refuse(_("密码已过期，请先在网页上修改密码。"), status=403)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(AuditAction.LOGIN, user=user, object_type_name="accounts.user", object_id=str(user.pk),
                 object_repr=user.username, after={"via": "api-token"})
    expires = token.created + timedelta(hours=settings.API_TOKEN_MAX_AGE_HOURS)
    return Response({"token": token.key, "expires_at": expires})


router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
urlpatterns = [path("me/", me, name="api-me"), path("token/", obtain_token, name="api-token")]
