"""The house rules of the code's shape that a reviewer would otherwise check by hand."""
from __future__ import annotations

import ast
from pathlib import Path

import webapp

ROOT = Path(webapp.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_at_load(path: Path) -> set[str]:
    """The webapp modules `path` imports when it is loaded (module level, not inside functions)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module or "").split(".")]).strip(".") if node.module else ".".join(base)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("webapp")}


def test_no_module_imports_back_a_module_that_imports_it():
    """A blueprint lives where its views import it from, and nothing imports the views back (DESIGN.md)."""
    modules = {module_name(path): path for path in ROOT.rglob("*.py")}
    graph = {name: imports_at_load(path) & modules.keys() for name, path in modules.items()}
    cycles = sorted({tuple(sorted((a, b))) for a, targets in graph.items() for b in targets
                     if a != b and a in graph.get(b, ())})
    assert cycles == []


def test_modules_stay_under_six_hundred_lines():
    """~500 lines is the rule; past 600 a module has more than one purpose and splits."""
    long = {module_name(p): n for p in ROOT.rglob("*.py") if (n := len(p.read_text().splitlines())) > 600}
    assert long == {}
