/*
 * test_upload.c: the type check of uploaded files (form.c form_sniff):
 * the content decides the type, the extension must agree, and active
 * content (Office macros, PDF scripts) is told apart.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "buf.h"
#include "extern.h"

#define ZIP_MAX	4096

static void
put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, size_t v)
{
	put16(p, (unsigned int)(v & 0xffff));
	put16(p + 2, (unsigned int)(v >> 16));
}

/*
 * A stored (uncompressed, empty) ZIP archive with the given entry
 * names, as an OOXML file is laid out: local headers, the central
 * directory, the end record.  Returns its size in out[ZIP_MAX].
 */
static size_t
zip(unsigned char *out, const char *const *names, size_t n)
{
	size_t	 off[16], pos = 0, cd, i, nl;

	memset(out, 0, ZIP_MAX);
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		off[i] = pos;
		memcpy(out + pos, "PK\3\4", 4);
		put16(out + pos + 26, (unsigned int)nl);
		memcpy(out + pos + 30, names[i], nl);
		pos += 30 + nl;
	}
	cd = pos;
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		memcpy(out + pos, "PK\1\2", 4);
		put16(out + pos + 28, (unsigned int)nl);
		put32(out + pos + 42, off[i]);
		memcpy(out + pos + 46, names[i], nl);
		pos += 46 + nl;
	}
	memcpy(out + pos, "PK\5\6", 4);
	put16(out + pos + 8, (unsigned int)n);
	put16(out + pos + 10, (unsigned int)n);
	put32(out + pos + 12, pos - cd);
	put32(out + pos + 16, cd);
	return pos + 22;
}

/* form_sniff() on p[0..sz) named name; *label gets the type's name. */
static enum fsniff
sniff(const void *p, size_t sz, const char *name, const char **label)
{
	const char	*mime, *lb;
	enum fsniff	 r;

	r = form_sniff(p, sz, name, &mime, &lb);
	if (label != NULL)
		*label = lb;
	return r;
}

