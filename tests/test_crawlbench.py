"""The crawl throughput benchmark (``benchmarks/crawl.py``): it runs end to end on a tiny site and
checks that the project's spider archived every article. No timing is asserted: the figures are
printed by the benchmark, not tested."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from newscrawl.mirror.server import resolve
from tests.conftest import PROJECT

sys.path.append(str(PROJECT / "benchmarks"))  # after the installed packages: benchmarks/incremental.py must not shadow Twisted's
import crawl  # benchmarks/crawl.py

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["index.html"], ["/"]),
        (["index.html", "news/politics/index.html"], ["/", "/news/politics"]),
        (["news/index.html", "news/index@page=2.html", "index.html"], ["/", "/news", "/news?page=2"]),
        (["robots.txt", "sitemaps/all.xml", "index.html"], ["/", "/robots.txt", "/sitemaps/all.xml"]),
        ([".sitegen", "index.html"], ["/"]),
    ],
)
def test_site_targets_reverse_the_mirror_mapping(tmp_path: Path, files: list[str], expected: list[str]) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    targets = crawl.site_targets(tmp_path)
    assert targets == expected
    served = {target: resolve(tmp_path.resolve(), target) for target in targets}
    names = [name for name in sorted(files, key=_order) if name != ".sitegen"]
    assert {target: path.read_text() if path else None for target, path in served.items()} == dict(
        zip(targets, names, strict=True)
    )


def _order(name: str) -> tuple[bool, str]:
    # site_targets' order: the homepage first, then by path
    return (name != "index.html", name)


@pytest.mark.parametrize("server", ["nginx", "mirror"])
def test_benchmark_runs_and_checks_every_article_archived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    if server == "nginx" and crawl.nginx_binary() is None:
        pytest.skip("nginx is not installed")
    argv = ["--articles", "30", "--repeat", "1", "--prefill", "200", "--keep", str(tmp_path)]
    assert crawl.main(argv + (["--mirror"] if server == "mirror" else [])) == 0
    out = capsys.readouterr().out
    assert ("server: nginx version" in out) == (server == "nginx")
    assert "exited with" not in out
    assert "PASS: (3) archived 30 of the site's 30 articles" in out
    for kind in ("1 fetch", "2 baseline", "3 project", "3 project, 200 archived"):
        assert f"| {kind} | " in out
    assert "ratio (3)/(2) of the median pages/s: " in out
    assert "peak memory of (3), its page workers included = " in out
    project = next(line for line in out.splitlines() if line.startswith("| 3 project | "))
    rss, pss = (float(cell.split(" / ")[-1]) for cell in project.split(" | ")[5:7])
    assert 20 < pss <= rss  # sampled from /proc: the crawl and its workers
    assert "against 200 archived articles (3) costs " in out
    # the baseline stored every article page it fetched; the prefilled run archived the site's 30 too
    baseline = next(line for line in out.splitlines() if line.startswith("| 2 baseline | "))
    assert baseline.startswith("| 2 baseline | 74 / 74 / 74 | ")
    assert baseline.endswith("| 30 / 30 / 30 |")
    assert out.count(", 30 new articles") == 2
