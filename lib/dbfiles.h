/*
 * dbfiles.h: the files of db/ embedded at build time by tools/embed:
 * "migrations/0001_init.sql", "master/010_municipality.sql", …, in
 * sorted order, terminated by a NULL name.
 */
#ifndef KENMIN_DBFILES_H
#define KENMIN_DBFILES_H

struct dbfile {
	const char	*name;
	const char	*text;
};

extern const struct dbfile dbfiles[];

#endif
