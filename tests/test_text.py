from papershelf.loaders.text import clean_text, extract_urls, title_key


def test_clean_text_collapses_whitespace_and_keeps_markup_literal():
    assert (
        clean_text("  C$^2$DLM:\t<SEG> [MASK]  **R2R** 46.2\\%  ") == "C$^2$DLM: <SEG> [MASK] **R2R** 46.2\\%"
    )


def test_clean_text_removes_whole_escape_sequences_and_controls():
    text = (
        "\x1b[31mRed\x1b[0m \x1b]0;title\x07x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x07bell\x9b2Jz\x00"
    )
    cleaned = clean_text(text)
    assert cleaned == "Red xlink bellz"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned)


def test_clean_text_keeps_text_after_an_unterminated_osc():
    assert clean_text("before \x1b]8;;http://x after") == "before 8;;http://x after"


def test_clean_text_drops_replacement_characters():
    assert clean_text("caf\ufffd au lait") == "caf au lait"


def test_title_key_is_casefolded_and_collapsed():
    assert title_key("  Attention  Is ALL\tyou Need ") == "attention is all you need"


def test_urls_in_order_without_duplicates_or_trailing_punctuation():
    text = (
        "Code at https://github.com/BHmingyang/TAD. See {https://github.com/a/D-iGPT}, "
        "https://github.com/a/D-iGPT{https://github.com/a/D-iGPT}. repository:https://github.com/wxie9/CARD "
        "and https://github.com/phvv-me/frame-representation-hypothesis.git; also "
        "[https://github.com/henry-pay/SpaRTAN]. (https://example.org/x) https://en.wikipedia.org/wiki/A_(b) "
        "https://github.com/vhicrgit/Window-Diffusion.,  https://a.io/q?x=1&y='2'! `https://b.io/c` https://"
    )
    assert extract_urls(text) == [
        "https://github.com/BHmingyang/TAD",
        "https://github.com/a/D-iGPT",
        "https://github.com/wxie9/CARD",
        "https://github.com/phvv-me/frame-representation-hypothesis.git",
        "https://github.com/henry-pay/SpaRTAN",
        "https://example.org/x",
        "https://en.wikipedia.org/wiki/A_(b)",
        "https://github.com/vhicrgit/Window-Diffusion",
        "https://a.io/q?x=1&y='2",
        "https://b.io/c",
    ]


def test_no_urls():
    assert extract_urls("no links here, only http and :// apart") == []
