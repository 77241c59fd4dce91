"""docs/schema.md describes every table and view a new gongkai.db has: a table added
without a word in the documentation fails here."""

import re

import sqlite_utils

from gongkai.archive import database, migrations

from conftest import REPO


def test_every_table_and_view_is_documented():
    scratch = sqlite_utils.Database(memory=True)
    migrations.upgrade(scratch)
    database._create_tables(scratch)
    database._create_views(scratch)
    names = {row[0] for row in scratch.execute(
        "select name from sqlite_master where type in ('table', 'view') "
        "and name not like 'sqlite_%' and name not like '%_fts%' and name != '_sqlite_migrations'")}
    text = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(\w+)`$", text, re.M)) | set(re.findall(r"^- `(\w+)` —", text, re.M))
    assert names, "no schema was built"
    assert names - documented == set(), "tables or views missing from docs/schema.md"
