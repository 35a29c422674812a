from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _sign_in
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round


def test_the_benchmark_page_offers_the_groups_and_shows_the_chosen_table(
    page, personas, live_server, assert_accessible
):
    edition = make_edition(indicators=2, areas=2)
    body = personas.municipality_a
    body.kind, body.population = "town", 7_000
    body.save()
    own = make_round(body, edition, personas.coordinator_a, 50.0)
    for n, score in enumerate([10.0, 20.0, 30.0, 40.0]):
        make_round(
            MunicipalityFactory(name=f"比較町{n}", kind="town", population=6_000 + n),
            edition,
            personas.admin,
            score,
        )
    _sign_in(page, personas.coordinator_a)
    page.goto(reverse("benchmarks:benchmark", kwargs={"code": body.code, "round_id": own.pk}))

    expect(page.locator("table[data-group]")).to_have_count(4)
    choice = page.get_by_label("比べるグループ")
    choice.select_option(label="同じ人口規模区分（町村 II（5千人以上1万人未満））")
    page.get_by_role("button", name="表示する").click()

    tables = page.locator("table[data-group]")
    expect(tables).to_have_count(1)
    expect(tables.first.locator("caption")).to_have_text(
        "同じ人口規模区分（町村 II（5千人以上1万人未満））との比較（結果のある団体 5団体）"
    )
    expect(page.locator('[data-group-definition="size"]')).to_contain_text(
        "結果のある団体は5団体です。"
    )
    overall = tables.first.get_by_role("row").nth(1)
    expect(overall.get_by_role("cell")).to_have_text(
        ["50.0", "20.0", "30.0", "40.0", "5団体中 1位"]
    )
    expect(choice).to_have_value("size")
    assert_accessible()
