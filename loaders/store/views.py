"""SQL views of the user's data for Datasette, sqlite-utils or any SQL client (read only).

`starred_papers` (newest star first), `listed_papers` (every named list, in its order) and
`unread_papers` show each paper's key, title, date and the user's note beside the list's own
columns. (`list_papers` is the table of list entries itself, so the view of them with their papers
is `listed_papers`.)
"""

from __future__ import annotations

_PAPER = """p.id AS paper_id, p.citekey, p.title, coalesce(p.published, p.listing_date) AS date,
    p.arxiv_id, n.body AS note"""

CREATE = (
    f"""CREATE VIEW starred_papers AS
        SELECT {_PAPER}, s.starred_at
        FROM stars s JOIN papers p ON p.id = s.paper_id LEFT JOIN notes n ON n.paper_id = p.id
        ORDER BY s.starred_at DESC, p.id DESC""",
    f"""CREATE VIEW listed_papers AS
        SELECT l.name AS list, lp.position, {_PAPER}, lp.added_at
        FROM list_papers lp JOIN lists l ON l.id = lp.list_id JOIN papers p ON p.id = lp.paper_id
        LEFT JOIN notes n ON n.paper_id = p.id
        ORDER BY l.name, lp.position, lp.added_at""",
    f"""CREATE VIEW unread_papers AS
        SELECT {_PAPER}
        FROM papers p LEFT JOIN notes n ON n.paper_id = p.id
        WHERE p.id NOT IN (SELECT paper_id FROM reads)
        ORDER BY p.id""",
)
NAMES = ("starred_papers", "listed_papers", "unread_papers")
