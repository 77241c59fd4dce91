"""squash() and mentions(): the fast paths must answer as the plain definition does."""

import random
import re
import sys
import unicodedata

import pytest

from gongkai.archive.extract import labels as L

_SPACE = re.compile(r"\s+")


def reference_squash(text: str) -> str:
    """The definition: NFKC, then no whitespace, then unified quotes."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(L._QUOTES)


def every_character():
    return (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def test_squash_text_agrees_with_its_definition():
    spaces = [c for c in every_character() if _SPACE.match(c)]
    assert all(c.isspace() for c in spaces)      # str.split() drops exactly these
    pool = spaces + list("“”‘’〔〕（）０１２３ａＡ会昌县自然人法人或其他组织12/／") + [
        "\u2f08", "\ufb01", "\u2460", "\u3280", "\u337b", "\u0301", "e", "\u00a8"]
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        assert L.squash_text(text) == reference_squash(text), repr(text)
    assert L.squash_text("") == ""


def test_ideograph_variants_cover_every_character_that_normalizes_to_an_ideograph():
    ideograph = re.compile("[\u4e00-\u9fff]")
    missed = [f"U+{ord(c):04X}" for c in every_character()
              if not ideograph.match(c) and ideograph.search(unicodedata.normalize("NFKC", c))
              and not L._IDEOGRAPH_VARIANTS.match(c)]
    assert not missed


@pytest.mark.parametrize("text, words", [
    ("本报告由会昌县人民政府编制", "会昌县人民政府"),
    ("本报告由会昌县\n人民政府编制", "会昌县人民政府"),         # a line break inside
    ("本报告由会昌县 \u3000人民政府编制", "会昌县人民政府"),
    ("本报告由会昌县\u2f08民政府编制", "会昌县人民政府"),        # PDFs print 人 as a Kangxi radical
    ("2023\uf98e\ufa01报告", "2023年度报告"),                     # compatibility ideographs
    ("本报告由会昌县政府编制", "会昌县人民政府"),
    ("县人民政府办公室", "会昌县人民政府"),
    ("（一）予以公开", "(一)予以公开"),                           # not ideographs: squashed
    ("２０２３年度报告", "2023年度"),
])
def test_mentions_answers_as_squashing_the_whole_text_would(text, words):
    assert L.mentions(text, words) == (words in reference_squash(text))
