"""The Arabic and Spanish fixture mirrors (``fixtures/site-ar``, ``fixtures/site-es``): generated,
checked, and served at their real (percent-encoded) URLs. Crawl tests of these editions come
with their extraction."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawl.mirror.server import Mirror
from newscrawl.urls import canonical

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _expected(edition: str) -> dict[str, dict[str, object]]:
    folder = FIXTURES / f"expected-{edition}"
    return {
        path.relative_to(folder).with_suffix("").as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.json"))
        if path.name != "ticker.json"
    }


@pytest.mark.parametrize("edition", ["ar", "es"])
def test_edition_mirror_matches_its_generator_and_checks(edition: str) -> None:
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "build.py"), "--edition", edition, "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("edition", ["ar", "es"])
def test_every_expected_article_is_served_at_its_canonical_url(edition: str) -> None:
    expected = _expected(edition)
    assert len(expected) >= 15
    with Mirror(FIXTURES / f"site-{edition}") as base_url:
        for item in expected.values():
            url = str(item["url"])
            assert canonical(url) == url
            parts = urlsplit(url)
            with urllib.request.urlopen(base_url + parts.path) as response:
                assert response.status == 200
                assert str(item["headline"]) in response.read().decode()


def test_the_words_the_search_tests_rely_on_are_in_their_articles() -> None:
    arabic = _expected("ar")
    rebuild = arabic["news/economic/مجلس-الجنوب-يطلق-خطة-لإعمار-القرى-الحدودية"]
    assert "إِعْمَارِ" in str(rebuild["body"])  # diacritics and a hamza alef: found by «اعمار»
    hospital = arabic["news/health/إعادة-تشغيل-مستشفى-حلب-الجامعي-بعد-ترميم-أقسامه"]
    assert "مستشفى" in str(hospital["headline"])  # alef maqsura: found by «مستشفي»
    spanish = _expected("es")
    assert "educación" in str(
        spanish["noticias/tecnologia/2044012/china-lleva-la-inteligencia-artificial-a-las-escuelas-rurale"]["body"]
    )
    assert [key for key, item in spanish.items() if "educación" in str(item["body"])] == [
        "noticias/tecnologia/2044012/china-lleva-la-inteligencia-artificial-a-las-escuelas-rurale"
    ]
