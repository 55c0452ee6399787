"""The store's schema, as named migrations applied in order when a store is opened.

Never edit a migration that has shipped: add a new one. Tables a person can read in Datasette:
`papers` (what loaders find, merged), `sources` and `paper_sources` (where each paper came from),
and the user's own data (`stars`, `lists`, `list_papers`, `notes`, `reads`), keyed by paper id so
that no reload can touch it. `paper_count` is kept by triggers.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from papershelf.loaders.store import citekeys, fts, listing_dates, views

migrations = Migrations("papershelf")


@migrations(name="001_papers_sources_stars")
def papers_sources_stars(db: Database) -> None:
    _execute_all(
        db,
        """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            title_key TEXT NOT NULL,
            abstract TEXT NOT NULL,
            authors_count INTEGER,
            org_id TEXT,
            org_name TEXT,
            published_text TEXT,
            published TEXT,
            upvotes INTEGER,
            urls TEXT NOT NULL DEFAULT '[]',
            arxiv_id TEXT,
            listing_date TEXT,
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX papers_arxiv_id ON papers (arxiv_id);
        -- A paper without an arXiv id is identified by its normalized title.
        CREATE UNIQUE INDEX papers_title_key_without_arxiv_id ON papers (title_key)
            WHERE arxiv_id IS NULL;
        CREATE INDEX papers_title_key ON papers (title_key);

        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            shape TEXT,
            listing_date TEXT,
            loaded_at TEXT NOT NULL
        );

        CREATE TABLE paper_sources (
            paper_id INTEGER NOT NULL REFERENCES papers (id),
            source_id INTEGER NOT NULL REFERENCES sources (id),
            position INTEGER NOT NULL,
            PRIMARY KEY (paper_id, source_id)
        );
        CREATE INDEX paper_sources_source_id ON paper_sources (source_id);

        CREATE TABLE stars (
            paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
            starred_at TEXT NOT NULL
        );
        """,
    )
    fts.create(db.conn)


@migrations(name="002_lists_notes_reads")
def lists_notes_reads(db: Database) -> None:
    """The user's named lists (the built-in Starred list stays in `stars`), notes and read state."""
    _execute_all(
        db,
        """
        CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at TEXT NOT NULL
        );

        CREATE TABLE list_papers (
            list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers (id),
            position INTEGER NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (list_id, paper_id)
        );
        CREATE INDEX list_papers_paper_id ON list_papers (paper_id);

        CREATE TABLE notes (
            paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE reads (
            paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
            read_at TEXT NOT NULL
        );
        """,
    )


@migrations(name="003_paper_details")
def paper_details(db: Database) -> None:
    """What live sources know about a paper. Lists (authors, categories, keywords) are JSON arrays."""
    _execute_all(
        db,
        """
        ALTER TABLE papers ADD COLUMN authors TEXT;
        ALTER TABLE papers ADD COLUMN categories TEXT;
        ALTER TABLE papers ADD COLUMN doi TEXT;
        ALTER TABLE papers ADD COLUMN comment TEXT;
        ALTER TABLE papers ADD COLUMN github_repo TEXT;
        ALTER TABLE papers ADD COLUMN project_page TEXT;
        ALTER TABLE papers ADD COLUMN ai_summary TEXT;
        ALTER TABLE papers ADD COLUMN ai_keywords TEXT
        """,
    )


@migrations(name="004_paper_count")
def paper_count(db: Database) -> None:
    """The number of papers, kept by triggers: counting 100,000 rows reads megabytes of index, a
    fifth of a second from a cold disk before the reader's first screen."""
    db.execute("CREATE TABLE paper_count (papers INTEGER NOT NULL)")
    db.execute("INSERT INTO paper_count (papers) SELECT count(*) FROM papers")
    for name, event, change in (("paper_added", "INSERT", "+ 1"), ("paper_removed", "DELETE", "- 1")):
        db.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON papers"
            f" BEGIN UPDATE paper_count SET papers = papers {change}; END"
        )


@migrations(name="007_paper_vectors")
def paper_vectors(db: Database) -> None:
    """Discovery (`papershelf.loaders.discovery`): each paper's vector (int8, derived from its text
    and recomputed at will), the fitted text model they were computed with (one row), and the
    user's own "not for me" marks and the time each view was last looked at."""
    _execute_all(
        db,
        """
        CREATE TABLE paper_vectors (
            paper_id INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
            vector BLOB NOT NULL,
            embedded_at TEXT NOT NULL
        );
        CREATE TABLE vector_model (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            fitted_at TEXT NOT NULL,
            model BLOB NOT NULL
        );
        CREATE TABLE not_for_me (
            paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
            marked_at TEXT NOT NULL
        );
        CREATE TABLE looked (
            view TEXT PRIMARY KEY,
            looked_at TEXT NOT NULL
        );
        CREATE INDEX papers_added_at ON papers (added_at);
        CREATE INDEX papers_listing_date ON papers (listing_date)
        """,
    )


