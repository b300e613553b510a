"""The project's layering, read from its imports: the spiders sit on top, and nothing below them
imports from them (issue 16: modules below the spiders never import from ``spiders/``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
