from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter
from django.urls import path
from drf_spectacular.utils import extend_schema

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
            return User.objects.filter(pk=self.request.user.pk)
        return User.objects.restrict(self.request.user).order_by("username")


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    """The signed-in user, with role and scope anchor."""
    return Response(UserSerializer(request.user).data)


router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
urlpatterns = [path("me/", me, name="api-me"), path("token/", obtain_auth_token, name="api-token")]
