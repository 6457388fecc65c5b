"""The extension points the apps fill (core.extensions): fixed stores, filled in INSTALLED_APPS order."""
import pytest
from django.apps import apps

from ipdesk.core import extensions
from ipdesk.core.models import Job


def test_stores_are_fixed_and_a_misspelt_one_is_an_error():
    with pytest.raises(KeyError):
        extensions.registry["api_module"]
    with pytest.raises(TypeError):
        extensions.registry["menus"] = []
    with pytest.raises(TypeError):
        del extensions.registry["api_modules"]


def test_every_app_with_an_api_module_registered_it_in_app_order():
    expected = [f"{config.name}.api" for config in apps.get_app_configs() if config.name.startswith("ipdesk.")]
    assert extensions.registry["api_modules"] == expected


def test_demo_steps_run_reference_data_first_and_the_accounts_last():
    steps = extensions.demo_loaders()
    assert [s.app for s in steps] == ["regions", "registry", "stats", "services", "protection", "finance",
                                      "compliance", "accounts"]
    assert [s.reference for s in steps] == [True] + [False] * 7
    assert all(callable(s.function()) for s in steps)


def test_the_regions_app_plays_the_region():
    from ipdesk.regions.models import Region
    assert extensions.model("region") is Region
    assert extensions.model("no such role") is None


def test_job_handlers_live_in_the_store_and_progress_is_a_method_of_the_job(db):
    assert {"audit_verify", "compliance.detect"} <= set(extensions.registry["job_handlers"])  # core's, an app's
    job = Job.objects.create(kind="audit_verify", title="t")
    job.report(3, 10, message="3/10")
    assert (job.progress, job.total, job.message) == (3, 10, "3/10")
    job.refresh_from_db()
    assert (job.progress, job.total, job.message) == (3, 10, "3/10")
    assert "report" in vars(Job)  # declared on the model, not attached by core.jobs at import time
