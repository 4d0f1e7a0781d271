/*
 * histpack.c: the blobs of a run written into the history while the run
 * renders, instead of being read back from the site directory and
 * compressed after it: one git pack for a run that writes many files (a
 * full build), one loose object per file for a publish.
 *
 * The site writer hands every file it writes (path, bytes, stat data
 * after the rename) to histpack_put(), which copies the bytes onto a
 * queue.  A second thread hashes each (the blob id is the SHA-1 of
 * "blob LEN\0" and the bytes), compresses it with libdeflate at level 1
 * (2.6 times as fast as zlib's level 1 on our pages, for 2% more bytes)
 * and appends it to a temporary pack, so on a two-core machine the git
 * work of a cold build runs beside the rendering rather than after it.
 * The queue holds at most HP_INFLIGHT bytes, which bounds the memory;
 * the thread takes it in batches of at least HP_WAKE bytes, so a build
 * of 33,000 files wakes it a few hundred times, not once per file.
 *
 * histpack_finish() writes the pack's object count into its header,
 * hashes the pack once for its trailer (git's pack checksum covers the
 * header, which is only known at the end), writes the version 2 index
 * ourselves (we know every object's id, offset and CRC; libgit2's
 * indexer would inflate and hash it all again) and renames both into
 * objects/pack.  history_commit() then stages each written file from
 * histpack_entry() without reading it.  Objects have no deltas; trees
 * and the commit are written by libgit2 as loose objects.
 *
 * A publish writes few files, and a pack per publish would leave
 * thousands of small packs, each searched by every lookup until a
 * `git gc`.  In loose mode (HP_LOOSE) the worker writes each blob as
 * git's loose object instead: "blob LEN\0" and the bytes, deflated at
 * the same level, to a temporary file in objects/XX/ renamed to its id
 * (skipped when that object exists).  Loose objects cost one file each
 * but no lookup gets slower; `git gc` packs them (docs/history.md).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <libdeflate.h>
#include <openssl/evp.h>

#include "buf.h"
#include "util.h"
#include "extern.h"

#define HP_INFLIGHT	((size_t)24 * 1024 * 1024)	/* queued bytes */
#define HP_CHUNK	((size_t)256 * 1024)		/* buffered writes */
#define HP_WAKE		((size_t)256 * 1024)		/* queued to wake */
#define HP_LEVEL	1				/* libdeflate level */

/* One file handed to the pack: queued, then hashed and written. */
struct hpjob {
	struct hpjob	*next;
	unsigned char	*data;		/* freed once packed */
	size_t		 len;
	size_t		 ent;		/* its entry in hp->ents */
	git_oid		 oid;		/* its blob id, once packed */
};

/* A file the run wrote: its index entry, and the order of the puts. */
struct hpent {
	git_index_entry	 e;
	size_t		 seq;
};

/* An object in the pack, for the index file. */
struct hpobj {
	git_oid		 oid;
	uint64_t	 off;
	uint32_t	 crc;
};

struct histpack {
	char		 dir[PATH_MAX];	/* objects/pack, or objects if loose */
	int		 loose;		/* HP_LOOSE */
	char		 tmp[PATH_MAX];	/* the pack being written */
	int		 fd;
	pthread_t	 thr;
	int		 started;
	pthread_mutex_t	 mu;
	pthread_cond_t	 more;		/* a job was queued, or the end */
	pthread_cond_t	 room;		/* queued bytes went down */
	struct hpjob	*head, *tail;
	size_t		 queued;	/* bytes on the queue or being packed */
	size_t		 waiting;	/* bytes on the queue */
	int		 idle;		/* the worker waits for more */
	int		 closing;
	int		 failed;	/* the worker hit an error */
	/* the entries the run staged, in put order; ids set by the worker */
	struct hpent	*ents;
	size_t		 nent, maxent;
	int		 sorted;
	/* worker-owned */
	struct hpobj	*objs;
	size_t		 nobj, maxobj;
	git_oid		*seen;		/* open addressing, zero = free */
	size_t		 nseen, seenmax;
	uint64_t	 off;		/* bytes in the pack */
	unsigned char	*out;		/* HP_CHUNK bytes of pack stream */
	size_t		 outn;
	unsigned char	*z;		/* compression buffer */
	size_t		 zmax;
	unsigned char	*raw;		/* loose: header and bytes */
	size_t		 rawmax;
	struct libdeflate_compressor *dc;
	EVP_MD_CTX	*md;
};

