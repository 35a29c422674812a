"""The bulk export with the real report renderer (reports.rendering): a real PDF in the ZIP."""

import pytest

from exports.bulk import export_job_create, export_job_run, job_zip
from exports.models import ItemStatus
from tests.exports.support import make_answered_round, summary_rows, zip_contents


@pytest.mark.django_db
def test_the_zip_holds_the_real_report(personas):
    round_ = make_answered_round(personas)
    job = export_job_create(
        owner=personas.consultant, municipalities=[personas.municipality_a], fiscal_year=None
    )

    export_job_run(job_id=job.pk)

    item = job.items.get()
    assert (item.status, item.error) == (ItemStatus.DONE, "")
    with job_zip(job) as archive:
        contents = zip_contents(archive.read())
    pdf = contents[item.file_name]
    assert pdf.startswith(b"%PDF-")
    (row,) = summary_rows(contents)
    assert row["ラウンドID"] == str(round_.pk)
