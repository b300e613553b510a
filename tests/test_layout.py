"""The project's layering, read from its imports: the spiders sit on top, and nothing below them
imports from them (issue 16: modules below the spiders never import from ``spiders/``); no two
modules import each other, however roundabout the way, nor two places (the top-level folders and
modules of ``newscrawl/``); and no module grows past 800 lines."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Mapping

PACKAGE = Path(__file__).resolve().parent.parent / "newscrawl"


def imported(path: Path) -> set[str]:
    """The ``newscrawl`` modules a source file imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("newscrawl"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newscrawl"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_imported_reads_every_form_of_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "import newscrawl.spiders\nfrom newscrawl import spiders\ndef f():\n    from newscrawl.spiders.news import X\n"
    )
    assert {"newscrawl.spiders", "newscrawl.spiders.news"} <= imported(source)


@pytest.mark.parametrize(
    "path",
    [path for path in sorted(PACKAGE.rglob("*.py")) if "spiders" not in path.relative_to(PACKAGE).parts],
    ids=lambda path: str(path.relative_to(PACKAGE)),
)
def test_modules_below_the_spiders_never_import_them(path: Path) -> None:
    spiders = {name for name in imported(path) if name == "newscrawl.spiders" or name.startswith("newscrawl.spiders.")}
    assert not spiders, f"{path.relative_to(PACKAGE)} imports {sorted(spiders)}"


def module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    """The dotted name of a source file below ``root`` (a package's ``__init__`` is the package)."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_in(package: Path) -> dict[str, Path]:
    """The modules of a package and its subpackages by dotted name."""
    return {module_name(path, package.parent): path for path in sorted(package.rglob("*.py"))}


MODULES = modules_in(PACKAGE)


def imported_modules(path: Path, modules: Mapping[str, Path] = MODULES, root: Path = PACKAGE.parent) -> set[str]:
    """The modules of ``modules`` a source file imports, by every import statement at any depth of
    its code (``if TYPE_CHECKING:`` blocks and function bodies too), relative imports resolved:
    ``from pkg import name`` imports the module ``pkg.name`` where there is one, else ``pkg``."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(full if (full := f"{base}.{alias.name}") in modules else base)
    return found & modules.keys()


def import_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (module → the modules it imports) as the modules along it, the first
    one repeated at the end; ``None`` where there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if cycle := visit(target):
                return cycle
        path.pop()
        done.add(module)
        return None

    return next((cycle for module in sorted(graph) if (cycle := visit(module))), None)


def test_imported_modules_resolves_every_form_of_import(tmp_path: Path) -> None:
    package = tmp_path / "newscrawl"
    (package / "sub").mkdir(parents=True)
    for name in ("__init__", "a", "b", "c", "d", "unused", "sub/__init__", "sub/e", "sub/f"):
        (package / f"{name}.py").touch()
    source = package / "sub" / "g.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nimport json\nimport newscrawl.a\nfrom newscrawl import b, function\n"
        "if TYPE_CHECKING:\n    from newscrawl.c import C\n"
        "def f():\n    from . import e\n    from .f import g\n    from ..d import h\n    from .. import sub\n"
    )
    found = imported_modules(source, modules_in(package), tmp_path)
    assert found == {
        "newscrawl", "newscrawl.a", "newscrawl.b", "newscrawl.c", "newscrawl.d",
        "newscrawl.sub", "newscrawl.sub.e", "newscrawl.sub.f",
    }  # fmt: skip


def test_import_cycle_names_the_modules_along_it() -> None:
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c", "b"]
    assert import_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_among_the_modules() -> None:
    cycle = import_cycle({name: imported_modules(path) for name, path in MODULES.items()})
    assert cycle is None, f"import cycle: {' -> '.join(cycle)}"


def place_of(module: str) -> str:
    """The place a module belongs to: its top-level folder of ``newscrawl/``, or itself for a
    module at the top (``newscrawl.crawl.pagework`` -> ``newscrawl.crawl``)."""
    return ".".join(module.split(".")[:2])


def place_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """``graph`` (module -> the modules it imports) between places: each place -> the other
    places its modules import."""
    places: dict[str, set[str]] = {}
    for module, targets in graph.items():
        here = place_of(module)
        places.setdefault(here, set()).update(place for target in targets if (place := place_of(target)) != here)
    return places


@pytest.mark.parametrize(
    ("module", "place"),
    [
        ("newscrawl.crawl.pagework", "newscrawl.crawl"),
        ("newscrawl.sites.almayadeen.page", "newscrawl.sites"),
        ("newscrawl.pagereading", "newscrawl.pagereading"),
        ("newscrawl", "newscrawl"),
    ],
)
def test_place_of(module: str, place: str) -> None:
    assert place_of(module) == place


def test_place_graph_joins_a_folders_modules_and_drops_imports_within_it() -> None:
    graph = {
        "newscrawl.a.x": {"newscrawl.a.y", "newscrawl.b.z"},
        "newscrawl.a.y": {"newscrawl.top"},
        "newscrawl.b.z": {"newscrawl.a.y"},
        "newscrawl.top": set(),
    }
    places = place_graph(graph)
    assert places == {"newscrawl.a": {"newscrawl.b", "newscrawl.top"}, "newscrawl.b": {"newscrawl.a"}, "newscrawl.top": set()}
    # no two modules import each other, but two folders do
    assert import_cycle(graph) is None
    assert import_cycle(places) == ["newscrawl.a", "newscrawl.b", "newscrawl.a"]


def test_no_two_places_import_each_other() -> None:
    cycle = import_cycle(place_graph({name: imported_modules(path) for name, path in MODULES.items()}))
    assert cycle is None, f"places that import each other: {' -> '.join(cycle)}"


def test_no_module_over_800_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): n for path in MODULES.values() if (n := len(path.read_text().splitlines())) > 800
    }
    assert not long, f"modules over 800 lines: {long}"