/* ---- the worker ---- */

static int
oid_zero(const git_oid *o)
{
	static const git_oid	 zero;

	return memcmp(o, &zero, sizeof(zero)) == 0;
}

/* 1 if oid was new (now remembered), 0 if seen before. */
static int
seen_add(struct histpack *h, const git_oid *oid)
{
	git_oid		*old;
	size_t		 i, oldmax, n = 0;
	uint64_t	 k;

	if (2 * (h->nseen + 1) > h->seenmax) {
		old = h->seen;
		oldmax = h->seenmax;
		h->seenmax = oldmax == 0 ? 4096 : 2 * oldmax;
		h->seen = xcalloc(h->seenmax, sizeof(git_oid));
		for (i = 0; i < oldmax; i++) {
			if (oid_zero(&old[i]))
				continue;
			memcpy(&k, old[i].id, sizeof(k));
			for (n = k & (h->seenmax - 1); !oid_zero(&h->seen[n]);
			    n = (n + 1) & (h->seenmax - 1))
				;
			h->seen[n] = old[i];
		}
		free(old);
	}
	memcpy(&k, oid->id, sizeof(k));
	for (i = k & (h->seenmax - 1); !oid_zero(&h->seen[i]);
	    i = (i + 1) & (h->seenmax - 1))
		if (git_oid_equal(&h->seen[i], oid))
			return 0;
	h->seen[i] = *oid;
	h->nseen++;
	return 1;
}

/* Write n bytes to fd; 1 ok, 0 error (printed). */
static int
write_all(int fd, const void *p, size_t n)
{
	if (util_write_all(fd, p, n))
		return 1;
	kerr("history: pack: %s", strerror(errno));
	return 0;
}

static int
flush_out(struct histpack *h, int fd)
{
	if (h->outn > 0 && !write_all(fd, h->out, h->outn))
		return 0;
	h->outn = 0;
	return 1;
}

/* Append p to the buffered stream of fd, hashing it when md is set. */
static int
put_out(struct histpack *h, int fd, EVP_MD_CTX *md, const void *p,
    size_t n)
{
	const unsigned char	*s = p;
	size_t			 take;

	if (md != NULL && EVP_DigestUpdate(md, p, n) != 1)
		return 0;
	while (n > 0) {
		take = HP_CHUNK - h->outn < n ? HP_CHUNK - h->outn : n;
		memcpy(h->out + h->outn, s, take);
		h->outn += take;
		s += take;
		n -= take;
		if (h->outn == HP_CHUNK && !flush_out(h, fd))
			return 0;
	}
	return 1;
}

