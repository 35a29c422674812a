"""Apps import each other in one direction only, and never each other's private names.

The layers, lowest first: a module may import from its own app and from apps
before it in LAYERS. The few imports against that direction are listed in
ALLOWED_UPWARD with the reason; any other is a new dependency cycle in the
making and fails here. Generic helpers live in dxportal/ (downloads,
spreadsheet-safe text, localized catalogue text, calendar), which imports no app.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "dxportal",
    "audit",
    "municipalities",
    "accounts",
    "frameworks",
    "assessments",
    "results",
    "opendata",
    "plans",
    "reports",
    "exports",
    "portal",
]
# The project package wires everything together; only these of its modules may.
WIRING = {"dxportal.urls", "dxportal.settings"}

ALLOWED_UPWARD = {
    # Views everywhere scope through the one access layer.
    ("audit.views", "accounts.access"),
    ("municipalities.views", "accounts.access"),
    # The coordinator's people page is served under the municipality's URLs.
    ("municipalities.views_people", "accounts.access"),
    ("municipalities.views_people", "accounts.forms"),
    ("municipalities.views_people", "accounts.models"),
    ("municipalities.views_people", "accounts.people"),
    # Submitting, approving and consolidating refresh the stored scores in the same
    # transaction (a direct call, not a signal: domain flow stays readable).
    ("assessments.coordination", "results.models"),
    ("assessments.coordination", "results.snapshots"),
    ("assessments.submitting", "results.models"),
    ("assessments.submitting", "results.snapshots"),
    # The spread between departments is measured with the scoring rules (pure module).
    ("assessments.reconciliation", "results.scoring"),
    # The dashboard shows the round's action plan.
    ("results.views", "plans.selectors"),
    # The municipality's page links the dashboard of its newest round with results.
    ("municipalities.views", "results.latest"),
    # The area page shows each indicator's suggested answer from open data, whose peer
    # values follow the benchmarks' minimum group size (results).
    ("assessments.views.answering", "opendata.suggestions"),
}


def _imports(path: Path):
    """(imported module, imported names) of every absolute import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def _modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield app, ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def _cross_app_imports():
    for app, module, path in _modules():
        for imported, names in _imports(path):
            top = imported.split(".")[0]
            if top in LAYERS and top != app:
                yield app, module, imported, names


def test_the_checker_sees_the_apps_imports():
    imports = list(_cross_app_imports())
    assert len(imports) > 100
    assert any(m == "results.dashboard" and i == "assessments.models" for _a, m, i, _n in imports)


def test_apps_import_only_downwards():
    upward = sorted(
        (module, imported)
        for app, module, imported, _names in _cross_app_imports()
        if module not in WIRING
        and LAYERS.index(imported.split(".")[0]) > LAYERS.index(app)
        and (module, imported) not in ALLOWED_UPWARD
    )
    assert upward == []


def test_every_allowed_exception_is_still_needed():
    seen = {(module, imported) for _a, module, imported, _n in _cross_app_imports()}
    assert sorted(ALLOWED_UPWARD - seen) == []


def test_no_app_imports_another_apps_private_names():
    private = sorted(
        (module, f"{imported}.{name}")
        for _app, module, imported, names in _cross_app_imports()
        for name in names
        if name.startswith("_")
    )
    assert private == []


def test_generic_helpers_import_no_app():
    leaks = sorted(
        (module, imported)
        for app, module, imported, _names in _cross_app_imports()
        if app == "dxportal" and module not in WIRING
    )
    assert leaks == []
