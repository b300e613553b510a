"""Table tests of the pure cleaning functions."""

from __future__ import annotations

import pytest

from newscrawl import processors as p


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Russian intel\n reveals\u00a0US  ", "Russian intel reveals US"),
        ("\u200bBREAKING\ufeff", "BREAKING"),
        ("   ", None),
        (None, None),
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    assert p.clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Al Mayadeen English", ["Al Mayadeen English"]),
        ("by  Jane Doe", ["Jane Doe"]),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe jane@example.com", ["Jane Doe"]),
        ("By Jane Doe Updated 13 Nov 2023", ["Jane Doe"]),
        ("Written by: Mohammad Hammoud", ["Mohammad Hammoud"]),
        ("Byron Smith", ["Byron Smith"]),
        ("Von Monika Bolliger und Anna Trechsel", ["Monika Bolliger", "Anna Trechsel"]),
        ("Trine Juncher Jørgensen og Tôrtia Reimer-Johansen", ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"]),
        ("Elena Oberholzer (obe) · Oliver Maksan (oma)", ["Elena Oberholzer", "Oliver Maksan"]),
        ("par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Andrea Rossi e Bianca Neri", ["Andrea Rossi", "Bianca Neri"]),
        ("Vondrak Ewa", ["Vondrak Ewa"]),
        ("By", []),
        (None, []),
    ],
)
def test_split_authors(raw: str | None, expected: list[str]) -> None:
    assert p.split_authors(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Source: TASS", "TASS"),
        ("source:  Agencies ", "Agencies"),
        ("Sources: Al Mayadeen + Agencies", "Al Mayadeen + Agencies"),
        ("Reuters", "Reuters"),
        ("", None),
    ],
)
def test_parse_source(raw: str, expected: str | None) -> None:
    assert p.parse_source(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5 Shares", 5),
        ("1.2K Shares", 1200),
        ("1,234 shares", 1234),
        ("4 Min Read", 4),
        ("12 Minutes read", 12),
        ("2M views", 2_000_000),
        ("Shares", None),
        (7, 7),
        (None, None),
    ],
)
def test_parse_count(raw: str | int | None, expected: int | None) -> None:
    assert p.parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Palestinians evacuate a wounded man following an Israeli airstrike in Khan Younis refugee camp, southern Gaza "
            "Strip, Monday, Nov. 13, 2023 (AP Photo/Mohammed Dahman)",
            (
                "Palestinians evacuate a wounded man following an Israeli airstrike in Khan Younis refugee camp, southern "
                "Gaza Strip, Monday, Nov. 13, 2023",
                "AP Photo/Mohammed Dahman",
            ),
        ),
        ("A crowd in Gaza, 2023. (AP Photo/Mohammed Dahman)", ("A crowd in Gaza, 2023.", "AP Photo/Mohammed Dahman")),
        ("Smoke rises over the city [AFP]", ("Smoke rises over the city", "AFP")),
        ("Protesters march (Photo: Reuters)", ("Protesters march", "Reuters")),
        ("A caption with no credit", ("A caption with no credit", None)),
        ("Polizei vor dem Strommast. © dpa | Jens Kalaene", ("Polizei vor dem Strommast.", "dpa | Jens Kalaene")),
        ("Verlinden tijdens de coronacrisis. — © BELGA", ("Verlinden tijdens de coronacrisis.", "BELGA")),
        ("Minister Chris Bowen. Credit: Oliver Lane/RegionalHUB", ("Minister Chris Bowen.", "Oliver Lane/RegionalHUB")),
        (
            "Kamala Harris poses with classmates. Photo by Handout/School Board",
            ("Kamala Harris poses with classmates.", "Handout/School Board"),
        ),
        (
            "BILD: SN/APA/GEORG HOCHMUTH Ex-Ministerin Raab hat neuen Spitzenjob",
            ("Ex-Ministerin Raab hat neuen Spitzenjob", "SN/APA/GEORG HOCHMUTH"),
        ),
        ("© BART DEWAELE", (None, "BART DEWAELE")),
        ("The photo shows a bridge", ("The photo shows a bridge", None)),
        ("Image Credits: Jane Doe", (None, "Jane Doe")),
        (
            "Source: National Statistics Office, Energy Council and the Ministry of Energy and Mines, 2024 edition",
            (None, "National Statistics Office, Energy Council and the Ministry of Energy and Mines, 2024 edition"),
        ),
        ("The launch event – full video (1:02:45)", ("The launch event – full video (1:02:45)", None)),
        (
            "Diálogo exclusivo con Sheikh Naim Qassem (Parte 2)",
            ("Diálogo exclusivo con Sheikh Naim Qassem (Parte 2)", None),
        ),
        ("The interview (Part II) (Reuters)", ("The interview (Part II)", "Reuters")),
        ("مقابلة خاصة (الجزء ٢)", ("مقابلة خاصة (الجزء ٢)", None)),
        ("Переговоры в Стамбуле Фото: Иван Петров", ("Переговоры в Стамбуле", "Иван Петров")),
        ("Bác sĩ khám cho bệnh nhân. Ảnh: Nguyễn Văn An", ("Bác sĩ khám cho bệnh nhân.", "Nguyễn Văn An")),
        ("", (None, None)),
    ],
)
def test_split_caption(raw: str, expected: tuple[str | None, str | None]) -> None:
    assert p.split_caption(raw) == expected


