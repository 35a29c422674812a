"""The open-data import page: catalogue editors upload a file; a refused file lists its
problems and changes nothing. (Who may open it: tests/accounts/test_permission_matrix.py.)"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opendata.models import OpenDataImport, OpenDataValue
from tests.opendata.conftest import file_bytes

URL = reverse("opendata:imports")
LIST_QUERIES = 4  # session, user, memberships, and one for the imports with who imported them


def _post(client, name, **fields):
    data = {"source": "デジタル庁「自治体DXダッシュボード」", "as_of": "2026-09-30", **fields}
    return client.post(URL, {**data, "file": SimpleUploadedFile(name, file_bytes(name))})


def test_an_editor_imports_a_file(bodies, client, personas):
    client.force_login(personas.catalogue_editor)
    response = _post(client, "dashboard.zip")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "dashboard.zipから14団体・52件の値を取り込みました。" in page
    imported = OpenDataImport.objects.get()
    assert (imported.imported_by, imported.value_count) == (personas.catalogue_editor, 52)


def test_a_bad_file_lists_its_problems_and_changes_nothing(bodies, client, personas):
    client.force_login(personas.catalogue_editor)
    response = _post(client, "bad-name-without-prefecture.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "取り込みませんでした（何も変更していません）" in page
    assert "bad-name-without-prefecture.csv、1行目：団体名だけで都道府県がありません。" in page
    assert OpenDataImport.objects.count() == OpenDataValue.objects.count() == 0


def test_a_missing_date_is_a_form_error(bodies, client, personas):
    client.force_login(personas.catalogue_editor)
    response = _post(client, "codes.csv", as_of="")
    assert response.status_code == 400
    assert OpenDataImport.objects.count() == 0


def test_the_list_costs_the_same_queries_however_many_imports(
    bodies, client, personas, django_assert_num_queries
):
    client.force_login(personas.catalogue_editor)
    client.get(URL)
    _post(client, "codes.csv")
    with django_assert_num_queries(LIST_QUERIES):
        client.get(URL)
    _post(client, "dashboard-sjis.csv")
    _post(client, "codes.csv", as_of="2026-04-01")
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(URL).content.decode()
    assert page.count('<th scope="row">デジタル庁') == 3
