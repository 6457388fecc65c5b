"""The detection job behind the review page's "run detection" button (progress at /jobs/)."""
from ipdesk.core.dates import parse_iso_date
from ipdesk.core.jobs import job_handler


@job_handler("compliance.detect")
def detect_job(job, since, threshold=0.8):
    from . import screening
    run, found = screening.run(parse_iso_date(since, field="since"), job.created_by, threshold=threshold,
                               report=lambda done, total, message=None: job.report(done, total, message))
    return {"run": run.pk, "candidates": len(found), "link": f"/compliance/candidates/?run={run.pk}"}