@pytest.mark.parametrize(
    ("text", "credit", "expected"),
    [
        ("Men carry flour (AFP)", "AFP", "Men carry flour"),
        ("Men carry flour. (AFP)", "AFP", "Men carry flour."),
        ("Men carry flour AFP", "AFP", "Men carry flour"),
        ("Men carry flour", "AFP", "Men carry flour"),
        ("Men carry flour -", None, "Men carry flour -"),
    ],
)
def test_remove_credit(text: str, credit: str | None, expected: str) -> None:
    assert p.remove_credit(text, credit) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Al Mayadeen's correspondent: The Lebanese Army is continuing its investigations", "Al Mayadeen's correspondent"),
        ("Israeli media outlet: Security incident reported in the Gaza Strip", "Israeli media outlet"),
        ("Security incident reported in the Gaza Strip", None),
        ("Time: 10:45 is not a speaker", "Time"),
        ("A" * 81 + ": too long to be a speaker", None),
    ],
)
def test_ticker_attribution(line: str, expected: str | None) -> None:
    assert p.ticker_attribution(line) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13 Nov 2023 20:45", "2023-11-13T20:45:00+02:00"),  # winter: EET
        ("8 Jul 2025 14:20", "2025-07-08T14:20:00+03:00"),  # summer: EEST
        ("2024-05-30T23:49:00+03:00", "2024-05-30T23:49:00+03:00"),
        ("2023-11-13T18:45:00Z", "2023-11-13T20:45:00+02:00"),
        ("2023-11-13T18:45:00.000+00:00", "2023-11-13T20:45:00+02:00"),
        ("2023-11-13T20:45:00", "2023-11-13T20:45:00+02:00"),
        ("2023-11-13", "2023-11-13"),
        ("13 Nov 2023", "2023-11-13"),
        ("Published 13 November 2023, 20:45", "2023-11-13T20:45:00+02:00"),
        ("November 13, 2023 8:45 PM", "2023-11-13T20:45:00+02:00"),
        ("14. März 2024 10:30 MEZ", None),
        ("Mar 14, 2024 10:30 CET", "2024-03-14T11:30:00+02:00"),
        ("Mar 14, 2024 10:30 XYZT", "2024-03-14T10:30:00+02:00"),
        ("not a date", None),
        ("31 Feb 2024 10:00", None),
        (None, None),
    ],
)
def test_parse_datetime(raw: str | None, expected: str | None) -> None:
    assert p.parse_datetime(raw, "Asia/Beirut") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-11-13T18:45:00Z", "2023-11-13T18:45:00+00:00"),
        ("2024-05-30T23:49:00+03:00", "2024-05-30T23:49:00+03:00"),
        ("2023-11-13T20:45:00", "2023-11-13T20:45:00"),
        ("13 Nov 2023 20:45", "2023-11-13T20:45:00"),
        ("2023-11-13", "2023-11-13"),
    ],
)
def test_parse_datetime_keeps_offsets_without_a_site_zone(raw: str, expected: str) -> None:
    assert p.parse_datetime(raw, None) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13 Nov 2023 20:45", "13 Nov 2023 20:45"),
        ("Published: 8 Jul 2025 14:20 | Politics", "8 Jul 2025 14:20"),
        ("8 Jul 2025", "8 Jul 2025"),
        ("5 Shares", None),
    ],
)
def test_displayed_date(raw: str, expected: str | None) -> None:
    assert p.displayed_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Russian intel reveals US | Al Mayadeen English", "Russian intel reveals US"),
        ("Russian intel reveals US - Al Mayadeen English", "Russian intel reveals US"),
        ("Hamas | Al Mayadeen: statement", "Hamas | Al Mayadeen: statement"),
        ("Russian intel reveals US | AL MAYADEEN", "Russian intel reveals US"),
        ("Al Mayadeen - Russian intel reveals US", "Russian intel reveals US"),
        ("Russian intel reveals USㅣAl Mayadeen", "Russian intel reveals US"),
        ("Mayadeen - Russian intel reveals US", "Russian intel reveals US"),
        ("Al Mayadeen English", "Al Mayadeen English"),
        ("Al Mayadeen's week - in pictures", "Al Mayadeen's week - in pictures"),
    ],
)
def test_strip_title_suffix(raw: str, expected: str) -> None:
    assert p.strip_title_suffix(raw, ("Al Mayadeen English", "Al Mayadeen", "@mayadeen")) == expected


