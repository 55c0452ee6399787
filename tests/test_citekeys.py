"""Citation keys and ISO listing dates: derived once from the paper, stored, never renumbered."""

from __future__ import annotations

import io
import re

import bibtexparser
from sqlite_utils import Database

from papershelf.loaders.export.view import View, export_view
from papershelf.loaders.models import Paper, paper_row
from papershelf.loaders.store.citekeys import base_key, family_name
from papershelf.loaders.store.database import Store
from papershelf.loaders.store.listing_dates import iso_listing_date
from papershelf.loaders.store.migrations import migrations
from papershelf.loaders.userdata.lists import add_to_list, create_list


def paper(title: str, **fields) -> Paper:
    return Paper(title=title, abstract="An abstract.", **fields)


def test_the_key_is_author_year_and_first_title_word():
    found = paper(
        "Predicting the Order of Upcoming Tokens",
        authors=["Zayd Muhammad Kawakibi Zuhri"],
        published="2025-08-26",
    )
    assert base_key(found) == "zuhri2025predicting"
    assert base_key(paper("The Élan of Models", authors=["Müller, Jörg"], published="2024-01-02")) == (
        "muller2024elan"
    )


def test_without_authors_the_title_stands_in_and_the_listing_year_serves():
    assert base_key(paper("Predicting the Order", listing_date="2025-06-18")) == "predicting2025order"
    assert base_key(paper("On Attention")) == "attention"
    assert base_key(paper("深度学习", id=7)) == "paper7"
    assert family_name("李 伟") == "" and base_key(paper("Scaling Laws", authors=["李伟"])) == "scalinglaws"


def test_listing_dates_take_the_year_nearest_the_pages_newest_paper():
    assert iso_listing_date("Aug 14", "2025-05-27") == "2025-08-14"
    assert iso_listing_date("Jan 2", "2025-12-30") == "2026-01-02"
    assert iso_listing_date("Dec 30", "2026-01-03") == "2025-12-30"
    assert iso_listing_date("Aug 14, 2023", None) == "2023-08-14"
    assert iso_listing_date("2025-06-17", None) == "2025-06-17"
    assert iso_listing_date("Aug 14", None) is None
    assert iso_listing_date("Feb 30", "2025-01-01") is None and iso_listing_date("soon", "2025-01-01") is None


def test_sample_keys_are_unique_stored_and_the_same_in_a_list_export(sample_store):
    keys = dict(sample_store.conn.execute("SELECT id, citekey FROM papers"))
    assert len(set(keys.values())) == len(keys) == 334
    assert all(re.fullmatch(r"[a-z0-9]+", key) for key in keys.values())
    everything, listed = io.StringIO(), io.StringIO()
    export_view(sample_store, View.all_papers(), "bibtex", everything)
    create_list(sample_store, "Two")
    colliding = [i for i, key in keys.items() if re.search(r"[0-9]{4}[a-z]+a$", key)]
    add_to_list(sample_store, "Two", [*colliding[:1], 5])
    export_view(sample_store, View.named("Two"), "bibtex", listed)
    by_key = {e.key: e for e in bibtexparser.parse_string(everything.getvalue()).entries}
    for entry in bibtexparser.parse_string(listed.getvalue()).entries:
        assert by_key[entry.key]["title"] == entry["title"]


def test_a_collision_gets_a_letter_and_existing_keys_never_move(store):
    rows = [paper_row(n, paper("Diffusion Models Beat GANs", published="2021-05-11")) for n in range(1)]
    with store.write():
        store.merge_rows(None, rows)
        store.merge_rows(
            None,
            [
                paper_row(
                    0, paper("Diffusion Models, Beat GANs!", arxiv_id="2105.05233", published="2021-05-11")
                )
            ],
        )
        store.merge_rows(
            None,
            [
                paper_row(
                    0, paper("Diffusion models beat GANs.", arxiv_id="9999.00001", published="2021-06-01")
                )
            ],
        )
    assert [p.citekey for p in store.papers()] == [
        "diffusion2021models",
        "diffusion2021modelsa",
        "diffusion2021modelsb",
    ]
    with store.write():  # a later copy with authors changes nothing
        store.merge_rows(
            None,
            [
                paper_row(
                    0,
                    paper(
                        "Diffusion Models, Beat GANs!", arxiv_id="2105.05233", authors=["Prafulla Dhariwal"]
                    ),
                )
            ],
        )
    assert next(store.papers([2])).citekey == "diffusion2021modelsa"


def test_papers_of_one_batch_sharing_a_key_get_letters_in_order(store):
    """Keys are given as rows are inserted, unique within the batch and against stored keys; a key
    that merely continues another (`…modelsa` beside `…modelsapp`) is no collision."""
    stored = paper("Modelsapp Diffusion", authors=["A. Diffusion"], published="2021-01-01")
    with store.write():
        store.merge_rows(None, [paper_row(0, stored)])
        store.merge_rows(
            None,
            [
                paper_row(n, paper("Diffusion Models", arxiv_id=f"2105.0000{n}", published="2021-05-11"))
                for n in range(3)
            ]
            + [paper_row(3, paper("Paged copy", listing_date="Aug 14", published="2021-08-01"))],
        )
    assert [p.citekey for p in store.papers()] == [
        "diffusion2021modelsapp",
        "diffusion2021models",
        "diffusion2021modelsa",
        "diffusion2021modelsb",
        "paged2021copy",
    ]


def test_the_migration_keys_and_dates_papers_stored_before_it(db_path):
    db = Database(db_path)
    migrations.apply(db, stop_before="006_citekeys_views")
    db.execute("INSERT INTO sources (id, path, listing_date, loaded_at) VALUES (1, 'p.txt', 'Aug 14', 'x')")
    for n, (title, published) in enumerate((("Old One", "2025-05-27"), ("Old Two", None)), 1):
        db.execute(
            "INSERT INTO papers (id, title, title_key, abstract, published, listing_date, added_at,"
            " updated_at) VALUES (?, ?, ?, 'a', ?, 'Aug 14', 'x', 'x')",
            [n, title, title.lower(), published],
        )
        db.execute("INSERT INTO paper_sources VALUES (?, 1, ?)", [n, n])
    db.conn.commit()
    db.close()
    with Store(db_path) as store:
        papers = list(store.papers())
        assert [(p.citekey, p.listing_date, p.listing_date_text) for p in papers] == [
            ("old2025one", "2025-08-14", "Aug 14"),
            ("old2025two", "2025-08-14", "Aug 14"),
        ]
        hits = store.conn.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'ol*'").fetchall()
        assert len(hits) == 2


def test_loaded_pages_get_iso_listing_dates_with_their_text(sample_store):
    rows = dict(
        sample_store.conn.execute(
            "SELECT listing_date_text, listing_date FROM papers WHERE listing_date_text IS NOT NULL"
        )
    )
    assert rows == {"Jun 18": "2025-06-18", "Aug 14": "2025-08-14", "Jun 6": "2025-06-06"}
