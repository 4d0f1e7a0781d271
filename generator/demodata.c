/*
 * demodata.c: the seeded random generator and the Japanese vocabulary
 * (names, places, organisations, titles, paragraphs) behind `kenmin-gen
 * demo`; every choice comes from the caller's demo_rng, never the clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "extern.h"

/* ---- the generator: splitmix64 seeding xoshiro256** ---- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	 z;

	z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	int	 i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
demo_rng_next(struct demo_rng *r)
{
	uint64_t	 res, t;

	res = rotl(r->s[1] * 5, 7) * 9;
	t = r->s[1] << 17;
	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

/* A uniform value in [0, n) without modulo bias; 0 when n is 0. */
uint32_t
demo_rng_below(struct demo_rng *r, uint32_t n)
{
	uint64_t	 v, lim;

	if (n <= 1)
		return 0;
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		v = demo_rng_next(r);
	while (v >= lim);
	return (uint32_t)(v % n);
}

int
demo_rng_range(struct demo_rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)demo_rng_below(r, (uint32_t)(hi - lo + 1));
}

int
demo_rng_chance(struct demo_rng *r, unsigned pct)
{
	return demo_rng_below(r, 100) < pct;
}

/* A digit string of the pattern: every '#' becomes a random digit. */
static void
put_pattern(struct demo_rng *r, const char *pat, struct buf *out)
{
	for (; *pat != '\0'; pat++)
		if (*pat == '#')
			buf_putc(out, (char)('0' + demo_rng_below(r, 10)));
		else
			buf_putc(out, *pat);
}

#define PICK(r, a)	((a)[demo_rng_below((r), KENMIN_NELEM(a))])

/* ---- calendar arithmetic (proleptic Gregorian, no time zone) ---- */

