"""The apps are layers whose imports point down only: recommendations.webhooks (an app of its
own inside recommendations' package) → recommendations → inspections → communes, with config/
(the project) and bench/ (`make bench`'s tooling) above them all. Read from the source (the
AST of every module of the apps), so an import added anywhere, even inside a function, is
seen; and an app reaching up without an import, by naming a higher app's URL
("recommendations:home") or model ("recommendations.recommendation") in a string, is seen
too."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"communes": 0, "inspections": 1, "recommendations": 2, "recommendations.webhooks": 3}
# Above every app: the project, which assembles them, and the benchmark's tooling.
ABOVE_THE_APPS = ("config", "bench")
# What strings name each app by: its app label (a model's "label.model", apps.get_model's
# first argument) and its URL namespaces (recommendations' API is "api").
LABELS = {"communes": "communes", "inspections": "inspections",
          "recommendations": "recommendations", "recommendations.webhooks": "webhooks"}
NAMESPACES = {"communes": (), "inspections": ("inspections",),
              "recommendations": ("recommendations", "api"),
              "recommendations.webhooks": ("webhooks",)}


def layer_of(module):
    """The app of a dotted module name: the longest of LAYERS it is in, or None."""
    apps = [app for app in LAYERS if module == app or module.startswith(app + ".")]
    return max(apps, key=len) if apps else None


def level(target):
    """How high `target` (an app of LAYERS, or one of ABOVE_THE_APPS) stands."""
    return LAYERS.get(target, len(LAYERS))


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
                target = layer_of(name) or next(
                    (above for above in ABOVE_THE_APPS
                     if name == above or name.startswith(above + ".")), None)
                if target is not None:
                    yield app, f"{path.relative_to(ROOT)}:{line}", target, top


def test_imports_point_down_only():
    upward = [f"{where} imports {target}" for app, where, target, _top in project_imports()
              if level(target) > level(app)]
    assert upward == []


def test_no_function_local_import_of_the_project():
    """A local import is how a cycle hides; only AppConfig.ready() (Django requires it) and
    data migrations (which run the code of their day) import late."""
    local = [f"{where} imports {target}" for _app, where, target, top in project_imports()
             if not top and "/apps.py:" not in where and "/migrations/" not in where]
    assert local == []


# Naming a higher app by string ---------------------------------------------------------------


def _higher(app):
    return [other for other in LAYERS if LAYERS[other] > LAYERS[app]]


def _docstrings(tree):
    """The docstrings of a module, its classes and functions: prose, which may name any app."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                yield body[0].value


def names_reaching_up(path: Path, app: str) -> list[str]:
    """Where the module (or template) at `path`, of `app`, names a higher app by string:
    a URL of its namespaces (`reverse("recommendations:home")`, `redirect(...)`, `{% url
    'recommendations:home' %}`, an f-string's "recommendations:{name}"), a model by its label
    ("recommendations.recommendation", a ForeignKey's "recommendations.Response"), or the
    app's label alone (`apps.get_model("recommendations", "Recommendation")`, a list of
    labels). As "line: string"; docstrings and comments are prose, and left out."""
    higher = _higher(app)
    if not higher:
        return []
    namespaces = "|".join(re.escape(ns) for other in higher for ns in NAMESPACES[other])
    labels = "|".join(re.escape(LABELS[other]) for other in higher)
    url = re.compile(rf"(?:{namespaces}):[\w-]*$")
    model = re.compile(rf"(?:{labels})(?:\.\w*)?$")
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        tag = re.compile(rf"""{{%\s*url\s+["']((?:{namespaces}):[\w-]*)""")
        return [f"{text.count(chr(10), 0, found.start()) + 1}: {found[1]}"
                for found in tag.finditer(text)]
    tree = ast.parse(text)
    prose = {id(node) for node in _docstrings(tree)}
    strings = sorted((node for node in ast.walk(tree)
                      if isinstance(node, ast.Constant) and isinstance(node.value, str)
                      and id(node) not in prose),
                     key=lambda node: (node.lineno, node.col_offset))
    return [f"{node.lineno}: {node.value}" for node in strings
            if url.match(node.value) or model.match(node.value)]


def app_files(app):
    """The modules of `app` and the templates inside its package (the portal's templates
    are shared, at the top level), but for its migrations, which run the code of their day."""
    for path in sorted((ROOT / app.replace(".", "/")).rglob("*")):
        relative = path.relative_to(ROOT)
        module = ".".join(relative.with_suffix("").parts)
        if (path.suffix in (".py", ".html", ".txt") and layer_of(module) == app
                and "migrations" not in relative.parts):
            yield path


def test_no_app_names_a_higher_apps_urls_or_models():
    named = [f"{path.relative_to(ROOT)}:{found}" for app in LAYERS for path in app_files(app)
             for found in names_reaching_up(path, app)]
    assert named == []


BAD_MODULE = '''"""A module of inspections that reaches up: "recommendations:home" in a docstring is
prose, and not counted."""
from django.apps import apps
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse


def page(request, pk, name):
    if pk:
        return redirect("recommendations:session_detail", pk=pk)
    return redirect(reverse(f"recommendations:{name}"))


def follow_up_link():
    return reverse("api:docs")


class Note(models.Model):
    item = models.ForeignKey("recommendations.Recommendation", on_delete=models.CASCADE)


WATCHED = {"recommendations.digestsent", "inspections.session"}
Recommendation = apps.get_model("recommendations", "Recommendation")
'''


def test_the_check_refuses_a_url_name_or_model_label_reaching_up(tmp_path):
    """Not vacuous: a lower app's module naming a higher app's URLs and models fails it, and
    its own names (inspections.session, for inspections) do not."""
    module = tmp_path / "bad.py"
    module.write_text(BAD_MODULE, encoding="utf-8")
    assert names_reaching_up(module, "inspections") == [
        "11: recommendations:session_detail", "12: recommendations:",
        "16: api:docs", "20: recommendations.Recommendation",
        "23: recommendations.digestsent", "24: recommendations",
    ]
    # The same module is recommendations' own business one layer up (but for the webhooks'
    # names, which are higher still).
    assert names_reaching_up(module, "recommendations") == []
    template = tmp_path / "bad.html"
    template.write_text('<a href="{% url "inspections:round_list" %}">\n'
                        "<a href=\"{% url 'recommendations:home' %}\">", encoding="utf-8")
    assert names_reaching_up(template, "inspections") == ["2: recommendations:home"]
    assert names_reaching_up(template, "communes") == [
        "1: inspections:round_list", "2: recommendations:home"]


@pytest.mark.parametrize("app", LAYERS)
def test_every_app_has_the_same_skeleton(app):
    for part in ("models.py", "admin.py", "urls.py", "services.py", "queries.py", "views"):
        if app == "communes" and part in ("urls.py", "views", "queries.py"):
            continue  # reference data and shared pieces: no pages of its own
        path = ROOT / app.replace(".", "/") / part
        # A module grown past ~500 lines becomes a package of the same name (services/).
        package = path.with_suffix("") / "__init__.py"
        assert path.exists() or package.exists(), f"{app}/{part}"
