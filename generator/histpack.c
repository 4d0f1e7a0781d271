/*
 * histpack.c: the first commit of a site written as one pack: every file
 * and directory of site_dir becomes a blob or tree object streamed into
 * libgit2's pack indexer (git_odb_write_pack), instead of one compressed
 * loose-object file per page, which on a cold build cost more than
 * rendering the pages did.
 *
 * Two passes: the first walks site_dir in git's tree order, hashes every
 * file and builds every tree in memory; the second writes the new
 * objects (no deltas, zlib level 1) into objects/pack as a version 2
 * pack with its version 2 index, which we can write ourselves because
 * we know every object's id, offset and CRC: libgit2's own indexer
 * would inflate and hash all of it a second time.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <zlib.h>

#include "buf.h"
#include "util.h"
#include "extern.h"

#define HP_FILE_MAX	((size_t)256 * 1024 * 1024)	/* one site file */
#define HP_TREE_MAX	((size_t)64 * 1024 * 1024)	/* one tree object */
#define HP_CHUNK	((size_t)256 * 1024)		/* pack stream writes */
#define HP_DEPTH_MAX	32				/* directory nesting */

/* ---- SHA-1 (FIPS 180-4), for the pack trailer only ---- */

struct sha1 {
	uint32_t	 h[5];
	uint64_t	 len;		/* bytes hashed */
	unsigned char	 blk[64];
	size_t		 n;		/* bytes in blk */
};

static uint32_t
rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void
sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t	 w[80], a, b, c, d, e, f, k, t;
	int		 i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0];
	b = s->h[1];
	c = s->h[2];
	d = s->h[3];
	e = s->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void
sha1_init(struct sha1 *s)
{
	memset(s, 0, sizeof(*s));
	s->h[0] = 0x67452301;
	s->h[1] = 0xEFCDAB89;
	s->h[2] = 0x98BADCFE;
	s->h[3] = 0x10325476;
	s->h[4] = 0xC3D2E1F0;
}

static void
sha1_update(struct sha1 *s, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 take;

	s->len += len;
	while (len > 0) {
		take = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->blk + s->n, p, take);
		s->n += take;
		p += take;
		len -= take;
		if (s->n == 64) {
			sha1_block(s, s->blk);
			s->n = 0;
		}
	}
}

static void
sha1_final(struct sha1 *s, unsigned char out[20])
{
	unsigned char	 pad[72];
	uint64_t	 bits = s->len * 8;
	size_t		 padn, i;

	padn = s->n < 56 ? 56 - s->n : 120 - s->n;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padn + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padn + 8);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

/* ---- the walk ---- */

/* An object the pack will hold: a file to read again, or a tree. */
struct hpobj {
	git_oid		 oid;
	uint64_t	 off;		/* in the pack */
	uint32_t	 crc;		/* of its bytes in the pack */
	git_object_t	 type;
	char		*path;		/* blob: file under the root */
	unsigned char	*data;		/* tree: its content */
	size_t		 size;
};

struct hp {
	git_odb		*odb;
	int		 rootfd;
	struct hpobj	*objs;
	size_t		 nobj;
	size_t		 maxobj;
	git_index_entry	*ents;		/* every file, in index order */
	size_t		 nent;
	size_t		 maxent;
	git_oid		*seen;		/* open addressing, 0 = free */
	size_t		 seenmax;	/* a power of two */
	size_t		 nseen;
	/* pass 2 */
	int		 fd;		/* the pack being written */
	uint64_t	 off;		/* bytes written to it */
	uint32_t	 crc;		/* of the current object */
	struct sha1	 sha;
	unsigned char	*out;		/* HP_CHUNK bytes of pack stream */
	size_t		 outn;
};

struct hpent {
	char		*name;
	int		 dir;
};

static int
oid_zero(const git_oid *o)
{
	static const git_oid	 zero;

	return memcmp(o, &zero, sizeof(zero)) == 0;
}

