"""A query's field filters, phrases and plain-word field matches as SQL over the store.

The word index holds titles and abstracts; what a query asks of the other fields (authors, the
organisation, categories, notes, lists, stars, read marks, dates, upvotes) is answered by the
store. Each function returns paper ids; values are always bound parameters, never SQL text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from papershelf.loaders.search.query import Filter, Query
from papershelf.loaders.store.database import Store

STARRED_NAMES = frozenset({"starred", "stars", "★"})
# Plain words shorter than this are not looked for in the other fields: "ai" is in too many names.
FIELD_WORD_MIN_LENGTH = 3
_DATE = "coalesce(p.published, p.listing_date, '')"
_OPS = {"=", ">=", "<=", ">", "<"}


def filtered_ids(store: Store, query: Query) -> set[int] | None:
    """The ids of the papers every filter and phrase of `query` allows; None when it has neither."""
    conditions: list[str] = []
    values: list[object] = []
    for condition in query.filters:
        sql, args = filter_sql(condition)
        conditions.append(f"NOT ({sql})" if condition.negated else sql)
        values += args
    for phrase in query.phrases:
        conditions.append("instr(lower(p.title || ' ' || p.abstract), ?) > 0")
        values.append(phrase)
    for phrase in query.excluded:
        if " " in phrase:
            conditions.append("instr(lower(p.title || ' ' || p.abstract), ?) = 0")
            values.append(phrase)
    if not conditions:
        return None
    sql = "SELECT p.id FROM papers p WHERE " + " AND ".join(conditions)
    return {row[0] for row in store.conn.execute(sql, values)}


def filter_sql(condition: Filter) -> tuple[str, list[object]]:
    """One filter as an SQL condition on `papers p`, and its parameters."""
    name, value = condition.name, condition.value
    like = f"%{_escaped(value)}%"
    if name == "author":
        return "p.authors LIKE ? ESCAPE '\\'", [like]
    if name == "org":
        return "(p.org_id LIKE ? ESCAPE '\\' OR p.org_name LIKE ? ESCAPE '\\')", [like, like]
    if name == "cat":
        sql = "EXISTS (SELECT 1 FROM json_each(coalesce(p.categories, '[]')) WHERE value LIKE ? ESCAPE '\\')"
        return sql, [f"{_escaped(value)}%"]
    if name == "keyword":
        sql = "EXISTS (SELECT 1 FROM json_each(coalesce(p.ai_keywords, '[]')) WHERE value LIKE ? ESCAPE '\\')"
        return sql, [like]
    if name == "list":
        if value.lower() in STARRED_NAMES:
            return "p.id IN (SELECT paper_id FROM stars)", []
        sql = (
            "p.id IN (SELECT paper_id FROM list_papers JOIN lists ON lists.id = list_id WHERE lists.name = ?)"
        )
        return sql, [value]
    if name == "is":
        return _state_sql(value), []
    if name == "has":
        column = "github_repo" if value == "code" else "project_page"
        return f"coalesce(p.{column}, '') != ''", []
    if name in ("date", "since"):
        return _date_sql(condition)
    if name == "upvotes":
        return f"coalesce(p.upvotes, 0) {_op(condition.op)} ?", [int(value)]
    raise ValueError(f"unknown filter {name}")


def _state_sql(state: str) -> str:
    return {
        "starred": "p.id IN (SELECT paper_id FROM stars)",
        "read": "p.id IN (SELECT paper_id FROM reads)",
        "unread": "p.id NOT IN (SELECT paper_id FROM reads)",
        "noted": "p.id IN (SELECT paper_id FROM notes WHERE body != '')",
    }[state]


def _date_sql(condition: Filter) -> tuple[str, list[object]]:
    """Dates compare as ISO text: `2025-06` stands for every day of June, so `>` means after
    its last day and `<=` up to its last day (`~` sorts after every digit and dash)."""
    if condition.name == "since":
        start = datetime.date.today() - datetime.timedelta(days=int(condition.value))
        return f"{_DATE} >= ?", [start.isoformat()]
    value, op = condition.value, condition.op
    if op == "=":
        return f"{_DATE} LIKE ?", [f"{value}%"]
    if op in (">", "<="):
        return f"{_DATE} {_op(op)} ?", [f"{value}~"]
    return f"{_DATE} {_op(op)} ?", [value]


def field_word_ids(store: Store, word: str) -> set[int]:
    """The ids of the papers whose authors, organisation, categories, Hugging Face keywords or
    note hold `word`."""
    if len(word) < FIELD_WORD_MIN_LENGTH:
        return set()
    like = f"%{_escaped(word)}%"
    rows = store.conn.execute(
        """
        SELECT id FROM papers WHERE authors LIKE ?1 ESCAPE '\\' OR org_id LIKE ?1 ESCAPE '\\'
            OR org_name LIKE ?1 ESCAPE '\\' OR categories LIKE ?1 ESCAPE '\\'
            OR ai_keywords LIKE ?1 ESCAPE '\\'
        UNION SELECT paper_id FROM notes WHERE body LIKE ?1 ESCAPE '\\'
        """,
        [like],
    )
    return {row[0] for row in rows}


def excluded_word_ids(store: Store, words: Iterable[str]) -> set[int]:
    """The ids of the papers whose title or abstract holds any of `words` (single words only)."""
    found: set[int] = set()
    for word in words:
        if " " not in word:
            rows = store.conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", [_fts_word(word)]
            )
            found.update(row[0] for row in rows)
    return found


def _fts_word(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _op(op: str) -> str:
    if op not in _OPS:
        raise ValueError(f"unknown comparison {op}")
    return op
