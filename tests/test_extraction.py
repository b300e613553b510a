"""``newscrawl extract --batch``'s second process: the same output as one process, and a worker
that dies is replaced without losing the page."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newscrawl.extract.document import Page
from newscrawl.extract.maintext import fast_main_text, is_doubtful, main_text
from newscrawl.extraction import extract_article, main_text_pool

URL = "https://news.example/world/2024/05/30/a-long-story-about-things"
STORY = (
    "<html><head><title>Harbour strike ends after talks</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Harbour strike ends after talks</h1>"
    + "".join(f"<p>Paragraph {i}: the dockers and the port authority agreed on pay after a week of talks.</p>" for i in range(6))
    + "</article><footer>© News Example</footer></body></html>"
)


def test_worker_gives_what_one_process_gives() -> None:
    with main_text_pool() as pool:
        lines = pool.submit((STORY, URL))
        assert lines() == fast_main_text(STORY, URL) == main_text(Page.from_html(STORY, URL))
        assert is_doubtful(Page.from_html(STORY, URL))  # a short text: the worker is asked for it
        assert extract_article(STORY, URL, pool=pool) == extract_article(STORY, URL)
    assert "Paragraph 0: the dockers and the port authority agreed on pay after a week of talks." in lines()


def test_a_dead_worker_is_replaced_and_its_page_done_here() -> None:
    with main_text_pool() as pool:
        assert pool.submit((STORY, URL))()  # the worker is up
        pending = pool.submit((STORY, URL))
        (child,) = pool.pids
        os.kill(child, signal.SIGKILL)
        while Path(f"/proc/{child}/stat").read_text().split(")")[-1].split()[0] != "Z":  # not yet dead
            time.sleep(0.01)
        assert pending() == fast_main_text(STORY, URL)  # done here (unless answered before it died)
        assert pool.submit((STORY, URL))() == fast_main_text(STORY, URL)
        assert pool.pids != [child]
        assert pool.submit((STORY, URL))() == fast_main_text(STORY, URL)  # by a new worker


def test_batch_output_equals_single_page_output(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(STORY, encoding="utf-8")
    command = [sys.executable, "-m", "newscrawl.cli", "extract"]
    single = subprocess.run([*command, "--url", URL, str(page)], capture_output=True, text=True, timeout=60, check=True)
    batch = subprocess.run(
        [*command, "--batch"], input=json.dumps({"url": URL, "file": str(page)}) + "\n", capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(batch.stdout) == json.loads(single.stdout)
    assert "Paragraph 5" in json.loads(single.stdout)["body"]
