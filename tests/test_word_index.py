"""The tokenizer's postings: each word's documents, ascending, once each, whatever the chunks."""

from __future__ import annotations

from papershelf.loaders.search.fuzzy import TERM
from papershelf.loaders.search.word_index import Tokenizer


def test_postings_list_each_word_s_documents_in_order(sample_store):
    texts = [abstract for (abstract,) in sample_store.conn.execute("SELECT abstract FROM papers ORDER BY id")]
    tokenizer = Tokenizer()
    for start in range(0, len(texts), 37):  # chunks of an uneven size, the last one short
        tokenizer.add(texts[start : start + 37])
    words, offsets, docs = tokenizer.finish()
    held = [set(TERM.findall(text.lower())) for text in texts]
    assert words == sorted({word for found in held for word in found})
    for n, word in enumerate(words):
        assert docs[offsets[n] : offsets[n + 1]].tolist() == [
            d for d, found in enumerate(held) if word in found
        ]
    assert not tokenizer.keys  # let go of as they were placed


def test_no_texts_make_no_words():
    assert Tokenizer().finish()[0] == []
