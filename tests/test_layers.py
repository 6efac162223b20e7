"""The layers' direction, read from the source: core <- lesson <- production <- cli, and the manim
side (``scenes``) on top of core and lesson only.

The import graph is built with ``ast`` from every module of ``sigsat`` and ``scenes``, imports
inside functions included (a function-level import is still a dependency, only a later one), so a
cycle cannot hide behind one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sigsat", "scenes")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module named by an import statement anywhere in ``tree`` (absolute names; ``from x
    import y`` counts as importing ``x.y`` too, which is a module or a name in ``x``)."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of ``sigsat``/``scenes`` and the third-party top-level packages it
    imports. A name that is not a module of ours (``from x import function``) resolves to ``x``."""
    files = {module_name(p, root): p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")
             if "__pycache__" not in p.parts}
    graph = {}
    for name, path in files.items():
        found = imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        edges = set()
        for target in found:
            while target and target.split(".")[0] in PACKAGES and target not in files:
                target = target.rpartition(".")[0]   # a name inside a module
            if target and target != name:
                edges.add(target if target.split(".")[0] in PACKAGES else target.split(".")[0])
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among our modules (a package's ``__init__`` importing its own submodule
    is not one), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph or nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(module: str) -> str:
    """``core``, ``lesson``, ``production``, ``cli``, ``root`` (``sigsat`` itself) or ``scenes``."""
    parts = module.split(".")
    if parts[0] == "scenes":
        return "scenes"
    return parts[1] if len(parts) > 1 else "root"


#: layer -> the layers (and third-party packages) it must not import
FORBIDDEN = {
    "root": {"core", "lesson", "production", "cli", "scenes", "manim", "manim_voiceover", "manim_slides"},
    "core": {"lesson", "production", "cli", "root", "scenes", "manim", "manim_voiceover", "manim_slides"},
    "lesson": {"production", "cli", "scenes", "manim", "manim_voiceover", "manim_slides"},
    "production": {"cli", "scenes", "manim", "manim_voiceover"},
    "scenes": {"production", "cli"},
}


def violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in sorted(graph.items()):
        forbidden = FORBIDDEN.get(layer(module), set())
        for target in sorted(targets):
            ours = target.split(".")[0] in PACKAGES
            if (layer(target) if ours else target) in forbidden:
                bad.append(f"{module} imports {target}")
    return bad


def test_the_real_tree_has_no_cycle_and_no_wrong_way_import():
    graph = import_graph()
    assert {"sigsat.core.problems", "sigsat.lesson.lecture", "sigsat.production.pipeline",
            "sigsat.cli", "scenes.voice"} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))
    assert violations(graph) == []


def test_core_imports_numpy_only():
    graph = import_graph()
    core = {t for m, ts in graph.items() if layer(m) == "core" for t in ts}
    assert {t for t in core if not t.startswith("sigsat.core")} <= {"numpy", "dataclasses", "decimal",
                                                                     "typing", "__future__", "math"}


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for pkg in ("sigsat", "sigsat/core", "sigsat/lesson", "sigsat/production", "scenes"):
        (tmp_path / pkg).mkdir(parents=True, exist_ok=True)
        (tmp_path / pkg / "__init__.py").touch()
    return tmp_path


@pytest.mark.parametrize("files, wrong", [
    # a cycle hidden in a function, as pipeline -> gallery -> slides -> pipeline once was
    ({"sigsat/production/a.py": "from . import b\n",
      "sigsat/production/b.py": "def f():\n    from .a import x\n"}, "cycle"),
    ({"sigsat/core/m.py": "from ..lesson import display\n", "sigsat/lesson/display.py": ""}, "sigsat.core.m imports sigsat.lesson.display"),
    ({"sigsat/lesson/m.py": "def f():\n    from sigsat.production import keys\n",
      "sigsat/production/keys.py": ""}, "sigsat.lesson.m imports sigsat.production.keys"),
    ({"sigsat/lesson/m.py": "import sigsat.cli\n", "sigsat/cli.py": ""}, "sigsat.lesson.m imports sigsat.cli"),
    ({"scenes/s.py": "from sigsat.production.pipeline import stem\n",
      "sigsat/production/pipeline.py": ""}, "scenes.s imports sigsat.production.pipeline"),
    ({"sigsat/lesson/m.py": "def f():\n    import manim\n"}, "sigsat.lesson.m imports manim"),
    ({"sigsat/core/m.py": "from manim import Scene\n"}, "sigsat.core.m imports manim"),
])
def test_each_rule_fails_on_a_tree_that_breaks_it(tmp_path, files, wrong):
    graph = import_graph(_tree(tmp_path, files))
    if wrong == "cycle":
        assert find_cycle(graph) is not None
    else:
        assert wrong in violations(graph)


def test_a_tree_that_keeps_the_rules_passes(tmp_path):
    graph = import_graph(_tree(tmp_path, {
        "sigsat/core/m.py": "import numpy\n", "sigsat/lesson/l.py": "from ..core import m\n",
        "sigsat/production/p.py": "from ..lesson import l\nfrom ..core.m import x\n",
        "sigsat/cli.py": "def f():\n    from .production import p\n",
        "scenes/s.py": "from manim import Scene\nfrom sigsat.lesson import l\n"}))
    assert find_cycle(graph) is None and violations(graph) == []
