"""The apps are layers whose imports point down only: recommendations.webhooks (an app of its
own inside recommendations' package) → recommendations → inspections → communes. Read from the
source (the AST of every module of the apps), so an import added anywhere, even inside a
function, is seen."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"communes": 0, "inspections": 1, "recommendations": 2, "recommendations.webhooks": 3}


def layer_of(module):
    """The app of a dotted module name: the longest of LAYERS it is in, or None."""
    apps = [app for app in LAYERS if module == app or module.startswith(app + ".")]
    return max(apps, key=len) if apps else None


def modules(app):
    for path in sorted((ROOT / app.replace(".", "/")).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if layer_of(module) == app:  # recommendations' modules, not its webhooks app's
            yield path, module


def imported(path, module):
    """(imported module, line, at module level) for each import of `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in top_level


def project_imports():
    for app in LAYERS:
        for path, module in modules(app):
            for name, line, top in imported(path, module):
                target = layer_of(name)
                if target is not None:
                    yield app, f"{path.relative_to(ROOT)}:{line}", target, top


def test_imports_point_down_only():
    upward = [f"{where} imports {target}" for app, where, target, _top in project_imports()
              if LAYERS[target] > LAYERS[app]]
    assert upward == []


def test_no_function_local_import_of_the_project():
    """A local import is how a cycle hides; only AppConfig.ready() (Django requires it) and
    data migrations (which run the code of their day) import late."""
    local = [f"{where} imports {target}" for _app, where, target, top in project_imports()
             if not top and "/apps.py:" not in where and "/migrations/" not in where]
    assert local == []


@pytest.mark.parametrize("app", LAYERS)
def test_every_app_has_the_same_skeleton(app):
    for part in ("models.py", "admin.py", "urls.py", "services.py", "queries.py", "views"):
        if app == "communes" and part in ("urls.py", "views", "queries.py"):
            continue  # reference data and shared pieces: no pages of its own
        assert (ROOT / app.replace(".", "/") / part).exists(), f"{app}/{part}"
