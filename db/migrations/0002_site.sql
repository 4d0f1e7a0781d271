-- 0002_site.sql: the manifest of the generated site directory
-- (generator/site.c).  site_file lists every file the generator owns in
-- site_dir with its size and BLAKE2b-256 hash; site_dep records which
-- entities (kind, item_id) each file shows, so an incremental publish
-- finds the files to rewrite when an entity changes.  site_state holds
-- the crash marker: dirty = 1 while a run is changing files, so the next
-- run trusts no hash and compares bytes on disk instead.

CREATE TABLE site_file (
	path	TEXT PRIMARY KEY NOT NULL
		CHECK (length(path) BETWEEN 1 AND 512),
	size	INTEGER NOT NULL CHECK (size >= 0),
	hash	BLOB NOT NULL CHECK (length(hash) = 32),
	deps	BLOB NOT NULL CHECK (length(deps) = 16)
				-- BLAKE2b-128 of the sorted dep list
) STRICT, WITHOUT ROWID;

CREATE TABLE site_dep (
	path	TEXT NOT NULL REFERENCES site_file (path) ON DELETE CASCADE,
	kind	TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 31),
	item_id	INTEGER NOT NULL,
	PRIMARY KEY (path, kind, item_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX site_dep_item ON site_dep (kind, item_id);

CREATE TABLE site_state (
	id	INTEGER PRIMARY KEY CHECK (id = 1),
	dirty	INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1))
) STRICT;

INSERT INTO site_state (id, dirty) VALUES (1, 0);