/* The blob id of data: SHA-1 of "blob LEN\0" and the bytes. */
static int
blob_id(struct histpack *h, const unsigned char *data, size_t len,
    git_oid *oid)
{
	char		 hdr[32];
	unsigned int	 n = 0;
	int		 hl;

	hl = snprintf(hdr, sizeof(hdr), "blob %zu", len);
	return EVP_DigestInit_ex(h->md, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(h->md, hdr, (size_t)hl + 1) == 1 &&
	    EVP_DigestUpdate(h->md, data, len) == 1 &&
	    EVP_DigestFinal_ex(h->md, oid->id, &n) == 1 &&
	    n == GIT_OID_RAWSZ;
}

/* Grow *p (of *max bytes) to at least need bytes; contents dropped. */
static void
scratch(unsigned char **p, size_t *max, size_t need)
{
	if (need <= *max)
		return;
	free(*p);
	*max = need;
	*p = xmalloc(*max);
}

/*
 * Pack one job: its id into its entry, and unless the pack already
 * holds those bytes, the object (type-and-size header, deflated bytes).
 */
static int
pack_job(struct histpack *h, struct hpjob *j, git_oid *oid)
{
	unsigned char	 hdr[16];
	struct hpobj	*o;
	size_t		 n = 0, s = j->len, zn;
	uint32_t	 crc;

	if (!blob_id(h, j->data, j->len, oid)) {
		kerr("history: SHA-1 failed");
		return 0;
	}
	if (!seen_add(h, oid))
		return 1;
	hdr[n] = (unsigned char)((GIT_OBJECT_BLOB << 4) | (s & 0x0F));
	s >>= 4;
	while (s > 0) {
		hdr[n++] |= 0x80;
		hdr[n] = (unsigned char)(s & 0x7F);
		s >>= 7;
	}
	n++;
	scratch(&h->z, &h->zmax, libdeflate_zlib_compress_bound(h->dc, j->len));
	if ((zn = libdeflate_zlib_compress(h->dc, j->data, j->len, h->z,
	    h->zmax)) == 0) {
		kerr("history: deflate failed");
		return 0;
	}
	crc = libdeflate_crc32(0, hdr, n);
	crc = libdeflate_crc32(crc, h->z, zn);
	if (h->nobj == h->maxobj) {
		h->maxobj = h->maxobj == 0 ? 4096 : 2 * h->maxobj;
		h->objs = xrealloc(h->objs, h->maxobj * sizeof(*h->objs));
	}
	o = &h->objs[h->nobj++];
	o->oid = *oid;
	o->off = h->off;
	o->crc = crc;
	h->off += n + zn;
	return put_out(h, h->fd, NULL, hdr, n) &&
	    put_out(h, h->fd, NULL, h->z, zn);
}

/*
 * Write one job as a loose object: objects/XX/<38 hex>, the deflated
 * "blob LEN\0" and bytes, made under a temporary name and renamed.  An
 * object already there is the same bytes, and is left alone.
 */
static int
loose_job(struct histpack *h, struct hpjob *j, git_oid *oid)
{
	char		 hex[GIT_OID_HEXSZ + 1], dir[PATH_MAX], path[PATH_MAX];
	char		 tmp[PATH_MAX];
	size_t		 hl, zn;
	int		 fd, ok = 0;

	if (!blob_id(h, j->data, j->len, oid)) {
		kerr("history: SHA-1 failed");
		return 0;
	}
	git_oid_tostr(hex, sizeof(hex), oid);
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%.2s", h->dir, hex) >=
	    sizeof(dir) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, hex + 2) >=
	    sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/tmp_obj_XXXXXX", dir) >=
	    sizeof(tmp)) {
		kerr("history: %s: path too long", h->dir);
		return 0;
	}
	if (!seen_add(h, oid) || access(path, F_OK) == 0)
		return 1;
	hl = (size_t)snprintf(NULL, 0, "blob %zu", j->len) + 1;
	scratch(&h->raw, &h->rawmax, hl + j->len);
	snprintf((char *)h->raw, hl, "blob %zu", j->len);
	memcpy(h->raw + hl, j->data, j->len);
	scratch(&h->z, &h->zmax,
	    libdeflate_zlib_compress_bound(h->dc, hl + j->len));
	if ((zn = libdeflate_zlib_compress(h->dc, h->raw, hl + j->len, h->z,
	    h->zmax)) == 0) {
		kerr("history: deflate failed");
		return 0;
	}
	/* objects/XX is made on its first object (mkstemp() spoils tmp). */
	if ((fd = mkstemp(tmp)) == -1 && errno == ENOENT &&
	    (mkdir(dir, 0755) == 0 || errno == EEXIST)) {
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
		fd = mkstemp(tmp);
	}
	if (fd == -1) {
		kerr("history: %s: %s", dir, strerror(errno));
		return 0;
	}
	ok = write_all(fd, h->z, zn) && fchmod(fd, 0444) == 0;
	if (close(fd) == -1)
		ok = 0;
	if (ok && rename(tmp, path) == -1)
		ok = 0;
	if (!ok) {
		kerr("history: %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	return ok;
}

static void *
worker(void *arg)
{
	struct histpack	*h = arg;
	struct hpjob	*batch, *j, *next;
	size_t		 done;
	int		 ok = 1;

	for (;;) {
		/* Take everything queued: one lock per batch, not per file. */
		pthread_mutex_lock(&h->mu);
		while (h->head == NULL && !h->closing) {
			h->idle = 1;
			pthread_cond_wait(&h->more, &h->mu);
			h->idle = 0;
		}
		batch = h->head;
		h->head = h->tail = NULL;
		h->waiting = 0;
		pthread_mutex_unlock(&h->mu);
		if (batch == NULL)
			break;

		for (j = batch; j != NULL; j = j->next) {
			memset(&j->oid, 0, sizeof(j->oid));
			if (ok && !(h->loose ? loose_job(h, j, &j->oid) :
			    pack_job(h, j, &j->oid)))
				ok = 0;
		}

		done = 0;
		pthread_mutex_lock(&h->mu);
		for (j = batch; j != NULL; j = j->next) {
			h->ents[j->ent].e.id = j->oid;
			done += j->len;
		}
		h->queued -= done;
		if (!ok)
			h->failed = 1;
		pthread_cond_signal(&h->room);
		pthread_mutex_unlock(&h->mu);
		for (j = batch; j != NULL; j = next) {
			next = j->next;
			free(j->data);
			free(j);
		}
	}
	if (ok && !h->loose && !flush_out(h, h->fd)) {
		pthread_mutex_lock(&h->mu);
		h->failed = 1;
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

/* ---- the caller's side ---- */

/*
 * Start writing the blobs of a run into objects_dir (the history's
 * objects/): one pack in objects/pack, or loose objects if flags has
 * HP_LOOSE.  NULL on error (printed); the run then commits without it.
 */
struct histpack *
histpack_open(const char *objects_dir, int flags)
{
	struct histpack	*h;
	unsigned char	 head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 };

	h = xcalloc(1, sizeof(*h));
	h->fd = -1;
	h->loose = (flags & HP_LOOSE) != 0;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->more, NULL);
	pthread_cond_init(&h->room, NULL);
	if ((size_t)snprintf(h->dir, sizeof(h->dir), h->loose ? "%s" :
	    "%s/pack", objects_dir) >= sizeof(h->dir) ||
	    (size_t)snprintf(h->tmp, sizeof(h->tmp), "%s/tmp_kenmin_XXXXXX",
	    h->dir) >= sizeof(h->tmp)) {
		kerr("history: %s: path too long", objects_dir);
		goto fail;
	}
	if ((h->dc = libdeflate_alloc_compressor(HP_LEVEL)) == NULL ||
	    (h->md = EVP_MD_CTX_new()) == NULL) {
		kerr("history: out of memory");
		goto fail;
	}
	if (h->loose)
		h->tmp[0] = '\0';
	else {
		if (!util_mkdirs(h->dir) || (h->fd = mkstemp(h->tmp)) < 0) {
			kerr("history: %s: %s", h->tmp, strerror(errno));
			h->tmp[0] = '\0';
			goto fail;
		}
		h->out = xmalloc(HP_CHUNK);
		/* The count (bytes 8-11) is written by histpack_finish(). */
		if (!write_all(h->fd, head, sizeof(head)))
			goto fail;
		h->off = sizeof(head);
	}
	if (pthread_create(&h->thr, NULL, worker, h) != 0) {
		kerr("history: cannot start the pack thread");
		goto fail;
	}
	h->started = 1;
	return h;
fail:
	histpack_free(h);
	return NULL;
}

/*
 * Queue the bytes of relpath (copied) with its stat data; waits while
 * the queue is full.  Threads may call it at once (the run's, and the
 * search index's for the files it writes).  1 ok, 0 the pack has
 * failed (the run then stages its files the slow way).
 */
int
histpack_put(struct histpack *h, const char *relpath, const void *bytes,
    size_t len, const struct stat *st)
{
	git_index_entry	*e;
	struct hpjob	*j;
	int		 ok;

	j = xcalloc(1, sizeof(*j));
	j->data = xmalloc(len > 0 ? len : 1);
	memcpy(j->data, bytes, len);
	j->len = len;

	pthread_mutex_lock(&h->mu);
	if (h->nent == h->maxent) {
		h->maxent = h->maxent == 0 ? 4096 : 2 * h->maxent;
		h->ents = xrealloc(h->ents, h->maxent * sizeof(*h->ents));
	}
	memset(&h->ents[h->nent], 0, sizeof(h->ents[h->nent]));
	h->ents[h->nent].seq = h->nent;
	e = &h->ents[h->nent].e;
	e->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->mode = GIT_FILEMODE_BLOB;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->file_size = (uint32_t)st->st_size;
	e->path = xstrdup(relpath);
	j->ent = h->nent++;
	h->sorted = 0;
	while (h->queued > 0 && h->queued + len > HP_INFLIGHT && !h->failed) {
		if (h->idle)	/* it holds back below HP_WAKE */
			pthread_cond_signal(&h->more);
		pthread_cond_wait(&h->room, &h->mu);
	}
	if ((ok = !h->failed)) {
		if (h->tail != NULL)
			h->tail->next = j;
		else
			h->head = j;
		h->tail = j;
		h->queued += len;
		h->waiting += len;
		/*
		 * Wake an idle worker once there is a batch worth it, not
		 * for every page: 33,000 wake-ups were 0.15 s of a cold
		 * build.  The rest waits for the next page or the close.
		 */
		if (h->idle && h->waiting >= HP_WAKE)
			pthread_cond_signal(&h->more);
	}
	pthread_mutex_unlock(&h->mu);
	if (!ok) {
		free(j->data);
		free(j);
	}
	return ok;
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int
obj_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct hpobj *)a)->oid,
	    &((const struct hpobj *)b)->oid);
}

