from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/status.json", views.JobStatusJSON.as_view(), name="job_status"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit_verify"),
]
from . import uploads  # noqa: E402  attachments (content-checked uploads, scoped downloads)
urlpatterns += [
    path("attachments/<str:app_label>/<str:model_name>/<str:object_id>/upload/", uploads.upload_view,
         name="attachment_upload"),
    path("attachments/<int:pk>/download/", uploads.download_view, name="attachment_download"),
    path("attachments/<int:pk>/delete/", uploads.delete_view, name="attachment_delete"),
]