def test_dedupe_keeps_first_in_order() -> None:
    assert p.dedupe(["Israel", "US", "Israel", "SVR"]) == ["Israel", "US", "SVR"]
    assert p.dedupe_casefold(["Israel", "israel", "US"]) == ["Israel", "US"]


def test_split_keywords() -> None:
    assert p.split_keywords("genocide in Gaza, Israel,,US ") == ["genocide in Gaza", "Israel", "US"]
    assert p.split_keywords(None) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gaza", "Gaza"),
        ("  #Israel ", "Israel"),
        ("26157981-b4f7-4929-adc1-e860c6f03636", None),
        ("theprovince.com", None),
        ("12204", None),
        ("Dopravní podnik hl. m. Prahy (DPP)", "Dopravní podnik hl. m. Prahy (DPP)"),
        ("x" * 81, None),
        ("Category: Economy", "Economy"),
        ("NLP Entity Tokens: Fairmont Jasper park", "Fairmont Jasper park"),
        ("Star Wars: Episode I", "Star Wars: Episode I"),
    ],
)
def test_clean_tag(raw: str, expected: str | None) -> None:
    assert p.clean_tag(raw) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Jane Doe", True),
        ("Von Anna Schmidt und Jan Meier", True),
        ("par Jean Dupont", True),
        ("by the river, a crowd gathered", False),
        ("Jane Doe", False),
    ],
)
def test_is_byline(line: str, expected: bool) -> None:
    assert p.is_byline(line) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(AP Photo/Jane Doe)", "AP Photo/Jane Doe"),
        ("Photo: Reuters", "Reuters"),
        ("Foto: Jane Doe", "Jane Doe"),
        ("Bild: dpa", "dpa"),
        ("(Image credit: Jane Doe)", "Jane Doe"),
        ("Copyright AFP", "Copyright AFP"),
    ],
)
def test_clean_credit(raw: str, expected: str) -> None:
    assert p.clean_credit(raw) == expected


@pytest.mark.parametrize(
    ("chosen", "later", "expected"),
    [
        # a date alone gives way to the same day with its time and offset, else with its time
        ("2024-05-30", ["2024-05-30T09:15:00+02:00"], "2024-05-30T09:15:00+02:00"),
        ("2024-05-30", ["2024-05-30T09:15:00", "2024-05-30T09:15:00+02:00"], "2024-05-30T09:15:00+02:00"),
        ("2024-05-30", ["30 May 2024 09:15"], "30 May 2024 09:15"),
        ("2024-05-30", ["2024-05-30T07:15:00Z"], "2024-05-30T07:15:00Z"),
        # ... but not to another day, nor to another date alone
        ("2024-05-30", ["2024-05-31T09:15:00+02:00"], None),
        ("2024-05-30", ["30 May 2024", "2024-05-30"], None),
        # a time without its offset gives way to the same minute with one
        ("2024-05-30T09:15:00", ["2024-05-30T09:15:30+02:00"], "2024-05-30T09:15:30+02:00"),
        ("2024-05-30 09:15:00.0", ["2024-05-30T09:15:00Z"], "2024-05-30T09:15:00Z"),
        ("2024-05-30T09:15:00", ["2024-05-30T07:15:00Z"], None),
        ("2024-05-30T09:15:00", ["2024-05-30"], None),
        # a time with its offset is kept; nothing to compare with, or no date at all
        ("2024-05-30T09:15:00+02:00", ["2024-05-30T09:15:00Z"], None),
        ("2024-05-30", [], None),
        ("not a date", ["2024-05-30T09:15:00+02:00"], None),
        ("2024-05-30", ["not a date"], None),
    ],
)
def test_timed_alternative(chosen: str, later: list[str], expected: str | None) -> None:
    assert p.timed_alternative(chosen, later) == expected