@migrations(name="006_citekeys_views")
def citekeys_views(db: Database) -> None:
    """(After 007 in order: it landed later, and a store that has 007 must still get this one.)
    Stored citation keys; listing dates as ISO with the text as shown beside them; views that
    Datasette (or any SQL client) shows as the user's lists; the full-text index answering prefix
    queries (`diff*`) from its own prefix indexes."""
    _execute_all(
        db,
        """
        ALTER TABLE papers ADD COLUMN citekey TEXT;
        CREATE UNIQUE INDEX papers_citekey ON papers (citekey);
        ALTER TABLE papers ADD COLUMN listing_date_text TEXT
        """,
    )
    ids = [row[0] for row in db.execute("SELECT id FROM papers ORDER BY id")]
    listing_dates.normalize(db.conn, ids)
    citekeys.assign(db.conn, ids)
    for statement in views.CREATE:
        db.execute(statement)
    fts.recreate_with_prefixes(db.conn)


@migrations(name="005_arxiv_metadata")
def arxiv_metadata(db: Database) -> None:
    """(Last in order: it landed after 006 and 007, and a store that has them must still get it.)
    What arXiv's metadata (the snapshot, OAI-PMH) adds: the journal reference and the date of
    the last update; and, per OAI-PMH set, where the last harvest got to, so that the next one
    continues from there (`sources.oai`)."""
    _execute_all(
        db,
        """
        ALTER TABLE papers ADD COLUMN journal_ref TEXT;
        ALTER TABLE papers ADD COLUMN updated TEXT;
        CREATE TABLE oai_harvests (
            endpoint TEXT NOT NULL,
            set_spec TEXT NOT NULL,
            harvested_until TEXT,
            resume_token TEXT,
            resume_from TEXT,
            resume_until TEXT,
            resume_day TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (endpoint, set_spec)
        )
        """,
    )


@migrations(name="008_sort_indexes")
def sort_indexes(db: Database) -> None:
    """The reader's sorts and its outside-change check read an index, not the whole table: a view
    sorted by date, upvotes or title took 53–190 ms at 100,000 papers, the last-update probe 58 ms."""
    _execute_all(
        db,
        """
        CREATE INDEX papers_by_date ON papers (published IS NULL, published DESC, id);
        CREATE INDEX papers_by_upvotes ON papers (upvotes IS NULL, upvotes DESC, id);
        CREATE INDEX papers_updated_at ON papers (updated_at)
        """,
    )


@migrations(name="009_fts_without_prefix_indexes")
def fts_without_prefix_indexes(db: Database) -> None:
    """The full-text index without the prefix indexes of 006: they tripled the cost of indexing a
    paper (100,000 snapshot records: 43 s against 13 s, same run), a million papers' load spent most
    of its time on them, and no search asks FTS5 for prefixes (the filter has its own word index;
    `dif*` still works, from the terms). Rebuilding takes about as long as loading did without them."""
    fts.recreate(db.conn)


@migrations(name="010_line_digests")
def line_digests(db: Database) -> None:
    """The digest of the snapshot line each paper of a snapshot source was merged from, so that
    loading the file again skips the lines it holds unchanged (`store.digests`)."""
    db.execute("ALTER TABLE paper_sources ADD COLUMN digest BLOB")


@migrations(name="011_fts_merging")
def fts_merging(db: Database) -> None:
    """FTS5 merges fewer, larger segments (`fts.MERGING`): a load commits every half second, and
    each commit writes a segment that the default merging rewrote again and again. 50,000 records
    of the realistic corpus indexed in steps of 2,000: 44 s against 173 s, same run (CPU 7.3 s
    against 9.7 s: the rest was the disk); a word's query as fast."""
    fts.tune_merging(db.conn)


@migrations(name="012_site_counts")
def site_counts(db: Database) -> None:
    """What Hugging Face counts beside upvotes: the repository's GitHub stars, the page's comments."""
    db.execute("ALTER TABLE papers ADD COLUMN github_stars INTEGER")
    db.execute("ALTER TABLE papers ADD COLUMN comment_count INTEGER")


def _execute_all(db: Database, script: str) -> None:
    """Run each statement of `script` in the migration's transaction (executescript would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