/* The pack's trailer: SHA-1 of all it holds, read back once. */
static int
pack_sum(struct histpack *h, unsigned char sum[20])
{
	EVP_MD_CTX	*md;
	unsigned int	 n = 0;
	ssize_t		 r;
	off_t		 at = 0;
	int		 ok = 0;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha1(), NULL) != 1)
		goto out;
	while ((r = pread(h->fd, h->out, HP_CHUNK, at)) > 0) {
		if (EVP_DigestUpdate(md, h->out, (size_t)r) != 1)
			goto out;
		at += r;
	}
	ok = r == 0 && (uint64_t)at == h->off &&
	    EVP_DigestFinal_ex(md, sum, &n) == 1 && n == 20;
out:
	if (!ok)
		kerr("history: pack: cannot checksum %s", h->tmp);
	EVP_MD_CTX_free(md);
	return ok;
}

/*
 * The version 2 index of the pack: fan-out, sorted ids, CRCs, offsets
 * (with the 64-bit table past 2 GiB), the pack's checksum and its own.
 */
static int
write_idx(struct histpack *h, int fd, const unsigned char packsum[20])
{
	EVP_MD_CTX	*md;
	unsigned char	 b[20];
	uint32_t	 fan[256], nlarge = 0;
	unsigned int	 n = 0;
	size_t		 i;
	int		 k, rc = 0;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha1(), NULL) != 1)
		goto out;
	qsort(h->objs, h->nobj, sizeof(*h->objs), obj_cmp);
	memset(fan, 0, sizeof(fan));
	for (i = 0; i < h->nobj; i++)
		for (k = h->objs[i].oid.id[0]; k < 256; k++)
			fan[k]++;
	h->outn = 0;
	memcpy(b, "\377tOc", 4);
	be32(b + 4, 2);
	if (!put_out(h, fd, md, b, 8))
		goto out;
	for (k = 0; k < 256; k++) {
		be32(b, fan[k]);
		if (!put_out(h, fd, md, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++)
		if (!put_out(h, fd, md, h->objs[i].oid.id, GIT_OID_RAWSZ))
			goto out;
	for (i = 0; i < h->nobj; i++) {
		be32(b, h->objs[i].crc);
		if (!put_out(h, fd, md, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++) {
		be32(b, h->objs[i].off < 0x80000000u ?
		    (uint32_t)h->objs[i].off : 0x80000000u | nlarge++);
		if (!put_out(h, fd, md, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++) {
		if (h->objs[i].off < 0x80000000u)
			continue;
		be32(b, (uint32_t)(h->objs[i].off >> 32));
		be32(b + 4, (uint32_t)h->objs[i].off);
		if (!put_out(h, fd, md, b, 8))
			goto out;
	}
	if (!put_out(h, fd, md, packsum, 20) || !flush_out(h, fd) ||
	    EVP_DigestFinal_ex(md, b, &n) != 1 || n != 20)
		goto out;
	rc = write_all(fd, b, 20);
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* Stop the worker after it has packed everything queued. */
static void
stop(struct histpack *h)
{
	if (!h->started)
		return;
	pthread_mutex_lock(&h->mu);
	h->closing = 1;
	pthread_cond_signal(&h->more);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thr, NULL);
	h->started = 0;
}

/* By path (git's index order), then by put order. */
static int
ent_cmp(const void *a, const void *b)
{
	const struct hpent	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->e.path, y->e.path)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
path_cmp(const void *key, const void *ent)
{
	return strcmp(key, ((const struct hpent *)ent)->e.path);
}

/*
 * Finish the pack: its count, trailer and index, renamed into place (no
 * pack at all when it holds no object).  After this, histpack_entry()
 * answers.  1 ok, 0 error (printed).
 */
int
histpack_finish(struct histpack *h)
{
	unsigned char	 cnt[4], sum[20];
	char		 tidx[PATH_MAX], name[PATH_MAX];
	char		 hex[GIT_OID_HEXSZ + 1];
	git_oid		 sumoid;
	size_t		 i, n;
	int		 ifd = -1, rc = 0;

	stop(h);
	tidx[0] = '\0';
	if (h->failed)
		goto out;
	/* Sorted by path, the last put of a path kept. */
	if (h->nent > 0)
		qsort(h->ents, h->nent, sizeof(*h->ents), ent_cmp);
	for (i = n = 0; i < h->nent; i++) {
		if (n > 0 && strcmp(h->ents[n - 1].e.path,
		    h->ents[i].e.path) == 0) {
			free((char *)h->ents[n - 1].e.path);
			h->ents[n - 1] = h->ents[i];
			continue;
		}
		h->ents[n++] = h->ents[i];
	}
	h->nent = n;
	h->sorted = 1;
	if (h->loose || h->nobj == 0) {
		rc = 1;
		goto out;
	}
	be32(cnt, (uint32_t)h->nobj);
	if (pwrite(h->fd, cnt, sizeof(cnt), 8) != (ssize_t)sizeof(cnt) ||
	    !pack_sum(h, sum) || !write_all(h->fd, sum, sizeof(sum)) ||
	    fchmod(h->fd, 0444) < 0) {
		kerr("history: %s: %s", h->tmp, strerror(errno));
		goto out;
	}
	if ((size_t)snprintf(tidx, sizeof(tidx), "%s/tmp_kenmin_XXXXXX",
	    h->dir) >= sizeof(tidx) || (ifd = mkstemp(tidx)) < 0) {
		kerr("history: %s: cannot create the pack index", h->dir);
		tidx[0] = '\0';
		goto out;
	}
	if (!write_idx(h, ifd, sum) || fchmod(ifd, 0444) < 0 ||
	    close(ifd) < 0) {
		kerr("history: %s: index not written", tidx);
		ifd = -1;
		goto out;
	}
	ifd = -1;
	/* The pack first: a reader finds a pack by its index. */
	git_oid_fromraw(&sumoid, sum);
	git_oid_tostr(hex, sizeof(hex), &sumoid);
	if ((size_t)snprintf(name, sizeof(name), "%s/pack-%s.pack", h->dir,
	    hex) >= sizeof(name) || rename(h->tmp, name) < 0) {
		kerr("history: %s: %s", name, strerror(errno));
		goto out;
	}
	h->tmp[0] = '\0';
	if ((size_t)snprintf(name, sizeof(name), "%s/pack-%s.idx", h->dir,
	    hex) >= sizeof(name) || rename(tidx, name) < 0) {
		kerr("history: %s: %s", name, strerror(errno));
		goto out;
	}
	tidx[0] = '\0';
	rc = 1;
out:
	if (ifd >= 0)
		close(ifd);
	if (tidx[0] != '\0')
		unlink(tidx);
	if (!rc) {		/* nothing to stage from */
		for (i = 0; i < h->nent; i++)
			free((char *)h->ents[i].e.path);
		h->nent = 0;
	}
	return rc;
}

/*
 * The index entry of relpath as the run wrote it (with its blob id and
 * stat data), or NULL if it was not put.  After histpack_finish().
 */
const git_index_entry *
histpack_entry(const struct histpack *h, const char *relpath)
{
	const struct hpent	*e;

	if (h == NULL || !h->sorted || h->nent == 0)
		return NULL;
	e = bsearch(relpath, h->ents, h->nent, sizeof(*h->ents), path_cmp);
	return e == NULL ? NULL : &e->e;
}

/*
 * After histpack_finish(): every entry (path, blob id, stat data)
 * appended to b for another process's histpack_import(); the blobs are
 * in this pack, now in objects/pack.
 */
void
histpack_export(const struct histpack *h, struct buf *b)
{
	struct hpent	 e;
	size_t		 i, n;

	buf_putn(b, &h->nent, sizeof(h->nent));
	for (i = 0; i < h->nent; i++) {
		e = h->ents[i];
		n = strlen(e.e.path);
		e.e.path = NULL;
		buf_putn(b, &e, sizeof(e));
		buf_putn(b, &n, sizeof(n));
		buf_putn(b, h->ents[i].e.path, n);
	}
}

/*
 * Add the entries histpack_export() wrote (read back by rd), before
 * this pack's histpack_finish(), so that histpack_entry() knows them
 * too.  1 ok, 0 error (printed).
 */
int
histpack_import(struct histpack *h, struct bufrd *rd)
{
	struct hpent	 e;
	char		 path[PATH_MAX];
	size_t		 n, i, len;

	if (!bufrd_get(rd, &n, sizeof(n)))
		goto fail;
	for (i = 0; i < n; i++) {
		if (!bufrd_get(rd, &e, sizeof(e)) ||
		    !bufrd_get(rd, &len, sizeof(len)) ||
		    len >= sizeof(path) || !bufrd_get(rd, path, len))
			goto fail;
		path[len] = '\0';
		pthread_mutex_lock(&h->mu);
		if (h->nent == h->maxent) {
			h->maxent = h->maxent == 0 ? 4096 : 2 * h->maxent;
			h->ents = xrealloc(h->ents,
			    h->maxent * sizeof(*h->ents));
		}
		e.e.path = xstrdup(path);
		e.seq = h->nent;
		h->ents[h->nent++] = e;
		h->sorted = 0;
		pthread_mutex_unlock(&h->mu);
	}
	return 1;
fail:
	kerr("history: import: a worker's report is cut short");
	return 0;
}

void
histpack_free(struct histpack *h)
{
	struct hpjob	*j;
	size_t		 i;

	if (h == NULL)
		return;
	stop(h);
	while ((j = h->head) != NULL) {
		h->head = j->next;
		free(j->data);
		free(j);
	}
	if (h->fd >= 0)
		close(h->fd);
	if (h->tmp[0] != '\0')
		unlink(h->tmp);
	for (i = 0; i < h->nent; i++)
		free((char *)h->ents[i].e.path);
	free(h->ents);
	free(h->objs);
	free(h->seen);
	free(h->out);
	free(h->z);
	free(h->raw);
	libdeflate_free_compressor(h->dc);
	EVP_MD_CTX_free(h->md);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->more);
	pthread_cond_destroy(&h->room);
	free(h);
}