/* 1 if oid was new (now remembered), 0 if seen before. */
static int
seen_add(struct hp *h, const git_oid *oid)
{
	git_oid		*old;
	size_t		 i, oldmax;
	uint64_t	 k;

	if (2 * (h->nseen + 1) > h->seenmax) {
		old = h->seen;
		oldmax = h->seenmax;
		h->seenmax = oldmax == 0 ? 4096 : 2 * oldmax;
		h->seen = xcalloc(h->seenmax, sizeof(git_oid));
		h->nseen = 0;
		for (i = 0; i < oldmax; i++)
			if (!oid_zero(&old[i]))
				(void)seen_add(h, &old[i]);
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

static void
obj_add(struct hp *h, const git_oid *oid, git_object_t type, char *path,
    unsigned char *data, size_t size)
{
	if (h->nobj == h->maxobj) {
		h->maxobj = h->maxobj == 0 ? 4096 : 2 * h->maxobj;
		h->objs = xrealloc(h->objs, h->maxobj *
		    sizeof(struct hpobj));
	}
	h->objs[h->nobj].oid = *oid;
	h->objs[h->nobj].type = type;
	h->objs[h->nobj].path = path;
	h->objs[h->nobj].data = data;
	h->objs[h->nobj++].size = size;
}

/*
 * Remember file rel for the index, with the stat data a later run
 * compares to skip it.  The walk meets paths in git's tree order,
 * which is the index's order, so adding them later only appends.
 */
static void
ent_add(struct hp *h, const char *rel, const git_oid *oid,
    const struct stat *st)
{
	git_index_entry	*e;

	if (h->nent == h->maxent) {
		h->maxent = h->maxent == 0 ? 4096 : 2 * h->maxent;
		h->ents = xrealloc(h->ents, h->maxent * sizeof(*h->ents));
	}
	e = &h->ents[h->nent++];
	memset(e, 0, sizeof(*e));
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
	e->id = *oid;
	e->path = xstrdup(rel);
}

/*
 * Read the file rel (under the root) into b (replaced), and its stat
 * data into st unless NULL.  1 ok.
 */
static int
read_rel(struct hp *h, const char *rel, struct buf *b, struct stat *st)
{
	unsigned char	 tmp[65536];
	ssize_t		 n;
	int		 fd, rc = 0;

	buf_reset(b);
	if ((fd = openat(h->rootfd, rel, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0) {
		kerr("history: %s: %s", rel, strerror(errno));
		return 0;
	}
	if (st != NULL && fstat(fd, st) < 0) {
		kerr("history: %s: %s", rel, strerror(errno));
		close(fd);
		return 0;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_putn(b, (const char *)tmp, (size_t)n);
	if (n < 0)
		kerr("history: %s: %s", rel, strerror(errno));
	else if (!buf_ok(b))
		kerr("history: %s: larger than %zu bytes", rel, HP_FILE_MAX);
	else
		rc = 1;
	close(fd);
	return rc;
}

/*
 * Git orders tree entries by name, a directory's name compared as if it
 * ended in "/".
 */
static int
ent_cmp(const void *a, const void *b)
{
	const struct hpent	*x = a, *y = b;
	size_t			 lx = strlen(x->name), ly = strlen(y->name);
	size_t			 n = lx < ly ? lx : ly;
	int			 r, cx, cy;

	if ((r = memcmp(x->name, y->name, n)) != 0)
		return r;
	cx = lx > n ? (unsigned char)x->name[n] : x->dir ? '/' : 0;
	cy = ly > n ? (unsigned char)y->name[n] : y->dir ? '/' : 0;
	return cx - cy;
}

/* The entries of directory rel ("" is the root), sorted; NULL error. */
static struct hpent *
list_dir(struct hp *h, const char *rel, size_t *np)
{
	struct hpent	*v = NULL;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n = 0, max = 0;
	int		 fd, dir;

	*np = 0;
	fd = openat(h->rootfd, *rel == '\0' ? "." : rel,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		kerr("history: %s: %s", *rel == '\0' ? "." : rel,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR)
			dir = 1;
		else if (de->d_type == DT_REG)
			dir = 0;
		else if (de->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 &&
		    (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			dir = S_ISDIR(st.st_mode);
		else
			continue;	/* the site holds no other kinds */
		if (n == max) {
			max = max == 0 ? 64 : 2 * max;
			v = xrealloc(v, max * sizeof(*v));
		}
		v[n].name = xstrdup(de->d_name);
		v[n++].dir = dir;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), ent_cmp);
	*np = n;
	return v == NULL ? xcalloc(1, sizeof(*v)) : v;
}

/*
 * Hash directory rel into *oid, remembering every object the pack must
 * hold.  1 ok, 0 the directory holds no file (git keeps no empty
 * trees), -1 error.
 */
static int
walk(struct hp *h, const char *rel, int depth, git_oid *oid)
{
	struct hpent	*v;
	struct buf	 tree, file, sub;
	struct stat	 st;
	git_oid		 eoid;
	size_t		 n, i;
	int		 r, rc = -1;

	if (depth > HP_DEPTH_MAX) {
		kerr("history: %s: nested too deep", rel);
		return -1;
	}
	if ((v = list_dir(h, rel, &n)) == NULL)
		return -1;
	buf_init(&tree, HP_TREE_MAX);
	buf_init(&file, HP_FILE_MAX);
	buf_init(&sub, PATH_MAX);
	for (i = 0; i < n; i++) {
		buf_reset(&sub);
		if (*rel != '\0')
			buf_printf(&sub, "%s/", rel);
		buf_puts(&sub, v[i].name);
		if (!buf_ok(&sub)) {
			kerr("history: %s: path too long", rel);
			goto out;
		}
		if (v[i].dir) {
			if ((r = walk(h, buf_str(&sub), depth + 1, &eoid)) < 0)
				goto out;
			if (r == 0)
				continue;
			buf_printf(&tree, "40000 %s", v[i].name);
		} else {
			if (!read_rel(h, buf_str(&sub), &file, &st) ||
			    git_odb_hash(&eoid, file.p, file.len,
			    GIT_OBJECT_BLOB) < 0)
				goto out;
			ent_add(h, buf_str(&sub), &eoid, &st);
			if (seen_add(h, &eoid) &&
			    !git_odb_exists(h->odb, &eoid))
				obj_add(h, &eoid, GIT_OBJECT_BLOB,
				    xstrdup(buf_str(&sub)), NULL, 0);
			buf_printf(&tree, "100644 %s", v[i].name);
		}
		buf_putc(&tree, '\0');
		buf_putn(&tree, (const char *)eoid.id, GIT_OID_RAWSZ);
	}
	if (!buf_ok(&tree)) {
		kerr("history: %s: directory too large", rel);
		goto out;
	}
	if (tree.len == 0) {
		rc = 0;
		goto out;
	}
	if (git_odb_hash(oid, tree.p, tree.len, GIT_OBJECT_TREE) < 0)
		goto out;
	if (seen_add(h, oid) && !git_odb_exists(h->odb, oid)) {
		obj_add(h, oid, GIT_OBJECT_TREE, NULL,
		    memcpy(xmalloc(tree.len), tree.p, tree.len), tree.len);
	}
	rc = 1;
out:
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	buf_free(&tree);
	buf_free(&file);
	buf_free(&sub);
	return rc;
}

/* ---- pass 2: the pack stream ---- */

/* Write buffered bytes to fd; 1 ok, 0 error (printed). */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			kerr("history: pack: %s", strerror(errno));
			return 0;
		}
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

static int
flush_out(struct hp *h)
{
	if (h->outn == 0)
		return 1;
	sha1_update(&h->sha, h->out, h->outn);
	if (!write_all(h->fd, h->out, h->outn))
		return 0;
	h->outn = 0;
	return 1;
}

static int
put_out(struct hp *h, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 take;

	h->crc = (uint32_t)crc32(h->crc, s, (uInt)n);
	h->off += n;
	while (n > 0) {
		take = HP_CHUNK - h->outn < n ? HP_CHUNK - h->outn : n;
		memcpy(h->out + h->outn, s, take);
		h->outn += take;
		s += take;
		n -= take;
		if (h->outn == HP_CHUNK && !flush_out(h))
			return 0;
	}
	return 1;
}

/* One object: its type-and-size header, then its deflated bytes. */
static int
put_obj(struct hp *h, git_object_t type, const unsigned char *data,
    size_t size)
{
	unsigned char	 hdr[16], z[65536];
	z_stream	 zs;
	size_t		 n = 0, s = size;
	int		 zr, rc = 0;

	hdr[n] = (unsigned char)((type << 4) | (s & 0x0F));
	s >>= 4;
	while (s > 0) {
		hdr[n++] |= 0x80;
		hdr[n] = (unsigned char)(s & 0x7F);
		s >>= 7;
	}
	if (!put_out(h, hdr, n + 1))
		return 0;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, 1) != Z_OK) {
		kerr("history: zlib: cannot start");
		return 0;
	}
	zs.next_in = (unsigned char *)(uintptr_t)data;
	zs.avail_in = (uInt)size;
	do {
		zs.next_out = z;
		zs.avail_out = sizeof(z);
		zr = deflate(&zs, Z_FINISH);
		if (zr == Z_STREAM_ERROR) {
			kerr("history: zlib: deflate failed");
			goto out;
		}
		if (!put_out(h, z, sizeof(z) - zs.avail_out))
			goto out;
	} while (zr != Z_STREAM_END);
	rc = 1;
out:
	deflateEnd(&zs);
	return rc;
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
oid_cmp(const void *a, const void *b)
{
	const struct hpobj	*x = *(struct hpobj *const *)a;
	const struct hpobj	*y = *(struct hpobj *const *)b;

	return git_oid_cmp(&x->oid, &y->oid);
}

/*
 * The version 2 index of the pack: fan-out, sorted ids, CRCs, offsets
 * (with the 64-bit table past 2 GiB), the pack's checksum and its own.
 */
static int
write_idx(struct hp *h, int fd, const unsigned char packsum[20])
{
	struct hpobj	**v;
	struct sha1	 sha;
	unsigned char	 b[20];
	uint32_t	 fan[256], nlarge = 0;
	size_t		 i;
	int		 k, rc = 0;

	v = xcalloc(h->nobj, sizeof(*v));
	for (i = 0; i < h->nobj; i++)
		v[i] = &h->objs[i];
	qsort(v, h->nobj, sizeof(*v), oid_cmp);
	memset(fan, 0, sizeof(fan));
	for (i = 0; i < h->nobj; i++)
		for (k = v[i]->oid.id[0]; k < 256; k++)
			fan[k]++;
	sha1_init(&sha);
	h->fd = fd;
	h->sha = sha;
	h->outn = 0;
	memcpy(b, "\377tOc", 4);
	be32(b + 4, 2);
	if (!put_out(h, b, 8))
		goto out;
	for (k = 0; k < 256; k++) {
		be32(b, fan[k]);
		if (!put_out(h, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++)
		if (!put_out(h, v[i]->oid.id, GIT_OID_RAWSZ))
			goto out;
	for (i = 0; i < h->nobj; i++) {
		be32(b, v[i]->crc);
		if (!put_out(h, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++) {
		be32(b, v[i]->off < 0x80000000u ? (uint32_t)v[i]->off :
		    0x80000000u | nlarge++);
		if (!put_out(h, b, 4))
			goto out;
	}
	for (i = 0; i < h->nobj; i++) {
		if (v[i]->off < 0x80000000u)
			continue;
		be32(b, (uint32_t)(v[i]->off >> 32));
		be32(b + 4, (uint32_t)v[i]->off);
		if (!put_out(h, b, 8))
			goto out;
	}
	if (!put_out(h, packsum, 20) || !flush_out(h))
		goto out;
	sha1_final(&h->sha, b);
	rc = write_all(fd, b, 20);
out:
	free(v);
	return rc;
}

/* Write the pack and its index into dir (objects/pack).  1 ok. */
static int
write_pack(struct hp *h, const char *dir)
{
	unsigned char	 head[12], sum[20];
	char		 tpack[PATH_MAX], tidx[PATH_MAX], name[PATH_MAX];
	char		 hex[GIT_OID_HEXSZ + 1];
	git_oid		 sumoid;
	struct buf	 file;
	size_t		 i;
	int		 ifd = -1, rc = 0;

	tpack[0] = tidx[0] = '\0';
	if ((size_t)snprintf(tpack, sizeof(tpack), "%s/tmp_kenmin_XXXXXX",
	    dir) >= sizeof(tpack) || (size_t)snprintf(tidx, sizeof(tidx),
	    "%s/tmp_kenmin_XXXXXX", dir) >= sizeof(tidx)) {
		kerr("history: %s: path too long", dir);
		tpack[0] = tidx[0] = '\0';
		return 0;
	}
	if ((h->fd = mkstemp(tpack)) < 0) {
		kerr("history: %s: %s", tpack, strerror(errno));
		tpack[0] = tidx[0] = '\0';
		return 0;
	}
	buf_init(&file, HP_FILE_MAX);
	h->out = xmalloc(HP_CHUNK);
	sha1_init(&h->sha);
	memcpy(head, "PACK", 4);
	be32(head + 4, 2);
	be32(head + 8, (uint32_t)h->nobj);
	if (!put_out(h, head, sizeof(head)))
		goto out;
	for (i = 0; i < h->nobj; i++) {
		h->objs[i].off = h->off;
		h->crc = (uint32_t)crc32(0L, Z_NULL, 0);
		if (h->objs[i].type == GIT_OBJECT_BLOB) {
			if (!read_rel(h, h->objs[i].path, &file, NULL) ||
			    !put_obj(h, GIT_OBJECT_BLOB,
			    (const unsigned char *)file.p, file.len))
				goto out;
		} else if (!put_obj(h, h->objs[i].type, h->objs[i].data,
		    h->objs[i].size))
			goto out;
		h->objs[i].crc = h->crc;
	}
	if (!flush_out(h))
		goto out;
	sha1_final(&h->sha, sum);
	if (!write_all(h->fd, sum, sizeof(sum)) || fchmod(h->fd, 0444) < 0 ||
	    close(h->fd) < 0) {
		kerr("history: %s: %s", tpack, strerror(errno));
		h->fd = -1;
		goto out;
	}
	h->fd = -1;
	if ((ifd = mkstemp(tidx)) < 0) {
		kerr("history: %s: %s", tidx, strerror(errno));
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
	if ((size_t)snprintf(name, sizeof(name), "%s/pack-%s.pack", dir,
	    hex) >= sizeof(name) || rename(tpack, name) < 0) {
		kerr("history: %s: %s", name, strerror(errno));
		goto out;
	}
	tpack[0] = '\0';
	if ((size_t)snprintf(name, sizeof(name), "%s/pack-%s.idx", dir,
	    hex) >= sizeof(name) || rename(tidx, name) < 0) {
		kerr("history: %s: %s", name, strerror(errno));
		goto out;
	}
	tidx[0] = '\0';
	rc = 1;
out:
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (ifd >= 0)
		close(ifd);
	if (tpack[0] != '\0')
		unlink(tpack);
	if (tidx[0] != '\0')
		unlink(tidx);
	free(h->out);
	h->out = NULL;
	buf_free(&file);
	return rc;
}

/*
 * Write every object of the tree of site_dir that repo lacks as one
 * pack, the root tree's id to *tree, and every file with its stat data
 * to idx (so the next run that stages the whole directory skips the
 * files that did not change).  1 ok, 0 if site_dir holds no file (no
 * tree), -1 error (printed).
 */
int
histpack_tree(git_repository *repo, const char *site_dir, git_index *idx,
    git_oid *tree)
{
	struct hp	 h;
	char		 dir[PATH_MAX];
	size_t		 i;
	int		 r, rc = -1;

	memset(&h, 0, sizeof(h));
	h.rootfd = h.fd = -1;
	if ((size_t)snprintf(dir, sizeof(dir), "%sobjects/pack",
	    git_repository_path(repo)) >= sizeof(dir)) {
		kerr("history: %s: path too long", git_repository_path(repo));
		return -1;
	}
	if (git_repository_odb(&h.odb, repo) < 0) {
		kerr("history: object database: %s", git_error_last() != NULL ?
		    git_error_last()->message : "cannot open");
		return -1;
	}
	if ((h.rootfd = open(site_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		kerr("history: %s: %s", site_dir, strerror(errno));
		goto out;
	}
	if ((r = walk(&h, "", 0, tree)) <= 0) {
		rc = r;
		goto out;
	}
	if (h.nobj > 0 && (!util_mkdirs(dir) || !write_pack(&h, dir)))
		goto out;
	if (git_odb_refresh(h.odb) < 0) {
		kerr("history: object database: cannot refresh");
		goto out;
	}
	for (i = 0; i < h.nent; i++)
		if (git_index_add(idx, &h.ents[i]) < 0) {
			kerr("history: index: %s", git_error_last() != NULL ?
			    git_error_last()->message : "cannot add");
			goto out;
		}
	rc = 1;
out:
	for (i = 0; i < h.nent; i++)
		free((char *)h.ents[i].path);
	free(h.ents);
	for (i = 0; i < h.nobj; i++) {
		free(h.objs[i].path);
		free(h.objs[i].data);
	}
	free(h.objs);
	free(h.seen);
	if (h.rootfd >= 0)
		close(h.rootfd);
	git_odb_free(h.odb);
	return rc;
}