int64_t
demo_days_from_ymd(int y, int m, int d)
{
	int64_t	 era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
demo_ymd_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t	 era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

/* Parse YYYY-MM-DD into a day number; 1 ok, 0 if malformed. */
int
demo_parse_date(const char *s, int64_t *out)
{
	int	 y, m, d, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	*out = demo_days_from_ymd(y, m, d);
	return 1;
}

/* Weekday of a day number: 0 = Monday … 6 = Sunday. */
int
demo_weekday(int64_t days)
{
	int64_t	 w;

	w = (days + 3) % 7;	/* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

/* Replace out with the ISO date YYYY-MM-DD of a day number. */
void
demo_date_iso(int64_t days, struct buf *out)
{
	int	 y, m, d;

	demo_ymd_from_days(days, &y, &m, &d);
	buf_reset(out);
	buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

static const char *const wdays[7] = {
	"月", "火", "水", "木", "金", "土", "日"
};

const char *
demo_weekday_name(int w)
{
	return wdays[w >= 0 && w < 7 ? w : 0];
}

/* Append 「2025年2月14日（金）」. */
static void
put_date_ja(int64_t days, struct buf *out)
{
	int	 y, m, d;

	demo_ymd_from_days(days, &y, &m, &d);
	buf_printf(out, "%d年%d月%d日（%s）", y, m, d,
	    wdays[demo_weekday(days)]);
}

/* ---- people ---- */

struct pair {
	const char	*k;	/* as written */
	const char	*r;	/* reading, hiragana */
};

static const struct pair surnames[] = {
	{ "佐藤", "さとう" }, { "鈴木", "すずき" }, { "高橋", "たかはし" },
	{ "田中", "たなか" }, { "伊藤", "いとう" }, { "渡辺", "わたなべ" },
	{ "山本", "やまもと" }, { "中村", "なかむら" }, { "小林", "こばやし" },
	{ "加藤", "かとう" }, { "吉田", "よしだ" }, { "山田", "やまだ" },
	{ "佐々木", "ささき" }, { "山口", "やまぐち" }, { "松本", "まつもと" },
	{ "井上", "いのうえ" }, { "木村", "きむら" }, { "林", "はやし" },
	{ "斎藤", "さいとう" }, { "清水", "しみず" }, { "山崎", "やまさき" },
	{ "森", "もり" }, { "池田", "いけだ" }, { "橋本", "はしもと" },
	{ "阿部", "あべ" }, { "石川", "いしかわ" }, { "山下", "やました" },
	{ "中島", "なかしま" }, { "石井", "いしい" }, { "小川", "おがわ" },
	{ "前田", "まえだ" }, { "岡田", "おかだ" }, { "長谷川", "はせがわ" },
	{ "藤田", "ふじた" }, { "後藤", "ごとう" }, { "近藤", "こんどう" },
	{ "村上", "むらかみ" }, { "遠藤", "えんどう" }, { "青木", "あおき" },
	{ "坂本", "さかもと" }, { "斉藤", "さいとう" }, { "福田", "ふくだ" },
	{ "太田", "おおた" }, { "西村", "にしむら" }, { "藤井", "ふじい" },
	{ "金子", "かねこ" }, { "岡本", "おかもと" }, { "藤原", "ふじわら" },
	{ "中野", "なかの" }, { "三浦", "みうら" }, { "原田", "はらだ" },
	{ "中川", "なかがわ" }, { "松田", "まつだ" }, { "竹内", "たけうち" },
	{ "小野", "おの" }, { "田村", "たむら" }, { "中山", "なかやま" },
	{ "和田", "わだ" }, { "石田", "いしだ" }, { "森田", "もりた" },
	{ "上田", "うえだ" }, { "原", "はら" }, { "内田", "うちだ" },
	{ "柴田", "しばた" }, { "酒井", "さかい" }, { "宮崎", "みやざき" },
	{ "横山", "よこやま" }, { "高木", "たかぎ" }, { "安藤", "あんどう" },
	{ "宮本", "みやもと" }, { "大野", "おおの" }, { "小島", "こじま" },
	{ "谷口", "たにぐち" }, { "今井", "いまい" }, { "工藤", "くどう" },
	{ "高田", "たかだ" }, { "増田", "ますだ" }, { "丸山", "まるやま" },
	{ "杉山", "すぎやま" }, { "村田", "むらた" }, { "大塚", "おおつか" },
	{ "新井", "あらい" }, { "小山", "こやま" }, { "平野", "ひらの" },
	{ "藤本", "ふじもと" }, { "河野", "こうの" }, { "上野", "うえの" },
	{ "野口", "のぐち" }, { "武田", "たけだ" }, { "松井", "まつい" },
	{ "千葉", "ちば" }, { "岩崎", "いわさき" }, { "菅原", "すがわら" },
	{ "木下", "きのした" }, { "久保", "くぼ" }, { "佐野", "さの" },
	{ "野村", "のむら" }, { "松尾", "まつお" }, { "市川", "いちかわ" },
	{ "菊地", "きくち" }, { "杉本", "すぎもと" }, { "古川", "ふるかわ" },
	{ "大西", "おおにし" }, { "島田", "しまだ" }, { "水野", "みずの" },
	{ "桜井", "さくらい" }, { "高野", "たかの" }, { "渡部", "わたなべ" },
	{ "吉川", "よしかわ" }, { "山内", "やまうち" }, { "西田", "にしだ" },
	{ "飯田", "いいだ" }, { "菊池", "きくち" }, { "西川", "にしかわ" },
	{ "小松", "こまつ" }, { "北村", "きたむら" }, { "安田", "やすだ" },
	{ "五十嵐", "いがらし" }, { "川口", "かわぐち" }, { "平田", "ひらた" },
	{ "関", "せき" }, { "中田", "なかた" }, { "久保田", "くぼた" },
	{ "服部", "はっとり" }, { "東", "ひがし" }, { "岩田", "いわた" },
	{ "土屋", "つちや" }, { "川崎", "かわさき" }, { "福島", "ふくしま" },
	{ "本田", "ほんだ" }, { "辻", "つじ" }, { "樋口", "ひぐち" },
	{ "秋山", "あきやま" }, { "田口", "たぐち" }, { "永井", "ながい" },
	{ "山中", "やまなか" }, { "中西", "なかにし" }, { "吉村", "よしむら" },
	{ "川上", "かわかみ" }, { "石原", "いしはら" }, { "大橋", "おおはし" },
	{ "松岡", "まつおか" }, { "馬場", "ばば" }, { "浜田", "はまだ" },
	{ "森本", "もりもと" }, { "星野", "ほしの" }, { "矢野", "やの" },
	{ "浅野", "あさの" }, { "大久保", "おおくぼ" }, { "松下", "まつした" },
	{ "吉井", "よしい" }, { "大谷", "おおたに" }, { "野田", "のだ" },
	{ "荒木", "あらき" }, { "弘中", "ひろなか" }, { "末永", "すえなが" },
	{ "藤村", "ふじむら" }, { "河村", "かわむら" }, { "岡村", "おかむら" },
	{ "三好", "みよし" }, { "守田", "もりた" }, { "松浦", "まつうら" },
	{ "国本", "くにもと" }, { "重村", "しげむら" }, { "有田", "ありた" },
	{ "兼重", "かねしげ" }, { "藤山", "ふじやま" }, { "縄田", "なわた" },
	{ "河本", "こうもと" }, { "福永", "ふくなが" }, { "秋本", "あきもと" },
	{ "村岡", "むらおか" }, { "神田", "かんだ" }, { "田原", "たはら" },
	{ "安部", "あべ" }, { "吉岡", "よしおか" }, { "内山", "うちやま" },
	{ "西岡", "にしおか" }, { "田坂", "たさか" }, { "岡崎", "おかざき" },
	{ "吉永", "よしなが" }, { "重岡", "しげおか" }, { "藤永", "ふじなが" },
	{ "大田", "おおた" }, { "坂井", "さかい" }, { "堀", "ほり" },
	{ "宮田", "みやた" }, { "今村", "いまむら" }, { "梅田", "うめだ" },
	{ "徳永", "とくなが" }, { "椎木", "しいき" }, { "光永", "みつなが" },
	{ "田辺", "たなべ" }, { "小田", "おだ" }, { "木原", "きはら" },
	{ "沖田", "おきた" }, { "中谷", "なかたに" }, { "岡", "おか" },
	{ "山根", "やまね" }, { "国弘", "くにひろ" }, { "白井", "しらい" },
	{ "正木", "まさき" }, { "中原", "なかはら" }, { "三宅", "みやけ" },
	{ "石本", "いしもと" }, { "浦田", "うらた" }, { "広兼", "ひろかね" },
	{ "片山", "かたやま" }, { "栗原", "くりはら" }, { "難波", "なんば" },
};

static const struct pair given_m[] = {
	{ "翔太", "しょうた" }, { "大輔", "だいすけ" }, { "健太", "けんた" },
	{ "拓也", "たくや" }, { "誠", "まこと" }, { "浩", "ひろし" },
	{ "隆", "たかし" }, { "修", "おさむ" }, { "茂", "しげる" },
	{ "健一", "けんいち" }, { "和也", "かずや" }, { "直樹", "なおき" },
	{ "亮", "りょう" }, { "達也", "たつや" }, { "大樹", "だいき" },
	{ "陽介", "ようすけ" }, { "翼", "つばさ" }, { "蓮", "れん" },
	{ "悠真", "ゆうま" }, { "湊", "みなと" }, { "陽翔", "はると" },
	{ "大和", "やまと" }, { "颯太", "そうた" }, { "優斗", "ゆうと" },
	{ "海斗", "かいと" }, { "和夫", "かずお" }, { "正夫", "まさお" },
	{ "清", "きよし" }, { "勝", "まさる" }, { "実", "みのる" },
	{ "進", "すすむ" }, { "明", "あきら" }, { "豊", "ゆたか" },
	{ "正", "ただし" }, { "勇", "いさむ" }, { "武", "たけし" },
	{ "弘", "ひろし" }, { "義明", "よしあき" }, { "俊介", "しゅんすけ" },
	{ "健二", "けんじ" }, { "幸雄", "ゆきお" }, { "秀樹", "ひでき" },
	{ "哲也", "てつや" }, { "聡", "さとし" }, { "剛", "つよし" },
	{ "雄一", "ゆういち" }, { "康弘", "やすひろ" }, { "信行", "のぶゆき" },
	{ "孝", "たかし" }, { "智之", "ともゆき" }, { "克己", "かつみ" },
	{ "裕太", "ゆうた" }, { "淳", "じゅん" }, { "航", "わたる" },
	{ "康介", "こうすけ" }, { "一郎", "いちろう" }, { "賢治", "けんじ" },
	{ "正樹", "まさき" }, { "晃", "あきら" }, { "光男", "みつお" },
	{ "伸也", "しんや" }, { "智也", "ともや" }, { "洋平", "ようへい" },
	{ "圭介", "けいすけ" }, { "敏夫", "としお" }, { "昌平", "しょうへい" },
	{ "慎一", "しんいち" }, { "匠", "たくみ" }, { "樹", "いつき" },
	{ "朝陽", "あさひ" }, { "律", "りつ" }, { "陸", "りく" },
	{ "結翔", "ゆいと" }, { "奏太", "かなた" }, { "泰三", "たいぞう" },
	{ "重雄", "しげお" }, { "高志", "たかし" }, { "恭平", "きょうへい" },
	{ "俊彦", "としひこ" }, { "雅之", "まさゆき" }, { "隼人", "はやと" },
	{ "功", "いさお" }, { "純一", "じゅんいち" }, { "竜也", "たつや" },
	{ "祐介", "ゆうすけ" }, { "啓太", "けいた" }, { "公平", "こうへい" },
	{ "広志", "ひろし" }, { "伸二", "しんじ" }, { "保", "たもつ" },
	{ "悟", "さとる" }, { "英二", "えいじ" }, { "文雄", "ふみお" },
	{ "忠", "ただし" }, { "昇", "のぼる" }, { "貴之", "たかゆき" },
	{ "元気", "げんき" }, { "拓海", "たくみ" }, { "瑛太", "えいた" },
};

static const struct pair given_f[] = {
	{ "陽子", "ようこ" }, { "恵子", "けいこ" }, { "京子", "きょうこ" },
	{ "幸子", "さちこ" }, { "和子", "かずこ" }, { "洋子", "ようこ" },
	{ "美代子", "みよこ" }, { "節子", "せつこ" }, { "久美子", "くみこ" },
	{ "由美子", "ゆみこ" }, { "真由美", "まゆみ" }, { "裕子", "ゆうこ" },
	{ "智子", "ともこ" }, { "直美", "なおみ" }, { "明美", "あけみ" },
	{ "恵美", "えみ" }, { "美香", "みか" }, { "香織", "かおり" },
	{ "愛", "あい" }, { "麻衣", "まい" }, { "彩", "あや" },
	{ "美穂", "みほ" }, { "沙織", "さおり" }, { "由佳", "ゆか" },
	{ "友美", "ともみ" }, { "千尋", "ちひろ" }, { "奈々", "なな" },
	{ "結衣", "ゆい" }, { "陽菜", "ひな" }, { "葵", "あおい" },
	{ "凛", "りん" }, { "芽依", "めい" }, { "紬", "つむぎ" },
	{ "咲良", "さくら" }, { "美咲", "みさき" }, { "彩花", "あやか" },
	{ "七海", "ななみ" }, { "優奈", "ゆうな" }, { "花子", "はなこ" },
	{ "文子", "ふみこ" }, { "順子", "じゅんこ" }, { "典子", "のりこ" },
	{ "悦子", "えつこ" }, { "弘美", "ひろみ" }, { "純子", "じゅんこ" },
	{ "礼子", "れいこ" }, { "静香", "しずか" }, { "美紀", "みき" },
	{ "由紀", "ゆき" }, { "理恵", "りえ" }, { "早苗", "さなえ" },
	{ "聡子", "さとこ" }, { "登美子", "とみこ" }, { "千代子", "ちよこ" },
	{ "春香", "はるか" }, { "菜摘", "なつみ" }, { "瞳", "ひとみ" },
	{ "薫", "かおる" }, { "綾", "あや" }, { "光子", "みつこ" },
	{ "百合子", "ゆりこ" }, { "朋子", "ともこ" }, { "敦子", "あつこ" },
	{ "涼子", "りょうこ" }, { "玲奈", "れいな" }, { "沙耶", "さや" },
	{ "詩織", "しおり" }, { "亜希子", "あきこ" }, { "梨花", "りか" },
	{ "美和", "みわ" }, { "佳代", "かよ" }, { "睦子", "むつこ" },
	{ "美智子", "みちこ" }, { "貴子", "たかこ" }, { "和美", "かずみ" },
	{ "千里", "ちさと" }, { "晴美", "はるみ" }, { "真理", "まり" },
	{ "芳子", "よしこ" }, { "澄子", "すみこ" }, { "秀子", "ひでこ" },
	{ "栄子", "えいこ" }, { "文江", "ふみえ" }, { "信子", "のぶこ" },
	{ "恭子", "きょうこ" }, { "加奈子", "かなこ" }, { "美由紀", "みゆき" },
	{ "里美", "さとみ" }, { "麻美", "あさみ" }, { "杏", "あん" },
	{ "心春", "こはる" }, { "結菜", "ゆいな" }, { "澪", "みお" },
	{ "楓", "かえで" }, { "琴音", "ことね" }, { "日和", "ひより" },
	{ "明日香", "あすか" }, { "さくら", "さくら" }, { "みどり", "みどり" },
	{ "由香里", "ゆかり" }, { "紀子", "のりこ" }, { "郁子", "いくこ" },
};

void
demo_person(struct demo_rng *r, struct demo_person *p)
{
	const struct pair	*s, *g;

	s = &PICK(r, surnames);
	p->female = (int)demo_rng_below(r, 2);
	g = p->female ? &PICK(r, given_f) : &PICK(r, given_m);
	p->sei = s->k;
	p->sei_kana = s->r;
	p->mei = g->k;
	p->mei_kana = g->r;
}

/*
 * Hiragana to Hepburn-like romaji, for e-mail local parts: small ゃゅょ
 * make digraphs, っ doubles the next consonant, anything else (ー,
 * spaces, other scripts) is dropped.
 */
static const struct pair kana_tab[] = {
	{ "あ", "a" }, { "い", "i" }, { "う", "u" }, { "え", "e" }, { "お", "o" },
	{ "か", "ka" }, { "き", "ki" }, { "く", "ku" }, { "け", "ke" }, { "こ", "ko" },
	{ "が", "ga" }, { "ぎ", "gi" }, { "ぐ", "gu" }, { "げ", "ge" }, { "ご", "go" },
	{ "さ", "sa" }, { "し", "shi" }, { "す", "su" }, { "せ", "se" }, { "そ", "so" },
	{ "ざ", "za" }, { "じ", "ji" }, { "ず", "zu" }, { "ぜ", "ze" }, { "ぞ", "zo" },
	{ "た", "ta" }, { "ち", "chi" }, { "つ", "tsu" }, { "て", "te" }, { "と", "to" },
	{ "だ", "da" }, { "ぢ", "ji" }, { "づ", "zu" }, { "で", "de" }, { "ど", "do" },
	{ "な", "na" }, { "に", "ni" }, { "ぬ", "nu" }, { "ね", "ne" }, { "の", "no" },
	{ "は", "ha" }, { "ひ", "hi" }, { "ふ", "fu" }, { "へ", "he" }, { "ほ", "ho" },
	{ "ば", "ba" }, { "び", "bi" }, { "ぶ", "bu" }, { "べ", "be" }, { "ぼ", "bo" },
	{ "ぱ", "pa" }, { "ぴ", "pi" }, { "ぷ", "pu" }, { "ぺ", "pe" }, { "ぽ", "po" },
	{ "ま", "ma" }, { "み", "mi" }, { "む", "mu" }, { "め", "me" }, { "も", "mo" },
	{ "や", "ya" }, { "ゆ", "yu" }, { "よ", "yo" },
	{ "ら", "ra" }, { "り", "ri" }, { "る", "ru" }, { "れ", "re" }, { "ろ", "ro" },
	{ "わ", "wa" }, { "を", "o" }, { "ん", "n" },
	{ "ゃ", "ya" }, { "ゅ", "yu" }, { "ょ", "yo" },
};

static const char *
kana_lookup(const char *p)
{
	size_t	 i;

	for (i = 0; i < KENMIN_NELEM(kana_tab); i++)
		if (strncmp(p, kana_tab[i].k, 3) == 0)
			return kana_tab[i].r;
	return NULL;
}

void
demo_romaji(const char *kana, struct buf *out)
{
	const char	*p, *ro, *next;
	int		 dbl;
	size_t		 len;

	dbl = 0;
	for (p = kana; *p != '\0'; ) {
		if ((unsigned char)*p < 0x80) {
			p++;
			continue;
		}
		if (strncmp(p, "っ", 3) == 0) {
			dbl = 1;
			p += 3;
			continue;
		}
		ro = kana_lookup(p);
		p += ((unsigned char)*p >= 0xe0) ? 3 : 2;
		if (ro == NULL)
			continue;
		next = *p != '\0' ? kana_lookup(p) : NULL;
		if (dbl && ro[0] != '\0')
			buf_putc(out, ro[0] == 'c' ? 't' : ro[0]);
		dbl = 0;
		len = strlen(ro);
		/* き + ゃ → kya, し + ゃ → sha, ち + ゅ → chu, じ + ょ → jo */
		if (next != NULL && next[0] == 'y' && len >= 2 &&
		    ro[len - 1] == 'i' && (strncmp(p, "ゃ", 3) == 0 ||
		    strncmp(p, "ゅ", 3) == 0 || strncmp(p, "ょ", 3) == 0)) {
			if (strcmp(ro, "shi") == 0 || strcmp(ro, "chi") == 0 ||
			    strcmp(ro, "ji") == 0) {
				buf_putn(out, ro, len - 1);
				buf_putc(out, next[1]);
			} else {
				buf_putn(out, ro, len - 1);
				buf_puts(out, next);
			}
			p += 3;
			continue;
		}
		buf_puts(out, ro);
	}
}

/* ---- places: the 19 municipalities of Yamaguchi Prefecture ---- */

struct town {
	const char	*name;
	const char	*postal;	/* '#' = random digit */
	int		 chome;		/* addresses in N丁目N-N form */
};

struct muni {
	const char		*name;
	const char		*kana;
	const char		*phone[2];	/* landline patterns */
	const struct town	*towns;
	size_t			 ntowns;
};

#define T(n, p, c)	{ (n), (p), (c) }

static const struct town t_shimonoseki[] = {
	T("竹崎町", "750-00##", 1), T("南部町", "750-00##", 0),
	T("唐戸町", "750-00##", 0), T("彦島江の浦町", "750-00##", 1),
	T("長府土居の内町", "752-00##", 0), T("幡生町", "751-08##", 1),
	T("新地町", "750-00##", 0), T("綾羅木本町", "751-08##", 1),
	T("川中本町", "751-08##", 1), T("安岡町", "759-65##", 1),
	T("豊浦町川棚", "759-63##", 0), T("菊川町大字下岡枝", "750-03##", 0),
	T("豊田町大字殿敷", "750-04##", 0), T("豊北町大字滝部", "759-55##", 0),
	T("小月本町", "750-11##", 1), T("山の田本町", "751-08##", 1),
};
static const struct town t_ube[] = {
	T("常盤町", "755-00##", 1), T("琴芝町", "755-00##", 1),
	T("新天町", "755-00##", 1), T("中央町", "755-00##", 1),
	T("東梶返", "755-00##", 1), T("西岐波", "755-01##", 0),
	T("東岐波", "755-02##", 0), T("厚南中央", "759-02##", 1),
	T("大字船木", "757-02##", 0), T("大字小野", "755-06##", 0),
	T("寿町", "755-00##", 1), T("恩田町", "755-00##", 1),
};
static const struct town t_yamaguchi[] = {
	T("亀山町", "753-00##", 0), T("中市町", "753-00##", 0),
	T("道場門前", "753-00##", 1), T("駅通り", "753-00##", 1),
	T("湯田温泉", "753-00##", 1), T("大内千坊", "753-02##", 1),
	T("宮野下", "753-00##", 0), T("小郡下郷", "754-00##", 0),
	T("小郡黄金町", "754-00##", 0), T("阿知須", "754-12##", 0),
	T("秋穂東", "754-11##", 0), T("徳地堀", "747-02##", 0),
	T("阿東徳佐中", "759-15##", 0), T("吉敷下東", "753-08##", 1),
	T("平井", "753-08##", 0), T("大歳", "753-08##", 0),
};
static const struct town t_hagi[] = {
	T("大字江向", "758-00##", 0), T("大字土原", "758-00##", 0),
	T("東田町", "758-00##", 0), T("大字椿東", "758-00##", 0),
	T("大字堀内", "758-00##", 0), T("呉服町", "758-00##", 1),
	T("大字大井", "758-00##", 0), T("須佐", "759-32##", 0),
	T("川上", "758-01##", 0), T("明木", "758-02##", 0),
};
static const struct town t_hofu[] = {
	T("寿町", "747-00##", 0), T("天神", "747-00##", 1),
	T("松崎町", "747-00##", 0), T("三田尻", "747-00##", 1),
	T("新田", "747-08##", 0), T("牟礼", "747-00##", 0),
	T("佐波", "747-00##", 1), T("華城中央", "747-00##", 1),
	T("鞠生町", "747-00##", 0), T("八王子", "747-00##", 1),
	T("大字西浦", "747-08##", 0), T("大字台道", "747-11##", 0),
};
static const struct town t_kudamatsu[] = {
	T("末武上", "744-00##", 0), T("末武中", "744-00##", 0),
	T("大手町", "744-00##", 1), T("東豊井", "744-00##", 0),
	T("西豊井", "744-00##", 0), T("生野屋", "744-00##", 0),
	T("瑞穂町", "744-00##", 1), T("大字河内", "744-00##", 0),
	T("大字笠戸島", "744-00##", 0), T("栄町", "744-00##", 1),
};
static const struct town t_iwakuni[] = {
	T("今津町", "740-00##", 1), T("麻里布町", "740-00##", 1),
	T("中津町", "740-00##", 1), T("室の木町", "740-00##", 1),
	T("南岩国町", "740-00##", 1), T("錦見", "741-00##", 1),
	T("横山", "741-00##", 1), T("川下町", "740-00##", 1),
	T("尾津町", "740-00##", 1), T("由宇町", "740-14##", 0),
	T("玖珂町", "742-03##", 0), T("周東町下久原", "742-04##", 0),
	T("錦町広瀬", "740-07##", 0), T("美和町渋前", "740-12##", 0),
};
static const struct town t_hikari[] = {
	T("島田", "743-00##", 1), T("光井", "743-00##", 1),
	T("浅江", "743-00##", 1), T("虹ケ丘", "743-00##", 1),
	T("室積", "743-00##", 1), T("岩田", "743-01##", 0),
	T("塩田", "743-01##", 0), T("中央", "743-00##", 1),
};
static const struct town t_nagato[] = {
	T("東深川", "759-41##", 0), T("仙崎", "759-41##", 0),
	T("正明市", "759-41##", 1), T("西深川", "759-41##", 0),
	T("油谷新別名", "759-45##", 0), T("日置上", "759-44##", 0),
	T("三隅下", "759-38##", 0), T("深川湯本", "759-41##", 0),
};
static const struct town t_yanai[] = {
	T("柳井", "742-00##", 0), T("南町", "742-00##", 1),
	T("中央", "742-00##", 1), T("古開作", "742-00##", 0),
	T("伊保庄", "742-01##", 0), T("日積", "742-11##", 0),
	T("大畠", "742-01##", 0), T("新庄", "742-00##", 0),
};
static const struct town t_mine[] = {
	T("大嶺町東分", "759-22##", 0), T("伊佐町伊佐", "759-21##", 0),
	T("於福町上", "759-25##", 0), T("秋芳町秋吉", "754-05##", 0),
	T("美東町大田", "754-02##", 0), T("大嶺町西分", "759-22##", 0),
};
static const struct town t_shunan[] = {
	T("岐山通", "745-00##", 1), T("徳山", "745-00##", 0),
	T("新宿通", "745-00##", 1), T("銀座", "745-00##", 1),
	T("平和通", "745-00##", 1), T("久米", "745-08##", 0),
	T("遠石", "745-00##", 1), T("今宿町", "745-00##", 1),
	T("富田", "746-00##", 0), T("福川", "746-00##", 1),
	T("大字樋口", "745-06##", 0), T("鹿野上", "745-03##", 0),
	T("櫛ケ浜", "745-08##", 0), T("大字安田", "745-06##", 0),
};
static const struct town t_sanyoonoda[] = {
	T("日の出", "756-00##", 1), T("中川", "756-00##", 1),
	T("大字高泊", "756-00##", 0), T("大字有帆", "756-00##", 0),
	T("大字厚狭", "757-00##", 0), T("大字埴生", "757-00##", 0),
	T("大字郡", "757-00##", 0), T("本山町", "756-08##", 1),
	T("千代町", "756-00##", 1), T("須恵", "756-08##", 1),
};
static const struct town t_suooshima[] = {
	T("大字小松", "742-21##", 0), T("大字久賀", "742-24##", 0),
	T("大字東安下庄", "742-26##", 0), T("大字西安下庄", "742-27##", 0),
	T("大字油田", "742-28##", 0), T("大字沖浦", "742-23##", 0),
};
static const struct town t_waki[] = {
	T("和木", "740-00##", 1), T("瀬田", "740-00##", 1),
	T("関ケ浜", "740-00##", 1),
};
static const struct town t_kaminoseki[] = {
	T("大字長島", "742-14##", 0), T("大字室津", "742-14##", 0),
	T("大字祝島", "742-14##", 0), T("大字八島", "742-14##", 0),
};
static const struct town t_tabuse[] = {
	T("大字下田布施", "742-15##", 0), T("大字波野", "742-15##", 0),
	T("大字宿井", "742-15##", 0), T("大字麻郷", "742-15##", 0),
	T("大字大波野", "742-15##", 0), T("大字川西", "742-15##", 0),
};
static const struct town t_hirao[] = {
	T("大字平生町", "742-11##", 0), T("大字佐賀", "742-11##", 0),
	T("大字曽根", "742-11##", 0), T("大字宇佐木", "742-11##", 0),
	T("大野北", "742-11##", 1), T("大野南", "742-11##", 0),
};
static const struct town t_abu[] = {
	T("大字奈古", "759-36##", 0), T("大字福賀", "759-35##", 0),
	T("大字宇田", "759-36##", 0),
};

#undef T
#define M(n, k, p1, p2, t)	{ (n), (k), { (p1), (p2) }, (t), KENMIN_NELEM(t) }

static const struct muni munis[DEMO_MUNI_MAX] = {
	M("下関市", "しものせきし", "083-2##-####", "083-7##-####", t_shimonoseki),
	M("宇部市", "うべし", "0836-##-####", "0836-3#-####", t_ube),
	M("山口市", "やまぐちし", "083-92#-####", "083-97#-####", t_yamaguchi),
	M("萩市", "はぎし", "0838-2#-####", "08387-#-####", t_hagi),
	M("防府市", "ほうふし", "0835-2#-####", "0835-3#-####", t_hofu),
	M("下松市", "くだまつし", "0833-4#-####", "0833-4#-####", t_kudamatsu),
	M("岩国市", "いわくにし", "0827-2#-####", "0827-4#-####", t_iwakuni),
	M("光市", "ひかりし", "0833-7#-####", "0833-7#-####", t_hikari),
	M("長門市", "ながとし", "0837-2#-####", "0837-3#-####", t_nagato),
	M("柳井市", "やないし", "0820-2#-####", "0820-2#-####", t_yanai),
	M("美祢市", "みねし", "0837-5#-####", "08396-#-####", t_mine),
	M("周南市", "しゅうなんし", "0834-2#-####", "0834-6#-####", t_shunan),
	M("山陽小野田市", "さんようおのだし", "0836-8#-####", "0836-7#-####",
	    t_sanyoonoda),
	M("周防大島町", "すおうおおしまちょう", "0820-7#-####", "0820-7#-####",
	    t_suooshima),
	M("和木町", "わきちょう", "0827-5#-####", "0827-5#-####", t_waki),
	M("上関町", "かみのせきちょう", "0820-6#-####", "0820-6#-####",
	    t_kaminoseki),
	M("田布施町", "たぶせちょう", "0820-5#-####", "0820-5#-####", t_tabuse),
	M("平生町", "ひらおちょう", "0820-5#-####", "0820-5#-####", t_hirao),
	M("阿武町", "あぶちょう", "08388-#-####", "08388-#-####", t_abu),
};

#undef M

/*
 * Relative weights for picking a municipality, roughly following the
 * population (and so the number of registered groups).
 */
static const unsigned muni_weight[DEMO_MUNI_MAX] = {
	25, 16, 19, 5, 11, 6, 13, 5, 3, 3, 2, 14, 6, 2, 1, 1, 2, 1, 1
};

const char *
demo_muni_name(int i)
{
	return munis[i >= 0 && i < DEMO_MUNI_MAX ? i : 0].name;
}

const char *
demo_muni_kana(int i)
{
	return munis[i >= 0 && i < DEMO_MUNI_MAX ? i : 0].kana;
}

int
demo_muni_pick(struct demo_rng *r)
{
	unsigned	 total, v, i;

	total = 0;
	for (i = 0; i < DEMO_MUNI_MAX; i++)
		total += muni_weight[i];
	v = demo_rng_below(r, total);
	for (i = 0; i < DEMO_MUNI_MAX; i++) {
		if (v < muni_weight[i])
			return (int)i;
		v -= muni_weight[i];
	}
	return 0;
}

const char *
demo_town(struct demo_rng *r, int muni)
{
	const struct muni	*m;

	m = &munis[muni >= 0 && muni < DEMO_MUNI_MAX ? muni : 0];
	return m->towns[demo_rng_below(r, (uint32_t)m->ntowns)].name;
}

/* Street address after the municipality: 「中市町3-12」「大字宿井1234-5」. */
void
demo_address(struct demo_rng *r, int muni, struct buf *postal,
    struct buf *addr)
{
	const struct muni	*m;
	const struct town	*t;

	m = &munis[muni >= 0 && muni < DEMO_MUNI_MAX ? muni : 0];
	t = &m->towns[demo_rng_below(r, (uint32_t)m->ntowns)];
	buf_reset(postal);
	put_pattern(r, t->postal, postal);
	buf_reset(addr);
	buf_puts(addr, t->name);
	if (t->chome)
		buf_printf(addr, "%d丁目%d-%d", demo_rng_range(r, 1, 6),
		    demo_rng_range(r, 1, 30), demo_rng_range(r, 1, 25));
	else if (demo_rng_chance(r, 60))
		buf_printf(addr, "%d", demo_rng_range(r, 1, 3999));
	else
		buf_printf(addr, "%d-%d", demo_rng_range(r, 1, 2999),
		    demo_rng_range(r, 1, 12));
	if (demo_rng_chance(r, 12))
		buf_printf(addr, "　%s%d号室", PICK(r, ((const char *const[]){
		    "コーポ", "ハイツ", "メゾン", "グランドール" })),
		    demo_rng_range(r, 1, 5) * 100 + demo_rng_range(r, 1, 8));
}

void
demo_phone(struct demo_rng *r, int muni, struct buf *out)
{
	const struct muni	*m;

	m = &munis[muni >= 0 && muni < DEMO_MUNI_MAX ? muni : 0];
	buf_reset(out);
	put_pattern(r, m->phone[demo_rng_below(r, 2)], out);
}

void
demo_mobile(struct demo_rng *r, struct buf *out)
{
	static const char *const pre[] = { "090", "080", "070" };

	buf_reset(out);
	buf_puts(out, PICK(r, pre));
	put_pattern(r, "-####-####", out);
}

/*
 * A mail address under the reserved example domains (RFC 2606 and
 * JPRS's example.jp), so no demo message can ever reach a real person.
 * p NULL makes an office address (info…, jimukyoku…); tag (a row id)
 * keeps addresses of the same name apart.
 */
void
demo_email(struct demo_rng *r, const struct demo_person *p, int64_t tag,
    struct buf *out)
{
	static const char *const dom[] = {
		"example.jp", "example.com", "example.net", "example.org",
		"mail.example.jp", "demo.example.jp"
	};

	buf_reset(out);
	if (p != NULL) {
		demo_romaji(p->mei_kana, out);
		buf_putc(out, demo_rng_chance(r, 50) ? '.' : '_');
		demo_romaji(p->sei_kana, out);
	} else
		buf_puts(out, PICK(r, ((const char *const[]){
		    "info", "office", "contact", "jimukyoku", "toiawase" })));
	buf_printf(out, "%lld@%s", (long long)tag, PICK(r, dom));
}

/* ---- activity fields (NPO Act order, A-01) ---- */

struct field {
	const char	*shortname;
	const char	*topic[8];	/* noun phrases for {topic} */
	const struct pair core[4];	/* organisation name cores */
};

static const struct field fields[DEMO_FIELD_MAX] = {
	{ "福祉", { "高齢者の見守り活動", "配食サービス", "傾聴ボランティア",
	    "手話の普及", "点訳・音訳", "介護予防の体操教室",
	    "障がい者の外出支援", "認知症カフェ" },
	    { { "ふれあい福祉", "ふれあいふくし" },
	      { "見守り", "みまもり" }, { "手話", "しゅわ" },
	      { "傾聴", "けいちょう" } } },
	{ "社会教育", { "生涯学習講座", "読み聞かせ", "郷土史の勉強会",
	    "公民館まつり", "親子の学び合い", "図書館ボランティア",
	    "夜間の学び直し教室", "地域の寺子屋" },
	    { { "読み聞かせ", "よみきかせ" }, { "郷土史", "きょうどし" },
	      { "生涯学習", "しょうがいがくしゅう" },
	      { "寺子屋", "てらこや" } } },
	{ "まちづくり", { "商店街のにぎわいづくり", "空き家の活用",
	    "地域の花壇づくり", "まちあるきマップづくり", "地域食堂",
	    "交流サロン", "コミュニティバスの運行支援", "古民家の再生" },
	    { { "まちづくり", "まちづくり" }, { "まちおこし", "まちおこし" },
	      { "地域おこし", "ちいきおこし" },
	      { "花いっぱい", "はないっぱい" } } },
	{ "観光", { "観光ボランティアガイド", "城下町の案内", "温泉街のおもてなし",
	    "サイクルツーリズム", "歴史街道の案内", "インバウンドの受け入れ",
	    "観光マップの作成", "ふるさと祭りの運営" },
	    { { "観光ガイド", "かんこうがいど" },
	      { "おもてなし", "おもてなし" },
	      { "語り部", "かたりべ" }, { "街道", "かいどう" } } },
	{ "農山漁村・中山間地域", { "棚田の保全", "耕作放棄地の再生",
	    "農業体験", "漁村の交流イベント", "里山の手入れ", "地産地消",
	    "移住者の受け入れ", "特産品づくり" },
	    { { "棚田", "たなだ" }, { "里山", "さとやま" },
	      { "ふるさと", "ふるさと" }, { "農業塾", "のうぎょうじゅく" } } },
	{ "学術・文化・芸術・スポーツ", { "合唱", "郷土芸能の継承",
	    "ジュニアスポーツの指導", "美術展の運営", "俳句の会", "吹奏楽",
	    "ウォーキング大会", "伝統工芸の体験" },
	    { { "文化", "ぶんか" }, { "合唱", "がっしょう" },
	      { "スポーツ", "すぽーつ" }, { "神楽", "かぐら" } } },
	{ "環境", { "海岸清掃", "川の水質調査", "ホタルの保護", "里山の保全",
	    "環境学習", "リサイクル活動", "森林ボランティア", "生きもの調査" },
	    { { "環境", "かんきょう" }, { "ホタル", "ほたる" },
	      { "海辺", "うみべ" }, { "森づくり", "もりづくり" } } },
	{ "災害救援", { "防災訓練", "災害ボランティアセンターの運営",
	    "避難所運営の訓練", "防災マップづくり", "炊き出し訓練",
	    "災害時の要支援者名簿づくり", "被災地支援", "非常食の備蓄" },
	    { { "防災", "ぼうさい" }, { "災害支援", "さいがいしえん" },
	      { "防災士", "ぼうさいし" }, { "救援", "きゅうえん" } } },
	{ "地域安全", { "子どもの見守り", "防犯パトロール", "交通安全教室",
	    "青色防犯パトロール", "地域の安全マップづくり", "通学路の点検",
	    "防犯講座", "夜間パトロール" },
	    { { "防犯", "ぼうはん" }, { "見守り隊", "みまもりたい" },
	      { "安全", "あんぜん" }, { "パトロール", "ぱとろーる" } } },
	{ "人権・平和", { "人権学習会", "平和学習", "戦争体験の聞き取り",
	    "多様性についての講座", "いじめ防止の啓発", "ハラスメント相談",
	    "平和の語り継ぎ", "人権パネル展" },
	    { { "人権", "じんけん" }, { "平和", "へいわ" },
	      { "語り継ぎ", "かたりつぎ" }, { "共生", "きょうせい" } } },
	{ "国際協力", { "日本語教室", "多文化共生", "留学生との交流",
	    "海外への支援物資", "国際理解講座", "外国人住民の生活相談",
	    "フェアトレード", "姉妹都市交流" },
	    { { "国際交流", "こくさいこうりゅう" },
	      { "日本語教室", "にほんごきょうしつ" },
	      { "多文化共生", "たぶんかきょうせい" },
	      { "地球市民", "ちきゅうしみん" } } },
	{ "男女共同参画", { "男女共同参画の講座", "女性の起業支援",
	    "男性の家事・育児講座", "ワーク・ライフ・バランス",
	    "女性リーダーの育成", "DV防止の啓発", "パパの子育て教室",
	    "働く女性の交流会" },
	    { { "男女共同参画", "だんじょきょうどうさんかく" },
	      { "女性", "じょせい" },
	      { "パパ", "ぱぱ" }, { "ウィメンズ", "うぃめんず" } } },
	{ "子どもの健全育成", { "子ども食堂", "学習支援", "子育てサロン",
	    "放課後の居場所づくり", "プレーパーク", "子どもの読書活動",
	    "不登校の相談", "親子のふれあい遊び" },
	    { { "子ども食堂", "こどもしょくどう" },
	      { "子育て支援", "こそだてしえん" },
	      { "プレーパーク", "ぷれーぱーく" },
	      { "子どもの居場所", "こどものいばしょ" } } },
	{ "情報化社会", { "シニアのスマホ教室", "パソコン講座",
	    "地域情報の発信", "ホームページ作成の支援", "SNSの安全な使い方",
	    "プログラミング教室", "オンライン会議の支援", "情報モラル講座" },
	    { { "IT支援", "あいてぃーしえん" },
	      { "パソコン", "ぱそこん" }, { "デジタル", "でじたる" },
	      { "情報", "じょうほう" } } },
	{ "科学技術", { "科学実験教室", "ロボット教室", "天体観測会",
	    "自然観察会", "ものづくり教室", "理科の出前授業",
	    "発明クラブ", "化石の観察" },
	    { { "科学", "かがく" }, { "星の", "ほしの" },
	      { "ものづくり", "ものづくり" }, { "発明", "はつめい" } } },
	{ "経済活動の活性化", { "起業の相談", "地域ブランドづくり",
	    "創業セミナー", "商店街の活性化", "朝市の運営", "6次産業化",
	    "地域通貨", "マルシェの開催" },
	    { { "地域活性化", "ちいきかっせいか" },
	      { "マルシェ", "まるしぇ" }, { "朝市", "あさいち" },
	      { "創業", "そうぎょう" } } },
	{ "職業能力・雇用機会", { "就労支援", "若者の職業体験",
	    "障がい者の就労支援", "シニアの再就職", "ひきこもりの若者支援",
	    "就職セミナー", "職業訓練", "中間的就労" },
	    { { "就労支援", "しゅうろうしえん" },
	      { "しごと", "しごと" }, { "若者サポート", "わかものさぽーと" },
	      { "ワークス", "わーくす" } } },
	{ "消費者の保護", { "消費生活の講座", "悪質商法の防止",
	    "食の安全の学習会", "消費者トラブル相談", "金融教育",
	    "エシカル消費", "特殊詐欺の防止", "くらしの見直し講座" },
	    { { "消費者", "しょうひしゃ" }, { "くらし", "くらし" },
	      { "消費生活", "しょうひせいかつ" }, { "暮らしの", "くらしの" } } },
	{ "団体の連絡・助言・援助", { "NPOの運営相談", "ボランティアコーディネート",
	    "団体向け会計講座", "市民活動の情報発信", "助成金の申請相談",
	    "団体交流会", "中間支援の研修", "協働のコーディネート" },
	    { { "市民活動支援", "しみんかつどうしえん" },
	      { "ボランティア", "ぼらんてぃあ" },
	      { "NPOサポート", "えぬぴーおーさぽーと" },
	      { "協働", "きょうどう" } } },
	{ "条例で定める活動", { "地域の伝統行事", "公園の管理",
	    "地域の清掃", "ふれあい交流", "コミュニティ活動",
	    "見守りネットワーク", "地域の居場所づくり", "世代間交流" },
	    { { "コミュニティ", "こみゅにてぃ" }, { "交流", "こうりゅう" },
	      { "ふれあい", "ふれあい" }, { "いきいき", "いきいき" } } },
};

const char *
demo_field_short(int f)
{
	return fields[f >= 0 && f < DEMO_FIELD_MAX ? f : 0].shortname;
}

const char *
demo_topic(struct demo_rng *r, int f)
{
	return PICK(r, fields[f >= 0 && f < DEMO_FIELD_MAX ? f : 0].topic);
}

/* ---- organisation names ---- */

static const struct pair org_prefix[] = {
	{ "下関", "しものせき" }, { "宇部", "うべ" }, { "山口", "やまぐち" },
	{ "萩", "はぎ" }, { "防府", "ほうふ" }, { "下松", "くだまつ" },
	{ "岩国", "いわくに" }, { "光", "ひかり" }, { "長門", "ながと" },
	{ "柳井", "やない" }, { "美祢", "みね" }, { "周南", "しゅうなん" },
	{ "山陽小野田", "さんようおのだ" }, { "周防大島", "すおうおおしま" },
	{ "田布施", "たぶせ" }, { "平生", "ひらお" }, { "阿武", "あぶ" },
	{ "和木", "わき" }, { "上関", "かみのせき" }, { "湯田", "ゆだ" },
	{ "小郡", "おごおり" }, { "徳山", "とくやま" }, { "新南陽", "しんなんよう" },
	{ "彦島", "ひこしま" }, { "長府", "ちょうふ" }, { "秋芳", "しゅうほう" },
	{ "厚狭", "あさ" }, { "由宇", "ゆう" }, { "玖珂", "くが" },
	{ "須佐", "すさ" }, { "仙崎", "せんざき" }, { "室積", "むろづみ" },
	{ "ひまわり", "ひまわり" }, { "さくら", "さくら" },
	{ "あおぞら", "あおぞら" }, { "みどり", "みどり" },
	{ "ふれあい", "ふれあい" }, { "にこにこ", "にこにこ" },
	{ "わくわく", "わくわく" }, { "ほっと", "ほっと" },
	{ "つばさ", "つばさ" }, { "虹の", "にじの" }, { "錦川", "にしきがわ" },
	{ "椹野川", "ふしのがわ" }, { "秋吉台", "あきよしだい" },
	{ "瀬戸内", "せとうち" }, { "周防", "すおう" }, { "長州", "ちょうしゅう" },
	{ "防長", "ぼうちょう" }, { "角島", "つのしま" }, { "きらら", "きらら" },
	{ "やまぐち", "やまぐち" }, { "はぎ", "はぎ" }, { "ゆめ", "ゆめ" },
};

static const struct pair civic_suffix[] = {
	{ "の会", "のかい" }, { "友の会", "とものかい" }, { "クラブ", "くらぶ" },
	{ "協議会", "きょうぎかい" }, { "ネットワーク", "ねっとわーく" },
	{ "研究会", "けんきゅうかい" }, { "サークル", "さーくる" },
	{ "応援団", "おうえんだん" }, { "倶楽部", "くらぶ" },
	{ "実行委員会", "じっこういいんかい" }, { "保存会", "ほぞんかい" },
	{ "連絡会", "れんらくかい" }, { "グループ", "ぐるーぷ" },
	{ "ボランティアの会", "ぼらんてぃあのかい" }, { "隊", "たい" },
	{ "推進会議", "すいしんかいぎ" },
};

static const struct pair npo_suffix[] = {
	{ "センター", "せんたー" }, { "ネット", "ねっと" },
	{ "サポートセンター", "さぽーとせんたー" }, { "の会", "のかい" },
	{ "プロジェクト", "ぷろじぇくと" }, { "ネットワーク", "ねっとわーく" },
	{ "協会", "きょうかい" }, { "フォーラム", "ふぉーらむ" },
	{ "ひろば", "ひろば" }, { "ラボ", "らぼ" },
};

static const struct pair co_prefix[] = {
	{ "山陽", "さんよう" }, { "防長", "ぼうちょう" }, { "周防", "すおう" },
	{ "長州", "ちょうしゅう" }, { "瀬戸内", "せとうち" },
	{ "関門", "かんもん" }, { "宇部", "うべ" }, { "徳山", "とくやま" },
	{ "岩国", "いわくに" }, { "萩", "はぎ" }, { "西京", "さいきょう" },
	{ "大内", "おおうち" }, { "錦", "にしき" }, { "秋芳", "しゅうほう" },
	{ "中国", "ちゅうごく" }, { "山口", "やまぐち" }, { "響", "ひびき" },
	{ "日新", "にっしん" }, { "協和", "きょうわ" }, { "大和", "やまと" },
};

static const struct pair co_core[] = {
	{ "建設", "けんせつ" }, { "電機", "でんき" }, { "運輸", "うんゆ" },
	{ "食品", "しょくひん" }, { "印刷", "いんさつ" }, { "化成", "かせい" },
	{ "工業", "こうぎょう" }, { "設備", "せつび" }, { "商事", "しょうじ" },
	{ "開発", "かいはつ" }, { "物産", "ぶっさん" },
	{ "製作所", "せいさくしょ" }, { "産業", "さんぎょう" },
	{ "技研", "ぎけん" }, { "不動産", "ふどうさん" },
	{ "情報システム", "じょうほうしすてむ" }, { "薬局", "やっきょく" },
	{ "酒造", "しゅぞう" }, { "農園", "のうえん" }, { "水産", "すいさん" },
	{ "観光", "かんこう" }, { "ガス", "がす" },
	{ "保険サービス", "ほけんさーびす" }, { "自動車", "じどうしゃ" },
	{ "造園", "ぞうえん" }, { "電設", "でんせつ" }, { "住宅", "じゅうたく" },
	{ "醤油", "しょうゆ" }, { "コンサルタント", "こんさるたんと" },
};

/* The company categories of R230, in the master list's order. */
static const struct pair co_kind[] = {
	{ "株式会社", "かぶしきがいしゃ" }, { "合同会社", "ごうどうがいしゃ" },
	{ "合名会社", "ごうめいがいしゃ" }, { "合資会社", "ごうしがいしゃ" },
	{ "有限会社", "ゆうげんがいしゃ" },
};

/*
 * An organisation name and its reading (hiragana only, so it passes the
 * ふりがな rule).  For companies *category gets the index of 株式会社,
 * 合同会社, 合名会社, 合資会社 or その他 (4: 有限会社); else -1.
 */
void
demo_org_name(struct demo_rng *r, enum demo_org kind, int field,
    struct buf *name, struct buf *kana, int *category)
{
	const struct pair	*pre, *core, *suf, *ck;
	const struct field	*f;
	unsigned		 v, kidx;

	f = &fields[field >= 0 && field < DEMO_FIELD_MAX ? field : 0];
	buf_reset(name);
	buf_reset(kana);
	*category = -1;
	pre = &PICK(r, org_prefix);
	switch (kind) {
	case DEMO_ORG_COMPANY:
		v = demo_rng_below(r, 100);
		kidx = v < 78 ? 0 : v < 86 ? 1 : v < 88 ? 2 : v < 90 ? 3 : 4;
		ck = &co_kind[kidx];
		*category = (int)kidx;
		pre = &PICK(r, co_prefix);
		core = &PICK(r, co_core);
		if (demo_rng_chance(r, 55)) {
			buf_printf(name, "%s%s%s", ck->k, pre->k, core->k);
			buf_printf(kana, "%s%s", pre->r, core->r);
		} else {
			buf_printf(name, "%s%s%s", pre->k, core->k, ck->k);
			buf_printf(kana, "%s%s", pre->r, core->r);
		}
		break;
	case DEMO_ORG_NPO:
		core = &f->core[demo_rng_below(r, 4)];
		suf = &PICK(r, npo_suffix);
		buf_printf(name, "NPO法人%s%s%s", pre->k, core->k, suf->k);
		buf_printf(kana, "%s%s%s", pre->r, core->r, suf->r);
		break;
	default:
		core = &f->core[demo_rng_below(r, 4)];
		v = demo_rng_below(r, 10);
		if (v == 0 && field == 12) {
			buf_printf(name, "%s子ども食堂", pre->k);
			buf_printf(kana, "%sこどもしょくどう", pre->r);
		} else if (v == 1) {
			buf_printf(name, "%s%sボランティアの会", pre->k,
			    core->k);
			buf_printf(kana, "%s%sぼらんてぃあのかい", pre->r,
			    core->r);
		} else if (v == 2) {
			buf_printf(name, "%s地区%s", pre->k, core->k);
			suf = &PICK(r, civic_suffix);
			buf_puts(name, suf->k);
			buf_printf(kana, "%sちく%s%s", pre->r, core->r,
			    suf->r);
		} else {
			suf = &PICK(r, civic_suffix);
			buf_printf(name, "%s%s%s", pre->k, core->k, suf->k);
			buf_printf(kana, "%s%s%s", pre->r, core->r, suf->r);
		}
		break;
	}
}

/* ---- text templates ---- */

static const char *const targets[] = {
	"子育て中の親子", "高齢者", "小学生", "中高生", "一般市民",
	"学生", "障がいのある方", "地域の皆さん", "外国籍の方",
	"シニア世代", "親子", "どなたでも", "団体の役員・職員",
	"NPO・ボランティア団体", "企業の社会貢献担当者",
};

static const char *const venues[] = {
	"公民館", "地域交流センター", "市民活動センター", "ふれあいセンター",
	"コミュニティセンター", "文化会館", "福祉会館", "集会所", "図書館",
	"生涯学習センター", "保健センター", "体育館",
};

static const char *const seasons[] = { "春", "夏", "秋", "冬" };

static const char *const items[] = {
	"飲み物", "タオル", "帽子", "軍手", "筆記用具", "上履き",
	"汚れてもよい服装", "雨具", "昼食", "エプロン・三角巾",
};

static const char *const jobs[] = {
	"会社員", "公務員", "自営業", "学生", "主婦・主夫", "パート・アルバイト",
	"無職", "教員", "看護師", "介護職員", "農業", "団体職員",
};

/* Context for {slot} expansion; muni and field are indices or -1. */
struct tctx {
	struct demo_rng	*r;
	int		 field;
	int		 muni;
	const char	*org;
	int		 year;
	int		 season;	/* 0 春 … 3 冬, or -1: any */
};

/*
 * Expand a template: {topic} {topic2} {field} {muni} {town} {venue}
 * {target} {season} {org} {year} {n} {n2} {nn} {month} {day} {wday}
 * {item} {job} {person}; anything else is copied.
 */
static void
expand(struct tctx *c, const char *t, struct buf *out)
{
	const char		*e;
	size_t			 n;
	struct demo_person	 p;
	int			 fld, mu;

	fld = c->field >= 0 ? c->field :
	    (int)demo_rng_below(c->r, DEMO_FIELD_MAX);
	mu = c->muni >= 0 ? c->muni : demo_muni_pick(c->r);
	while (*t != '\0') {
		if (*t != '{' || (e = strchr(t, '}')) == NULL) {
			buf_putc(out, *t++);
			continue;
		}
		n = (size_t)(e - t - 1);
		t++;
#define IS(s)	(n == sizeof(s) - 1 && strncmp(t, (s), n) == 0)
		if (IS("topic"))
			buf_puts(out, demo_topic(c->r, fld));
		else if (IS("topic2"))
			buf_puts(out, demo_topic(c->r,
			    (int)demo_rng_below(c->r, DEMO_FIELD_MAX)));
		else if (IS("field"))
			buf_puts(out, demo_field_short(fld));
		else if (IS("muni"))
			buf_puts(out, munis[mu].name);
		else if (IS("town"))
			buf_puts(out, demo_town(c->r, mu));
		else if (IS("venue")) {
			buf_puts(out, demo_town(c->r, mu));
			buf_puts(out, PICK(c->r, venues));
		} else if (IS("target"))
			buf_puts(out, PICK(c->r, targets));
		else if (IS("season"))
			buf_puts(out, c->season >= 0 && c->season < 4 ?
			    seasons[c->season] : PICK(c->r, seasons));
		else if (IS("org"))
			buf_puts(out, c->org != NULL ? c->org : "私たち");
		else if (IS("year"))
			buf_printf(out, "%d", c->year);
		else if (IS("n"))
			buf_printf(out, "%d", demo_rng_range(c->r, 2, 9));
		else if (IS("n2"))
			buf_printf(out, "%d", demo_rng_range(c->r, 10, 60));
		else if (IS("nn"))
			buf_printf(out, "%d", demo_rng_range(c->r, 3, 30) * 10);
		else if (IS("month"))
			buf_printf(out, "%d", demo_rng_range(c->r, 1, 12));
		else if (IS("day"))
			buf_printf(out, "%d", demo_rng_range(c->r, 1, 28));
		else if (IS("wday"))
			buf_puts(out, wdays[demo_rng_below(c->r, 7)]);
		else if (IS("item"))
			buf_puts(out, PICK(c->r, items));
		else if (IS("job"))
			buf_puts(out, PICK(c->r, jobs));
		else if (IS("person")) {
			demo_person(c->r, &p);
			buf_printf(out, "%s%s", p.sei, p.mei);
		} else
			buf_putn(out, t - 1, n + 2);
#undef IS
		t = e + 1;
	}
}

static void
tctx_init(struct tctx *c, struct demo_rng *r, int field, int muni,
    const char *org, int year)
{
	c->r = r;
	c->field = field;
	c->muni = muni;
	c->org = org;
	c->year = year;
	c->season = -1;
}

/* Sentences for descriptions of groups and their activities. */
static const char *const s_about[] = {
	"私たちは{muni}を拠点に、{topic}に取り組んでいます。",
	"{year}年に地域の有志が集まって発足し、現在は{n2}名の会員で活動しています。",
	"毎月第{n}{wday}曜日に{venue}で定例会を開いています。",
	"{target}が安心して暮らせる地域をめざし、行政や企業とも連携しながら活動を広げています。",
	"活動に関心のある方はどなたでも参加できます。見学も歓迎します。",
	"これまでに延べ{nn}0人以上の方に参加いただきました。",
	"今後は{topic}にも力を入れていく予定です。",
	"{season}には{muni}内の小学校と連携して出前講座を行っています。",
	"会員の多くは{job}として働きながら、できる範囲で活動に参加しています。",
	"地域の課題を自分たちの手で解決したいという思いから活動が始まりました。",
	"活動の様子はホームページやSNSで随時お知らせしています。",
	"{topic2}に取り組む団体とも交流し、互いの経験を学び合っています。",
	"年に一度、活動報告会を開き、地域の皆さんに成果をお伝えしています。",
	"新しい仲間を募集しています。年齢や経験は問いません。",
	"活動資金は会費と助成金、地域の皆さんからの寄付でまかなっています。",
	"{town}の皆さんの協力を得て、{topic}の拠点を運営しています。",
	"若い世代にも参加してもらえるよう、土日や夜間の活動も増やしています。",
	"県内の関係団体と情報交換を行い、よりよい活動をめざしています。",
	"{year}年度には県の助成を受けて{topic}の手引きを作成しました。",
	"活動を通じて生まれたつながりを、地域の大きな力にしていきたいと考えています。",
};

/* Sentences for events, recruitments and postings. */
static const char *const s_event[] = {
	"{target}を対象に、{topic}について楽しく学べる{kind}を開催します。",
	"当日は{venue}を会場に、経験豊富な講師がわかりやすく説明します。",
	"参加費は無料です。",
	"参加費として材料費{nn}円をいただきます。",
	"定員は{n2}名です。定員になり次第締め切ります。",
	"動きやすい服装でお越しください。",
	"持ち物：{item}、{item}",
	"お子さま連れの方も歓迎します。",
	"駐車場には限りがありますので、できるだけ公共交通機関をご利用ください。",
	"雨天の場合は内容を一部変更して実施します。",
	"お申し込みは電話またはメールで受け付けています。",
	"初めての方にもわかりやすい内容です。お気軽にご参加ください。",
	"終了後には参加者同士の交流会を予定しています。",
	"手話通訳や要約筆記が必要な方は、申し込みの際にお知らせください。",
	"新型感染症の状況により、内容を変更する場合があります。",
	"{org}の会員が当日の運営をお手伝いします。",
};

/* Sentences for notices and newsletters. */
static const char *const s_notice[] = {
	"いつもやまぐち県民活動支援センターをご利用いただきありがとうございます。",
	"詳しくは添付の資料をご覧ください。",
	"ご不明な点はセンターまでお気軽にお問い合わせください。",
	"皆さまのご理解とご協力をお願いいたします。",
	"{muni}で{topic}に関する催しが予定されています。",
	"県内の団体による{topic}の取り組みをご紹介します。",
	"受付時間は平日9時から17時までです。",
	"多くの皆さまのご参加をお待ちしています。",
	"{month}月{day}日（{wday}）まで受け付けています。",
	"登録団体の皆さまには、登録情報の確認と更新をお願いしています。",
};

static void
put_sentences(struct tctx *c, const char *const *tab, size_t ntab,
    int count, const char *kind, struct buf *out)
{
	struct buf	 tmp;
	const char	*s, *k;
	uint64_t	 used;
	uint32_t	 j;
	int		 i;

	buf_init(&tmp, 4096);
	used = 0;
	for (i = 0; i < count; i++) {
		/* Never the same sentence twice in one paragraph. */
		do
			j = demo_rng_below(c->r, (uint32_t)ntab);
		while (ntab <= 64 && (size_t)i < ntab &&
		    (used & ((uint64_t)1 << j)) != 0);
		used |= (uint64_t)1 << (j & 63);
		s = tab[j];
		if ((k = strstr(s, "{kind}")) != NULL) {
			buf_reset(&tmp);
			buf_putn(&tmp, s, (size_t)(k - s));
			buf_puts(&tmp, kind);
			buf_puts(&tmp, k + 6);
			expand(c, buf_str(&tmp), out);
		} else
			expand(c, s, out);
	}
	buf_free(&tmp);
}

/*
 * Append prose: nparas paragraphs (blank-line separated) of 2–5
 * sentences about a group (style DEMO_TEXT_ABOUT), an event or posting
 * (DEMO_TEXT_EVENT) or a notice (DEMO_TEXT_NOTICE).
 */
void
demo_paragraphs(struct demo_rng *r, enum demo_text style, int field,
    int muni, const char *org, int year, int nparas, struct buf *out)
{
	struct tctx	 c;
	int		 i;

	tctx_init(&c, r, field, muni, org, year);
	for (i = 0; i < nparas; i++) {
		if (i > 0)
			buf_puts(out, "\n\n");
		switch (style) {
		case DEMO_TEXT_EVENT:
			put_sentences(&c, s_event, KENMIN_NELEM(s_event),
			    demo_rng_range(r, 2, 5), "講座", out);
			break;
		case DEMO_TEXT_NOTICE:
			put_sentences(&c, s_notice, KENMIN_NELEM(s_notice),
			    demo_rng_range(r, 2, 4), "", out);
			break;
		default:
			put_sentences(&c, s_about, KENMIN_NELEM(s_about),
			    demo_rng_range(r, 2, 5), "", out);
			break;
		}
	}
}

/* A short text: one or two sentences of the style. */
void
demo_short(struct demo_rng *r, enum demo_text style, int field, int muni,
    const char *org, int year, struct buf *out)
{
	struct tctx	 c;

	tctx_init(&c, r, field, muni, org, year);
	switch (style) {
	case DEMO_TEXT_EVENT:
		put_sentences(&c, s_event, KENMIN_NELEM(s_event),
		    demo_rng_range(r, 1, 2), "催し", out);
		break;
	case DEMO_TEXT_NOTICE:
		put_sentences(&c, s_notice, KENMIN_NELEM(s_notice),
		    demo_rng_range(r, 1, 2), "", out);
		break;
	default:
		put_sentences(&c, s_about, KENMIN_NELEM(s_about),
		    demo_rng_range(r, 1, 2), "", out);
		break;
	}
}

/* ---- titles ---- */

static const char *const t_event[] = {
	"{season}の{topic}講座", "{muni}{field}フェスタ{year}",
	"第{n2}回{muni}{field}フォーラム", "{topic}体験会",
	"はじめての{topic}", "{target}のための{topic}セミナー",
	"{topic}ボランティア養成講座（全{n}回）", "{town}{field}まつり",
	"{topic}ワークショップ", "{topic}作品展", "{topic}を考えるつどい",
	"{topic}写真コンテスト作品募集", "{topic}に関するアイデア募集",
	"{season}休みの{topic}教室", "{topic}交流会 in {muni}",
	"{field}活動報告会{year}", "{topic}出前講座",
};

static const char *const t_report[] = {
	"{org}が{topic}を実施しました", "{muni}で{topic}を開催",
	"{topic}の取り組み（{year}年度）", "{town}での{topic}の報告",
	"{season}の{topic}を終えて", "{topic}に{n2}名が参加しました",
};

static const char *const t_interview[] = {
	"【取材報告】{org}の{topic}に密着", "{muni}で活動する{org}を訪ねて",
	"ボランティアの現場から：{topic}", "{topic}を支える人たち（{muni}）",
	"会員さんにインタビュー：{topic}の魅力",
};

static const char *const t_posting[] = {
	"{topic}のボランティア募集", "{topic}のお手伝いをしてくださる方を募集",
	"{muni}{field}まつり運営スタッフ募集", "{target}の見守りボランティア",
	"{season}の{topic}スタッフ募集", "【随時】{topic}の協力者募集",
	"{town}での{topic}にご協力ください", "{topic}の運営ボランティア（{n}名）",
};

static const char *const t_notice[] = {
	"{year}年度{topic}助成の募集が始まりました",
	"【重要】システムメンテナンスのお知らせ",
	"年末年始の休館について", "{muni}で{topic}の講座が開催されます",
	"登録団体情報の更新のお願い",
	"やまぐち県民活動支援センター便り 第{n2}号を発行しました",
	"{season}のボランティア体験プログラム参加者募集",
	"県民活動団体の活動事例集を発行しました",
	"{topic}に関するアンケートへのご協力のお願い",
	"{year}年度 県民活動促進助成事業の採択団体が決まりました",
};

static const char *const t_center[] = {
	"印刷機の利用について", "交流コーナーのZoomルーム予約方法が変わります",
	"センター休館日のお知らせ（{month}月）",
	"{season}のNPO設立相談会を開催します",
	"ボランティアコーディネーター研修会のご案内",
	"会議室の利用時間の変更について", "団体向け会計講座の受講者募集",
	"センターの臨時休館について", "NPO法人の事業報告書提出についてのお願い",
	"{season}の団体交流会を開催します",
};

static const char *const t_grant[] = {
	"{year}年度{field}活動助成", "{topic}支援助成事業",
	"{field}分野の市民活動応援助成", "地域づくり活動助成（{year}年度）",
	"{topic}スタートアップ助成", "{target}を支える活動への助成",
	"{field}団体基盤強化助成", "{season}募集 {topic}助成金",
};

static const char *const grant_themes[] = {
	"地域振興", "福祉", "環境", "文化", "子ども未来", "国際交流",
	"市民活動", "まちづくり", "スポーツ振興", "教育",
};

static const char *const t_book[] = {
	"{topic}の手引き", "はじめての{topic}", "{topic}ハンドブック",
	"地域を変える{topic}", "{topic}実践ガイド", "{target}と共に歩む",
	"NPOの会計と税務", "ボランティアコーディネーション入門",
	"協働のまちづくり", "市民活動のための広報術", "{field}の現場から",
	"{topic}の十年", "事例で学ぶ{topic}", "{topic}Q&A",
	"よくわかる{field}", "{muni}の{topic}史",
};

static const char *const publishers[] = {
	"市民活動出版", "防長書房", "せとうち社", "地域文化社", "みらい書房",
	"ひかり出版", "協働出版会", "まちづくり研究所", "福祉文化社",
	"やまなみ書店", "あさひ教育出版", "県民活動ブックス",
};

static void
title(struct demo_rng *r, const char *const *tab, size_t n, int field,
    int muni, const char *org, int year, struct buf *out)
{
	struct tctx	 c;

	tctx_init(&c, r, field, muni, org, year);
	buf_reset(out);
	expand(&c, tab[demo_rng_below(r, (uint32_t)n)], out);
}

void
demo_title(struct demo_rng *r, enum demo_title kind, int field, int muni,
    const char *org, int year, struct buf *out)
{
	switch (kind) {
	case DEMO_TITLE_EVENT:
		title(r, t_event, KENMIN_NELEM(t_event), field, muni, org,
		    year, out);
		break;
	case DEMO_TITLE_REPORT:
		title(r, t_report, KENMIN_NELEM(t_report), field, muni, org,
		    year, out);
		break;
	case DEMO_TITLE_INTERVIEW:
		title(r, t_interview, KENMIN_NELEM(t_interview), field, muni,
		    org, year, out);
		break;
	case DEMO_TITLE_POSTING:
		title(r, t_posting, KENMIN_NELEM(t_posting), field, muni,
		    org, year, out);
		break;
	case DEMO_TITLE_NOTICE:
		title(r, t_notice, KENMIN_NELEM(t_notice), field, muni, org,
		    year, out);
		break;
	case DEMO_TITLE_CENTER:
		title(r, t_center, KENMIN_NELEM(t_center), field, muni, org,
		    year, out);
		break;
	case DEMO_TITLE_GRANT:
		title(r, t_grant, KENMIN_NELEM(t_grant), field, muni, org,
		    year, out);
		break;
	case DEMO_TITLE_BOOK:
	default:
		title(r, t_book, KENMIN_NELEM(t_book), field, muni, org,
		    year, out);
		break;
	}
}

/* A grant-making body: 「公益財団法人瀬戸内環境財団」. */
void
demo_funder(struct demo_rng *r, struct buf *out)
{
	static const char *const form[] = {
		"公益財団法人", "一般財団法人", "公益財団法人", "社会福祉法人",
	};
	const struct pair	*pre;
	unsigned		 v;

	buf_reset(out);
	pre = &PICK(r, co_prefix);
	v = demo_rng_below(r, 10);
	if (v < 7)
		buf_printf(out, "%s%s%s財団", PICK(r, form), pre->k,
		    PICK(r, grant_themes));
	else if (v < 9)
		buf_printf(out, "%s%s基金", pre->k, PICK(r, grant_themes));
	else
		buf_printf(out, "株式会社%s%s 社会貢献基金", pre->k,
		    PICK(r, co_core).k);
}

/* An author line: 「山田 花子 著」「佐藤 誠・中村 愛 編」. */
void
demo_author(struct demo_rng *r, struct buf *out)
{
	struct demo_person	 p, q;
	static const char *const role[] = { "著", "著", "編", "監修", "編著" };

	buf_reset(out);
	demo_person(r, &p);
	if (demo_rng_chance(r, 20)) {
		demo_person(r, &q);
		buf_printf(out, "%s %s・%s %s %s", p.sei, p.mei, q.sei, q.mei,
		    PICK(r, role));
	} else
		buf_printf(out, "%s %s %s", p.sei, p.mei, PICK(r, role));
}

const char *
demo_publisher(struct demo_rng *r)
{
	return PICK(r, publishers);
}

const char *
demo_job(struct demo_rng *r)
{
	return PICK(r, jobs);
}

/* A date written for people, e.g. in event texts. */
void
demo_date_ja(int64_t days, struct buf *out)
{
	put_date_ja(days, out);
}

/* ---- newsletters ---- */

/*
 * The body of a newsletter issue: greeting, then sections of event,
 * grant and center news.  ak selects the あいかさねっと 活動ニュース
 * style rather than さぽーとメール.
 */
void
demo_newsletter_body(struct demo_rng *r, int ak, int issue, int64_t day,
    struct buf *out)
{
	struct buf	 t;
	struct tctx	 c;
	int		 y, m, d, i, n;

	demo_ymd_from_days(day, &y, &m, &d);
	buf_init(&t, 4096);
	tctx_init(&c, r, -1, -1, NULL, y);
	c.season = m >= 3 && m <= 5 ? 0 : m >= 6 && m <= 8 ? 1 :
	    m >= 9 && m <= 11 ? 2 : 3;
	buf_reset(out);
	if (ak)
		buf_printf(out, "あいかさねっと活動ニュース Vol.%d\n"
		    "（%d年%d月%d日発行）\n\n", issue, y, m, d);
	else
		buf_printf(out, "さぽーとメール 第%d号\n"
		    "（%d年%d月%d日発行）\n\n", issue, y, m, d);
	buf_puts(out, "こんにちは。やまぐち県民活動支援センターです。\n");
	expand(&c, "{season}の風を感じる季節になりました。"
	    "今号も県内の県民活動の情報をお届けします。\n", out);
	buf_puts(out, ak ? "\n■ボランティア募集情報\n" : "\n■イベント情報\n");
	n = demo_rng_range(r, 2, 4);
	for (i = 0; i < n; i++) {
		demo_title(r, ak ? DEMO_TITLE_POSTING : DEMO_TITLE_EVENT, -1,
		    -1, NULL, y, &t);
		buf_printf(out, "・%s（%s）\n", buf_str(&t),
		    munis[demo_muni_pick(r)].name);
	}
	buf_puts(out, ak ? "\n■取材報告\n" : "\n■助成金情報\n");
	n = demo_rng_range(r, 1, 3);
	for (i = 0; i < n; i++) {
		demo_title(r, ak ? DEMO_TITLE_INTERVIEW : DEMO_TITLE_GRANT,
		    -1, -1, "地域の団体", y, &t);
		buf_printf(out, "・%s\n", buf_str(&t));
	}
	buf_puts(out, "\n■センターからのお知らせ\n");
	demo_title(r, DEMO_TITLE_CENTER, -1, -1, NULL, y, &t);
	buf_printf(out, "・%s\n", buf_str(&t));
	put_sentences(&c, s_notice, KENMIN_NELEM(s_notice), 2, "", out);
	buf_puts(out, "\n\n――――――――――――――――\n"
	    "やまぐち県民活動支援センター\n"
	    "配信の停止はメール末尾のリンクからお手続きください。\n");
	buf_free(&t);
}

/* ---- FAQ ---- */

static const struct demo_faq faqs[] = {
	{ "会員登録の流れ", "あいかさねっとに会員登録するにはどうすればよいですか。",
	  "トップページの「会員登録」から利用規約をお読みのうえ、「同意する」を押して"
	  "登録フォームに進んでください。簡易登録のあと、届いたメールのリンクから"
	  "メールアドレスを確認し、ログインして詳細登録を行ってください。"
	  "センターが内容を確認したあと公開されます。" },
	{ "会員登録の流れ", "登録に費用はかかりますか。",
	  "登録や利用に費用は一切かかりません。" },
	{ "会員登録の流れ", "個人でも登録できますか。",
	  "はい。個人・団体・企業のいずれでも登録できます。個人会員の氏名や連絡先は"
	  "公開されません。" },
	{ "会員登録の流れ", "登録用紙で申し込むことはできますか。",
	  "「登録用紙ダウンロード」から様式を印刷し、センターへ郵送またはご持参ください。"
	  "センターで登録したあと、パスワード設定用のメールをお送りします。" },
	{ "会員登録の流れ", "未成年でも登録できますか。",
	  "登録できますが、保護者の同意が必要です。登録フォームの注意事項をご確認ください。" },
	{ "ボランティア募集の流れ", "ボランティアを募集できるのは誰ですか。",
	  "ボランティア募集の掲載は団体会員のみが行えます。ログイン後、"
	  "マイページの「募集情報の新規登録」から入力してください。" },
	{ "ボランティア募集の流れ", "募集情報はすぐに公開されますか。",
	  "センターが内容を確認したうえで公開します。公開されると、曜日と地域が"
	  "合う会員にマッチングメールが届きます。" },
	{ "ボランティア募集の流れ", "募集期間が終わった情報はどうなりますか。",
	  "募集期間が終わると「過去の募集」の一覧に移ります。" },
	{ "ボランティア募集の流れ", "随時募集とは何ですか。",
	  "期間を決めずに募集する場合は「随時」を選んでください。団体が募集を"
	  "終了するまで掲載されます。" },
	{ "参加・問い合わせ", "ボランティアに参加するにはどうすればよいですか。",
	  "募集情報の詳細ページの「参加する」ボタン、またはマッチングメールのリンクから"
	  "お申し込みください。団体から直接連絡があります。" },
	{ "参加・問い合わせ", "参加する前に質問したいのですが。",
	  "募集情報の「問い合わせる」ボタンから団体に質問を送ることができます。" },
	{ "参加・問い合わせ", "マッチングメールが届きません。",
	  "マイページで活動可能地域・曜日の設定とメール配信の設定をご確認ください。"
	  "迷惑メールフォルダに振り分けられている場合もあります。" },
	{ "アカウント", "パスワードを忘れました。",
	  "ログイン画面の「パスワード再発行」から、登録したメールアドレスを入力してください。"
	  "再設定用のリンクをお送りします。" },
	{ "アカウント", "登録内容を変更したいです。",
	  "ログイン後、マイページの「会員情報修正」から変更できます。公開される項目の"
	  "変更はセンターの確認後に反映されます。" },
	{ "アカウント", "しばらく活動を休みたいです。",
	  "マイページの「休止」を選ぶと、公開ページとメール配信が止まります。"
	  "再開するときは「再開依頼」を送ってください。" },
	{ "アカウント", "退会するにはどうすればよいですか。",
	  "マイページの「退会」から、パスワードを入力して手続きしてください。" },
	{ "メールマガジン", "活動ニュースを受け取るには。",
	  "「メルマガ会員登録」のフォームからメールアドレスを登録してください。"
	  "確認メールのリンクを押すと登録が完了します。" },
	{ "メールマガジン", "活動ニュースの配信を止めたいです。",
	  "各号の末尾にある配信停止のリンク、または「解除フォーム」から手続きできます。" },
	{ "その他", "やまぐち健幸アプリのポイントはもらえますか。",
	  "対象のボランティア活動に参加すると、団体から案内される二次元バーコードで"
	  "ポイントを受け取れます。" },
	{ "その他", "LINEで情報を受け取れますか。",
	  "あいかさねっとのLINE公式アカウントを友だち追加すると、新しい募集情報を"
	  "お知らせします。" },
};

const struct demo_faq *
demo_faqs(size_t *n)
{
	*n = KENMIN_NELEM(faqs);
	return faqs;
}
