/*
 * strset.c: a set of strings (the paths one run rendered, removed or
 * showed a queued item): open addressing over FNV-1a hashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "extern.h"

struct strset {
	char	**slots;
	size_t	 cap;		/* power of two */
	size_t	 len;
};

static uint64_t
strhash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct strset *
strset_new(void)
{
	struct strset	*s;

	s = xcalloc(1, sizeof(*s));
	s->cap = 1024;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	return s;
}

void
strset_free(struct strset *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	free(s);
}

int
strset_has(const struct strset *s, const char *k)
{
	size_t	 i;

	i = strhash(k) & (s->cap - 1);
	for (; s->slots[i] != NULL; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slots[i], k) == 0)
			return 1;
	return 0;
}

/*
 * Iterate: start with *pos = 0; returns the next string (owned by the
 * set) or NULL at the end.  The order is the hash order: sort it.
 */
const char *
strset_next(const struct strset *s, size_t *pos)
{
	const char	*k;

	while (*pos < s->cap) {
		k = s->slots[(*pos)++];
		if (k != NULL)
			return k;
	}
	return NULL;
}

/* Add k; 0 if it was there already. */
int
strset_add(struct strset *s, const char *k)
{
	char	**old;
	size_t	 i, j, oldcap;

	if (strset_has(s, k))
		return 0;
	if ((s->len + 1) * 2 > s->cap) {
		old = s->slots;
		oldcap = s->cap;
		s->cap *= 2;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
		for (j = 0; j < oldcap; j++) {
			if (old[j] == NULL)
				continue;
			i = strhash(old[j]) & (s->cap - 1);
			while (s->slots[i] != NULL)
				i = (i + 1) & (s->cap - 1);
			s->slots[i] = old[j];
		}
		free(old);
	}
	i = strhash(k) & (s->cap - 1);
	while (s->slots[i] != NULL)
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = xstrdup(k);
	s->len++;
	return 1;
}