int
main(void)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >>\n"
	    "endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	static const char pdfjs[] = "%PDF-1.4\n1 0 obj << /OpenAction << "
	    "/S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n";
	static const char pdfjsx[] = "%PDF-1.4\n1 0 obj << /JSON 1 >>\n"
	    "endobj\n%%EOF\n";
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16,
	    'J', 'F', 'I', 'F', 0 };
	static const char gif[] = "GIF89a\1\0\1\0";
	static const char exe[] = "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff";
	static const char *const docx[] = { "[Content_Types].xml",
	    "_rels/.rels", "word/document.xml" };
	static const char *const xlsx[] = { "[Content_Types].xml",
	    "xl/workbook.xml", "xl/worksheets/sheet1.xml" };
	static const char *const pptx[] = { "[Content_Types].xml",
	    "ppt/presentation.xml" };
	static const char *const docm[] = { "[Content_Types].xml",
	    "word/document.xml", "word/vbaProject.bin" };
	static const char *const plainzip[] = { "readme.txt", "word/x.xml" };
	static const unsigned char ole_magic[8] = { 0xd0, 0xcf, 0x11, 0xe0,
	    0xa1, 0xb1, 0x1a, 0xe1 };
	static const unsigned char vba[] = { '_', 0, 'V', 0, 'B', 0, 'A', 0,
	    '_', 0, 'P', 0, 'R', 0, 'O', 0, 'J', 0, 'E', 0, 'C', 0, 'T', 0 };
	unsigned char	 z[ZIP_MAX], ole[1024];
	const char	*mime, *label;
	size_t		 zn;

	/* PDF */
	T_OK(form_sniff(pdf, sizeof(pdf) - 1, "申込書.pdf", &mime, &label) ==
	    FSNIFF_OK, "a PDF named .pdf is accepted");
	T_STREQ(mime, "application/pdf", "its type is application/pdf");
	T_STREQ(label, "PDF", "its name is PDF");
	T_OK(sniff(pdf, sizeof(pdf) - 1, "A.PDF", NULL) == FSNIFF_OK,
	    "the extension is compared without case");
	T_OK(sniff(pdf, sizeof(pdf) - 1, "pdf", NULL) == FSNIFF_EXT,
	    "a file without an extension is refused");
	T_OK(sniff(pdf, sizeof(pdf) - 1, "a.pdf.", NULL) == FSNIFF_EXT,
	    "an empty extension is refused");
	T_OK(sniff(pdf, sizeof(pdf) - 1, "a.png", NULL) == FSNIFF_EXT,
	    "a PDF named .png is refused as a mismatch");
	T_OK(sniff(pdfjs, sizeof(pdfjs) - 1, "a.pdf", NULL) == FSNIFF_ACTIVE,
	    "a PDF with JavaScript is active content");
	T_OK(sniff(pdfjsx, sizeof(pdfjsx) - 1, "a.pdf", NULL) == FSNIFF_OK,
	    "a name that only starts with /JS is not a script");
	T_OK(sniff("%PDF", 4, "a.pdf", NULL) == FSNIFF_UNKNOWN,
	    "a truncated PDF header is unknown");

	/* Images */
	T_OK(sniff(png, sizeof(png), "photo.png", &label) == FSNIFF_OK,
	    "a PNG named .png is accepted");
	T_STREQ(label, "PNG", "its name is PNG");
	T_OK(sniff(png, sizeof(png), "photo.pdf", NULL) == FSNIFF_EXT,
	    "a PNG named .pdf is refused");
	T_OK(sniff(jpeg, sizeof(jpeg), "a.jpg", NULL) == FSNIFF_OK &&
	    sniff(jpeg, sizeof(jpeg), "a.JPEG", NULL) == FSNIFF_OK,
	    "a JPEG named .jpg or .JPEG is accepted");
	T_OK(sniff(jpeg, sizeof(jpeg), "a.gif", NULL) == FSNIFF_EXT,
	    "a JPEG named .gif is refused");
	T_OK(sniff(gif, sizeof(gif) - 1, "a.gif", NULL) == FSNIFF_OK,
	    "a GIF named .gif is accepted");

	/* Unknown content */
	T_OK(sniff(exe, sizeof(exe) - 1, "setup.pdf", NULL) == FSNIFF_UNKNOWN,
	    "a program renamed .pdf is an unknown type");
	T_OK(sniff("hello", 5, "a.txt", NULL) == FSNIFF_UNKNOWN,
	    "plain text is an unknown type");
	T_OK(sniff("", 0, "a.pdf", NULL) == FSNIFF_UNKNOWN,
	    "an empty file is an unknown type");
	T_OK(sniff("<html><script>", 14, "a.html", NULL) == FSNIFF_UNKNOWN,
	    "HTML is an unknown type");

	/* Legacy Office (OLE compound file) */
	memset(ole, 0, sizeof(ole));
	memcpy(ole, ole_magic, sizeof(ole_magic));
	T_OK(sniff(ole, sizeof(ole), "a.doc", &label) == FSNIFF_OK,
	    "a compound file named .doc is accepted");
	T_STREQ(label, "Word", ".doc is Word");
	T_OK(sniff(ole, sizeof(ole), "a.xls", &label) == FSNIFF_OK,
	    "a compound file named .xls is accepted");
	T_STREQ(label, "Excel", ".xls is Excel");
	T_OK(sniff(ole, sizeof(ole), "a.ppt", &label) == FSNIFF_OK,
	    "a compound file named .ppt is accepted");
	T_STREQ(label, "PowerPoint", ".ppt is PowerPoint");
	T_OK(sniff(ole, sizeof(ole), "a.docx", NULL) == FSNIFF_EXT,
	    "a compound file named .docx is refused");
	T_OK(sniff(ole, 100, "a.doc", NULL) == FSNIFF_UNKNOWN,
	    "a compound file shorter than its header is unknown");
	memcpy(ole + 600, vba, sizeof(vba));
	T_OK(sniff(ole, sizeof(ole), "a.xls", NULL) == FSNIFF_ACTIVE,
	    "a compound file with a VBA project is active content");

	/* OOXML */
	zn = zip(z, docx, 3);
	T_OK(form_sniff(z, zn, "a.docx", &mime, &label) == FSNIFF_OK,
	    "a .docx is accepted");
	T_OK(mime != NULL && strstr(mime, "wordprocessingml") != NULL,
	    "its type is the Word OOXML type");
	T_OK(sniff(z, zn, "a.xlsx", NULL) == FSNIFF_EXT,
	    "a Word document named .xlsx is refused");
	T_OK(sniff(z, zn, "a.zip", NULL) == FSNIFF_EXT,
	    "a Word document named .zip is refused");
	zn = zip(z, xlsx, 3);
	T_OK(sniff(z, zn, "a.xlsx", &label) == FSNIFF_OK,
	    "a .xlsx is accepted");
	T_STREQ(label, "Excel", ".xlsx is Excel");
	zn = zip(z, pptx, 2);
	T_OK(sniff(z, zn, "a.pptx", &label) == FSNIFF_OK,
	    "a .pptx is accepted");
	T_STREQ(label, "PowerPoint", ".pptx is PowerPoint");
	zn = zip(z, docm, 3);
	T_OK(sniff(z, zn, "a.docx", NULL) == FSNIFF_ACTIVE,
	    "a document with vbaProject.bin is active content");
	zn = zip(z, plainzip, 2);
	T_OK(sniff(z, zn, "a.docx", NULL) == FSNIFF_UNKNOWN,
	    "a ZIP without [Content_Types].xml is unknown");
	zn = zip(z, docx, 3);
	put32(z + zn - 6, 100000);
	T_OK(sniff(z, zn, "a.docx", NULL) == FSNIFF_UNKNOWN,
	    "a central directory past the end is unknown, not read");
	zn = zip(z, docx, 3);
	T_OK(sniff(z, zn - 30, "a.docx", NULL) == FSNIFF_UNKNOWN,
	    "a truncated archive is unknown");
	zn = zip(z, docx, 3);
	put16(z + zn - 12, 60000);
	T_OK(sniff(z, zn, "a.docx", NULL) == FSNIFF_UNKNOWN,
	    "an entry count past the directory is unknown");
	return t_done();
}
