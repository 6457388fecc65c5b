"""The detection job behind the review page's "run detection" button (progress at /jobs/)."""
import datetime

from ipdesk.core.jobs import job_handler


@job_handler("compliance.detect")
def detect_job(job, since, threshold=0.8):
    from . import screening
    run, found = screening.run(datetime.date.fromisoformat(since), job.created_by, threshold=threshold,
                               report=lambda done, total, message=None: job.report(done, total, message))
    return {"run": run.pk, "candidates": len(found), "link": f"/compliance/candidates/?run={run.pk}"}
