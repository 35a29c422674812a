"""Population on the master: the shipped table, import_population, and the size band rule."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Municipality
from municipalities.size_bands import BAND_CODES, size_band
from tests.municipalities.master_files import FIXTURE

POPULATION = FIXTURE.with_name("population.csv")


def _import_master():
    call_command("import_municipalities", str(FIXTURE), stdout=StringIO())


def _run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_population", str(path), *args, stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, rows: list[str], header: str | None = None) -> Path:
    if header is None:
        header = "# as_of: 2020-10-01\n# source: テスト出典\n"
    path = tmp_path / "population.csv"
    path.write_text(header + "code,name,population\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_shipped_table_sets_known_census_figures_with_date_and_source():
    _import_master()
    output = _run(POPULATION)
    assert "更新: 1787件" in output
    assert "人口の数値がない団体（不明のまま）: 1件" in output
    yokohama = Municipality.objects.get(code="141003")
    # 令和2年国勢調査 人口速報集計 (速報値): 横浜市 3,778,318, 清川村 3,038.
    assert yokohama.population == 3_778_318
    assert yokohama.population_as_of.isoformat() == "2020-10-01"
    assert "令和2年国勢調査 人口速報集計" in yokohama.population_source
    assert Municipality.objects.get(code="144029").population == 3_038
    # 双葉町: the source has no figure ("-"), so it stays unknown, never guessed.
    futaba = Municipality.objects.get(code="075469")
    assert futaba.population is None and futaba.population_as_of is None
    # Re-importing the same file changes nothing.
    assert "更新: 0件" in _run(POPULATION)


def test_the_shipped_table_adds_up_per_prefecture():
    rows = [line.split(",") for line in POPULATION.read_text(encoding="utf-8").splitlines()[3:]]
    assert len(rows) == 1787
    by_code = {code: int(number) for code, _name, number in rows}
    prefectures = [code for code in by_code if code[2:5] == "000"]
    assert len(prefectures) == 47
    for prefecture in prefectures:
        members = (
            sum(n for code, n in by_code.items() if code[:2] == prefecture[:2])
            - by_code[prefecture]
        )
        assert members == by_code[prefecture], prefecture
    assert sum(by_code[code] for code in prefectures) == 126_226_568  # 全国 (速報値)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("011001,札幌市,1975065", "5: 団体コード「011001」は6桁の正しい地方公共団体コード"),
        ("011002,札幌市,1,975,065", "5: 列の数が見出し"),
        ("011002,札幌市,約200万", "5: 人口「約200万」は1以上の整数"),
        ("011002,札幌市,０１", "5: 人口「０１」は1以上の整数"),
        ("011002,札幌市,0", "5: 人口「0」は1以上の整数"),
    ],
)
def test_a_bad_row_is_refused_naming_file_and_line_and_nothing_is_written(tmp_path, row, message):
    _import_master()
    path = _write(tmp_path, ["141003,横浜市,3778318", row])
    with pytest.raises(CommandError) as refused:
        _run(path)
    assert f"{path}:" in str(refused.value) and message in str(refused.value)
    assert "何も書き込んでいません" in str(refused.value)
    assert Municipality.objects.filter(population__isnull=False).count() == 0


@pytest.mark.django_db
def test_unknown_and_duplicate_codes_and_a_missing_header_are_refused(tmp_path):
    _import_master()
    Municipality.objects.filter(code="144029").delete()
    with pytest.raises(CommandError, match=r":4: 団体コード 144029 は団体マスタにありません"):
        _run(_write(tmp_path, ["144029,清川村,3038"]))
    with pytest.raises(
        CommandError, match=r":5: 団体コード 141003 が重複しています（4行目と同じ）"
    ):
        _run(_write(tmp_path, ["141003,横浜市,1", "141003,横浜市,2"]))
    with pytest.raises(CommandError, match="# source: …"):
        _run(_write(tmp_path, ["141003,横浜市,1"], header="# as_of: 2020-10-01\n"))
    assert Municipality.objects.filter(population__isnull=False).count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    _import_master()
    assert "【確認のみ】" in _run(POPULATION, "--dry-run")
    assert Municipality.objects.filter(population__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("kind", "population", "band"),
    [
        ("city", 49_999, "city_1"),
        ("city", 50_000, "city_2"),
        ("city", 99_999, "city_2"),
        ("city", 100_000, "city_3"),
        ("city", 150_000, "city_4"),
        ("town", 4_999, "town_village_1"),
        ("village", 5_000, "town_village_2"),
        ("town", 10_000, "town_village_3"),
        ("town", 15_000, "town_village_4"),
        ("village", 20_000, "town_village_5"),
        ("designated_city", 3_778_318, "designated_city"),
        ("core_city", None, "core_city"),
        ("former_special_city", 200_000, "former_special_city"),
        ("special_ward", 66_758, "special_ward"),
        ("prefecture", None, "prefecture"),
    ],
)
def test_size_band_follows_the_ruiji_dantai_population_steps(kind, population, band):
    assert size_band(kind, population).code == band


def test_a_city_town_or_village_without_population_has_no_band():
    assert size_band("city", None) is None
    assert size_band("town", None) is None
    assert len(BAND_CODES) == 14


def test_the_overview_shows_population_its_date_source_and_band(client, personas):
    from django.urls import reverse

    body = personas.municipality_a
    url = reverse("municipalities:overview", kwargs={"code": body.code})
    client.force_login(personas.coordinator_a)
    page = client.get(url).content.decode()
    assert "人口規模区分（類似団体区分の人口段階）" in page and "不明" in page
    body.kind, body.population = "town", 9_876
    body.population_as_of = datetime.date(2020, 10, 1)
    body.population_source = "総務省統計局「令和2年国勢調査 人口速報集計」"
    body.save()
    page = client.get(url).content.decode()
    assert "9,876人（2020年10月1日（令和2年10月1日）現在、出典: 総務省統計局" in page
    assert "町村 II（5千人以上1万人未満）" in page
