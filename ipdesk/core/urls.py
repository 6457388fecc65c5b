from django.urls import path

from . import help as help_pages
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
    path("help/workflows/", help_pages.WorkflowHelpView.as_view(), name="help_workflows"),  # 办理流程 (core.workflow)
    path("help/<str:module>/", views.HelpView.as_view(), name="help"),
]
from . import uploads  # noqa: E402  attachments (content-checked uploads, scoped downloads)
urlpatterns += [
    path("attachments/<str:app_label>/<str:model_name>/<str:object_id>/upload/", uploads.upload_view,
         name="attachment_upload"),
    path("attachments/<int:pk>/download/", uploads.download_view, name="attachment_download"),
    path("attachments/<int:pk>/delete/", uploads.delete_view, name="attachment_delete"),
]
from . import import_views  # noqa: E402  the one import page (core/imports.py)
urlpatterns += [
    path("import/<str:kind>/", import_views.ImportView.as_view(), name="import"),
    path("import/<str:kind>/template.xlsx", import_views.TemplateDownloadView.as_view(), name="import_template"),
    path("import/jobs/<int:pk>/", import_views.ImportJobView.as_view(), name="import_job"),
    path("import/jobs/<int:pk>/rejected.csv", import_views.RejectedRowsView.as_view(), name="import_rejected"),
]
from . import autocomplete  # noqa: E402  type-to-search answers of the searchable selects
urlpatterns += [path("autocomplete/<str:kind>/", autocomplete.autocomplete_view, name="autocomplete")]
from . import basis_views  # noqa: E402  the 依据 pages (core.basis)
urlpatterns += [
    path("basis/", basis_views.BasisListView.as_view(), name="basis_list"),
    path("basis/<str:key>/", basis_views.BasisDetailView.as_view(), name="basis_detail"),
    path("basis/<str:key>/edit/", basis_views.BasisUpdateView.as_view(), name="basis_edit"),
]
