"""``newscrawl demo``: a crawl of the bundled mirror, ending with the commands to try next."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl import cli

SCRIPT = Path(sys.executable).parent / "newscrawl"


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_demo_ends_with_the_next_commands_on_its_archive(tmp_path: Path) -> None:
    # Not on the PATH: the commands name the script by the path it was run with.
    env = {**os.environ, "PATH": os.defpath}
    result = run([str(SCRIPT), "demo", "--db", "my archive.db"], tmp_path, env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""  # the crawl at its default level: a good run says nothing
    program = shlex.quote(str(SCRIPT))
    assert result.stdout.splitlines()[-5:] == [
        "Archive my archive.db: 52 articles, 132 tags, 56 captions, 325 links, 10 breaking, 1 crawl_runs",
        "Try next:",
        f"  {program} stats --db 'my archive.db'",
        f"  {program} search --db 'my archive.db' gaza",
        f"  {program} serve --db 'my archive.db'",
    ]
    # The commands it prints work as printed (serve runs until stopped: its options are checked).
    for line in result.stdout.splitlines()[-3:-1]:
        tried = run(shlex.split(line), tmp_path, env)
        assert (tried.returncode, tried.stderr) == (0, ""), line
    searched = run([*shlex.split(result.stdout.splitlines()[-2]), "--json"], tmp_path, env)
    assert searched.returncode == 0, searched.stderr
    assert len(searched.stdout.splitlines()) == 10  # the default --limit: gaza is in more articles than that
    serve = cli.build_parser().parse_args(shlex.split(result.stdout.splitlines()[-1])[1:])
    assert (serve.command, serve.db) == ("serve", Path("my archive.db"))


def test_next_commands_quote_the_archive_path() -> None:
    assert cli.next_commands(Path("data/archive.db"), "newscrawl") == [
        "Try next:",
        "  newscrawl stats --db data/archive.db",
        "  newscrawl search --db data/archive.db gaza",
        "  newscrawl serve --db data/archive.db",
    ]
    assert (
        cli.next_commands(Path("it's here.db"), ".venv/bin/newscrawl")[1]
        == "  .venv/bin/newscrawl stats --db 'it'\"'\"'s here.db'"
    )


@pytest.mark.parametrize(
    ("argv0", "on_path", "shown"),
    [
        ("SCRIPT", True, "newscrawl"),  # as the user typed it
        ("SCRIPT", False, "venv/bin/newscrawl"),  # relative to the current folder
        ("bin/newscrawl-elsewhere", False, "newscrawl"),  # not the console script (python -m newscrawl.cli)
        ("/opt/my tools/newscrawl", False, "'/opt/my tools/newscrawl'"),  # outside the current folder
    ],
)
def test_the_command_is_shown_as_it_can_be_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv0: str, on_path: bool, shown: str
) -> None:
    script = tmp_path / "venv" / "bin" / "newscrawl"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(script.parent) if on_path else str(tmp_path / "nothing"))
    monkeypatch.setattr(sys, "argv", [str(script) if argv0 == "SCRIPT" else argv0, "demo"])
    assert cli._program() == shown
