/* Value checks shared by the JSON decoder and parameter coercion: types, bounds,
 * lengths, patterns, enums, UUIDs and date-times, each failure worded as Pydantic v2
 * words it (type names and messages are part of FastAPI's 422 contract). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/dtoa.h"
#include "model/json_write.h"
#include "model/model.h"

char *bk_json_compact(bk_arena *a, const char *text, size_t len, size_t *out_len) {
    char *out = bk_arena_alloc(a, len + 1);
    size_t o = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_str) {
            out[o++] = ch;
            if (ch == '\\' && i + 1 < len)
                out[o++] = text[++i];
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
            out[o++] = ch;
        } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
            out[o++] = ch;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

char *bk_json_quote(bk_arena *a, const char *s, size_t len, size_t *out_len) {
    bk_buf b = {0};
    bk_json_escape(&b, s, len);
    char *out = bk_arena_strndup(a, b.data, b.len);
    *out_len = b.len;
    bk_buf_free(&b);
    return out;
}

void *bk_scalar_slot(const bk_rfield *rf, void *dst, bk_arena *a) {
    if (!rf->f.nullable) return dst;
    void *v = bk_arena_alloc(a, sizeof(int64_t));
    *(void **)dst = v;
    return v;
}

void bk_store_bool(const bk_rfield *rf, bool v, void *dst, bk_arena *a) {
    *(bool *)bk_scalar_slot(rf, dst, a) = v;
}

size_t bk_fmt_bound_written(double v, char out[40]) {
    if (v == floor(v) && fabs(v) < 1e16) return (size_t)snprintf(out, 40, "%.0f", v);
    return bk_json_fmt_double(out, v);
}

size_t bk_fmt_bound(const bk_rfield *rf, double v, char out[40]) {
    /* An int member's bound is an int in Python; a float member's is a float. */
    if (rf->f.kind == BRISK_K_F64) return bk_dtoa_repr(v, out);
    if (v == floor(v) && fabs(v) < 1e18) return (size_t)snprintf(out, 40, "%.0f", v);
    return bk_json_fmt_double(out, v);
}

/* msg = fmt with one %s; both may be long (an enum's values), so sized to fit. */
static void add_fmt(bk_verrs *e, const char *type, const char *input, size_t input_len,
                    const char *ctx, const char *fmt, const char *arg) {
    size_t n = strlen(fmt) + strlen(arg) + 1;
    char *msg = bk_arena_alloc(e->arena, n);
    snprintf(msg, n, fmt, arg);
    bk_verr_add(e, type, msg, input, input_len, ctx);
}

void bk_type_error(const bk_rfield *rf, bk_verrs *e, const char *input, size_t input_len,
                   bool input_is_string) {
    switch (rf->f.kind) {
    case BRISK_K_BOOL:
        if (input_is_string)
            bk_verr_add(e, "bool_parsing", "Input should be a valid boolean, unable to "
                        "interpret input", input, input_len, NULL);
        else
            bk_verr_add(e, "bool_type", "Input should be a valid boolean", input, input_len,
                        NULL);
        return;
    case BRISK_K_I32:
    case BRISK_K_I64:
        if (input_is_string)
            bk_verr_add(e, "int_parsing", "Input should be a valid integer, unable to parse "
                        "string as an integer", input, input_len, NULL);
        else
            bk_verr_add(e, "int_type", "Input should be a valid integer", input, input_len,
                        NULL);
        return;
    case BRISK_K_F64:
        if (input_is_string)
            bk_verr_add(e, "float_parsing", "Input should be a valid number, unable to parse "
                        "string as a number", input, input_len, NULL);
        else
            bk_verr_add(e, "float_type", "Input should be a valid number", input, input_len,
                        NULL);
        return;
    case BRISK_K_STR:
        bk_verr_add(e, "string_type", "Input should be a valid string", input, input_len, NULL);
        return;
    case BRISK_K_ENUM: {
        add_fmt(e, "enum", input, input_len,
                bk_ctx_string(e->arena, "expected", rf->enum_expected), "Input should be %s",
                rf->enum_expected);
        return;
    }
    case BRISK_K_DATETIME:
        bk_verr_add(e, "datetime_type", "Input should be a valid datetime", input, input_len,
                    NULL);
        return;
    case BRISK_K_UUID:
        bk_verr_add(e, "uuid_type", "UUID input should be a string, bytes or UUID object",
                    input, input_len, NULL);
        return;
    case BRISK_K_OBJ:
        bk_verr_add(e, "model_attributes_type", "Input should be a valid dictionary or object "
                    "to extract fields from", input, input_len, NULL);
        return;
    case BRISK_K_LIST:
        bk_verr_add(e, "list_type", "Input should be a valid list", input, input_len, NULL);
        return;
    case BRISK_K_MAP:
        bk_verr_add(e, "dict_type", "Input should be a valid dictionary", input, input_len,
                    NULL);
        return;
    default:
        return;
    }
}

/* ---- numbers ------------------------------------------------------------------------ */

static bool bound_error(const bk_rfield *rf, bk_verrs *e, const char *input, size_t input_len,
                        const char *type, const char *key, const char *words, double bound) {
    /* ctx holds the bound as the member's type (0.0 for a float); the message shows it as
     * the user wrote it, and ge=0 reads "0" there even on a float, as Pydantic prints. */
    char b[40], m[40], ctx[96], msg[160];
    size_t n = bk_fmt_bound(rf, bound, b);
    b[n] = '\0';
    n = bk_fmt_bound_written(bound, m);
    m[n] = '\0';
    snprintf(ctx, sizeof ctx, "{\"%s\":%s}", key, b);
    snprintf(msg, sizeof msg, "Input should be %s %s", words, m);
    bk_verr_add(e, type, msg, input, input_len, ctx);
    return false;
}

/* Bounds against a value held exactly: long double keeps every int64 (x86-64's 64-bit
 * mantissa, aarch64's quad). Like pydantic-core, the first failed constraint is the only
 * error, tried in its order: multiple_of, le, lt, ge, gt. */
static bool check_bounds(const bk_rfield *rf, long double v, bk_verrs *e, const char *input,
                         size_t input_len) {
    const brisk_field *f = &rf->f;
    if (f->has_multiple_of && f->multiple_of != 0 && fabsl(v) < 1e30L) {
        bool ok;
        long double m = f->multiple_of;
        if (rf->f.kind != BRISK_K_F64 && m == floorl(m) && fabsl(v) < 9.2e18L &&
            fabsl(m) < 9.2e18L) {
            ok = (long long)v % (long long)m == 0; /* integers: exact, as Python's % */
        } else {
            long double q = v / m, r = q - roundl(q);
            ok = fabsl(r) <= 1e-9L * (fabsl(q) > 1 ? fabsl(q) : 1);
        }
        if (!ok)
            return bound_error(rf, e, input, input_len, "multiple_of", "multiple_of",
                               "a multiple of", f->multiple_of);
    }
    if (f->has_le && !(v <= (long double)f->le))
        return bound_error(rf, e, input, input_len, "less_than_equal", "le",
                           "less than or equal to", f->le);
    if (f->has_lt && !(v < (long double)f->lt))
        return bound_error(rf, e, input, input_len, "less_than", "lt", "less than", f->lt);
    if (f->has_ge && !(v >= (long double)f->ge))
        return bound_error(rf, e, input, input_len, "greater_than_equal", "ge",
                           "greater than or equal to", f->ge);
    if (f->has_gt && !(v > (long double)f->gt))
        return bound_error(rf, e, input, input_len, "greater_than", "gt", "greater than", f->gt);
    return true;
}

/* The value does not fit the C member: the bound it breaks, printed exactly. */
static bool type_bound_error(bk_verrs *e, const char *input, size_t input_len, bool below,
                             int64_t lo, int64_t hi) {
    char ctx[64], msg[96];
    long long b = below ? (long long)lo : (long long)hi;
    snprintf(ctx, sizeof ctx, "{\"%s\":%lld}", below ? "ge" : "le", b);
    snprintf(msg, sizeof msg, "Input should be %s %lld",
             below ? "greater than or equal to" : "less than or equal to", b);
    bk_verr_add(e, below ? "greater_than_equal" : "less_than_equal", msg, input, input_len, ctx);
    return false;
}

bool bk_check_number(const bk_rfield *rf, const bk_jnum *num, void *dst, bk_verrs *e,
                     bk_arena *a, const char *input, size_t input_len) {
    brisk_kind k = rf->f.kind;
    if (k == BRISK_K_F64) {
        if (!isfinite(num->d)) {
            bk_verr_add(e, "finite_number", "Input should be a finite number", input,
                        input_len, NULL);
            return false;
        }
        if (!check_bounds(rf, num->d, e, input, input_len)) return false;
        *(double *)bk_scalar_slot(rf, dst, a) = num->d;
        return true;
    }
    int64_t v;
    int64_t lo = k == BRISK_K_I32 ? INT32_MIN : INT64_MIN;
    int64_t hi = k == BRISK_K_I32 ? INT32_MAX : INT64_MAX;
    if (num->is_int) {
        v = num->i;
    } else if (num->int_overflow) {
        /* An integer literal beyond int64: Python holds it, so the declared bound speaks
         * first (1e30 stands for it; multiple_of cannot be judged then); past that, the
         * bound of the C member. */
        bool neg = num->len && num->text[0] == '-';
        if (!check_bounds(rf, neg ? -1e30L : 1e30L, e, input, input_len)) return false;
        return type_bound_error(e, input, input_len, neg, lo, hi);
    } else if (!isfinite(num->d) || fabs(num->d) >= 9223372036854775808.0) {
        bk_verr_add(e, "int_parsing_size", "Unable to parse input string as an integer, "
                    "exceeded maximum size", input, input_len, NULL);
        return false;
    } else if (num->d != floor(num->d)) {
        bk_verr_add(e, "int_from_float", "Input should be a valid integer, got a number with "
                    "a fractional part", input, input_len, NULL);
        return false;
    } else {
        v = (int64_t)num->d; /* 3.0 is the integer 3, as Pydantic takes it */
    }
    if (!check_bounds(rf, (long double)v, e, input, input_len)) return false;
    if (v < lo || v > hi) return type_bound_error(e, input, input_len, v < lo, lo, hi);
    void *slot = bk_scalar_slot(rf, dst, a);
    if (k == BRISK_K_I32)
        *(int32_t *)slot = (int32_t)v;
    else
        *(int64_t *)slot = v;
    return true;
}

/* ---- strings ------------------------------------------------------------------------ */

static size_t code_points(brisk_str s) {
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) n += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
    return n;
}

static bool length_error(bk_verrs *e, const char *input, size_t input_len, bool too_short,
                         size_t bound) {
    char ctx[64], msg[128];
    snprintf(ctx, sizeof ctx, "{\"%s\":%zu}", too_short ? "min_length" : "max_length", bound);
    snprintf(msg, sizeof msg, "String should have at %s %zu character%s",
             too_short ? "least" : "most", bound, bound == 1 ? "" : "s");
    bk_verr_add(e, too_short ? "string_too_short" : "string_too_long", msg, input, input_len,
                ctx);
    return false;
}

static int hexval(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static bool uuid_error(bk_verrs *e, const char *input, size_t input_len, const char *why) {
    char msg[256];
    snprintf(msg, sizeof msg, "Input should be a valid UUID, %s", why);
    bk_verr_add(e, "uuid_parsing", msg, input, input_len, bk_ctx_string(e->arena, "error", why));
    return false;
}

/* Accepts the forms Python's uuid.UUID does: 8-4-4-4-12 hex, 32 hex digits, either in
 * braces or after "urn:uuid:". Stores the canonical lowercase hyphenated form. */
static bool check_uuid(brisk_str s, brisk_str *out, bk_verrs *e, bk_arena *a,
                       const char *input, size_t input_len) {
    const char *p = s.ptr;
    size_t n = s.len, base = 0;
    if (n >= 9 && strncasecmp(p, "urn:uuid:", 9) == 0) p += 9, n -= 9, base = 9;
    else if (n >= 2 && p[0] == '{' && p[n - 1] == '}') p++, n -= 2, base = 1;
    char why[160];
    for (size_t i = 0; i < n; i++) {
        if (hexval((unsigned char)p[i]) < 0 && p[i] != '-') {
            snprintf(why, sizeof why, "invalid character: found `%c` at %zu",
                     (unsigned char)p[i] < 0x80 ? p[i] : '?', base + i + 1);
            return uuid_error(e, input, input_len, why);
        }
    }
    char hex[32];
    size_t h = 0;
    if (!memchr(p, '-', n)) {
        if (n != 32) {
            snprintf(why, sizeof why, "invalid length: expected length 32 for simple format, "
                     "found %zu", n);
            return uuid_error(e, input, input_len, why);
        }
        memcpy(hex, p, 32);
    } else {
        static const size_t want[5] = {8, 4, 4, 4, 12};
        size_t groups = 1;
        for (size_t i = 0; i < n; i++) groups += p[i] == '-';
        if (groups != 5) {
            snprintf(why, sizeof why, "invalid group count: expected 5, found %zu", groups);
            return uuid_error(e, input, input_len, why);
        }
        size_t g = 0, glen = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i == n || p[i] == '-') {
                if (glen != want[g]) {
                    snprintf(why, sizeof why, "invalid group length in group %zu: expected "
                             "%zu, found %zu", g, want[g], glen);
                    return uuid_error(e, input, input_len, why);
                }
                g++;
                glen = 0;
            } else {
                if (++glen > want[g]) {
                    size_t found = glen;
                    while (i + 1 < n && p[i + 1] != '-') i++, found++;
                    snprintf(why, sizeof why, "invalid group length in group %zu: expected "
                             "%zu, found %zu", g, want[g], found);
                    return uuid_error(e, input, input_len, why);
                }
                hex[h++] = p[i];
            }
        }
    }
    char *c = bk_arena_alloc(a, 37);
    size_t o = 0;
    for (size_t i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20) c[o++] = '-';
        c[o++] = "0123456789abcdef"[hexval((unsigned char)hex[i])];
    }
    c[o] = '\0';
    *out = (brisk_str){c, 36};
    return true;
}

/* ---- date-times ------------------------------------------------------------------- */

static bool digits(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

static int num2(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

/* RFC 3339 date-time, plus what Pydantic also takes: a date alone, ' ' '_' or 't' as the
 * separator, minutes without seconds, no offset (a naive time). The error texts are those
 * of Pydantic's parser (speedate). Returns NULL when valid. */
static const char *datetime_problem(const char *s, size_t n) {
    if (n < 10) return "input is too short";
    if (!digits(s, 4)) return "invalid character in year";
    if (s[4] != '-') return "invalid date separator, expected `-`";
    if (!digits(s + 5, 2)) return "invalid character in month";
    if (s[7] != '-') return "invalid date separator, expected `-`";
    if (!digits(s + 8, 2)) return "invalid character in day";
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + num2(s + 2);
    int month = num2(s + 5), day = num2(s + 8);
    if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int maxd = month == 2 && !leap ? 28 : mdays[month - 1];
    if (day < 1 || day > maxd) return "day value is outside expected range";
    if (n == 10) return NULL;
    char sep = s[10];
    if (sep != 'T' && sep != 't' && sep != ' ' && sep != '_')
        return "invalid datetime separator, expected `T`, `t`, `_` or space";
    const char *t = s + 11;
    size_t m = n - 11;
    if (m < 5) return "input is too short";
    if (!digits(t, 2)) return "invalid character in hour";
    if (num2(t) > 23) return "hour value is outside expected range of 0-23";
    if (t[2] != ':') return "invalid time separator, expected `:`";
    if (!digits(t + 3, 2)) return "invalid character in minute";
    if (num2(t + 3) > 59) return "minute value is outside expected range of 0-59";
    size_t i = 5;
    if (i < m && t[i] == ':') {
        if (m - i < 3) return "input is too short";
        if (!digits(t + i + 1, 2)) return "invalid character in second";
        if (num2(t + i + 1) > 59) return "second value is outside expected range of 0-59";
        i += 3;
        if (i < m && (t[i] == '.' || t[i] == ',')) {
            size_t f = ++i;
            while (i < m && t[i] >= '0' && t[i] <= '9') i++;
            if (i == f) return "second fraction value is empty";
        }
    }
    if (i == m) return NULL;
    if (t[i] == 'Z' || t[i] == 'z') {
        i++;
    } else if (t[i] == '+' || t[i] == '-') {
        i++;
        if (m - i < 2 || !digits(t + i, 2)) return "invalid timezone sign";
        if (num2(t + i) > 23) return "timezone offset hour value is outside expected range";
        i += 2;
        if (i < m && t[i] == ':') i++;
        if (m - i < 2 || !digits(t + i, 2)) return "invalid timezone sign";
        if (num2(t + i) > 59) return "timezone offset minute value is outside expected range";
        i += 2;
    } else {
        return "invalid timezone sign";
    }
    if (i != m) return "unexpected extra characters at the end of the input";
    return NULL;
}

/* ---- the string kinds -------------------------------------------------------------- */

static bool match_enum(const bk_rfield *rf, brisk_str s, int *idx) {
    for (size_t i = 0; i < rf->nvalues; i++) {
        if (rf->value_lens[i] == s.len && memcmp(rf->f.values[i], s.ptr, s.len) == 0) {
            *idx = (int)i;
            return true;
        }
    }
    return false;
}

bool bk_check_string(const bk_rfield *rf, brisk_str s, void *dst, bk_verrs *e, bk_arena *a,
                     const char *input, size_t input_len) {
    const brisk_field *f = &rf->f;
    switch (f->kind) {
    case BRISK_K_STR: {
        bool ok = true;
        if (f->min_len || f->max_len) {
            size_t cp = code_points(s);
            if (f->min_len && cp < f->min_len)
                ok = length_error(e, input, input_len, true, f->min_len);
            else if (f->max_len && cp > f->max_len)
                ok = length_error(e, input, input_len, false, f->max_len);
        }
        if (ok && rf->re) {
            int rc = pcre2_match(rf->re, (PCRE2_SPTR)s.ptr, s.len, 0, 0, rf->re_match, NULL);
            if (rc < 0) {
                add_fmt(e, "string_pattern_mismatch", input, input_len,
                        bk_ctx_string(a, "pattern", f->pattern),
                        "String should match pattern '%s'", f->pattern);
                ok = false;
            }
        }
        if (ok) *(brisk_str *)dst = s;
        return ok;
    }
    case BRISK_K_ENUM: {
        int idx;
        if (!match_enum(rf, s, &idx)) {
            bk_type_error(rf, e, input, input_len, true);
            return false;
        }
        *(int *)bk_scalar_slot(rf, dst, a) = idx;
        return true;
    }
    case BRISK_K_UUID:
        return check_uuid(s, (brisk_str *)dst, e, a, input, input_len);
    case BRISK_K_DATETIME: {
        const char *why = datetime_problem(s.ptr, s.len);
        if (why) {
            /* Pydantic falls back to reading a date: past a valid date, what it reports is
             * the date parser's complaint about the rest. */
            if (s.len > 10 && !datetime_problem(s.ptr, 10))
                why = "unexpected extra characters at the end of the input";
            add_fmt(e, "datetime_from_date_parsing", input, input_len,
                    bk_ctx_string(a, "error", why),
                    "Input should be a valid datetime or date, %s", why);
            return false;
        }
        *(brisk_str *)dst = s;
        return true;
    }
    default:
        bk_type_error(rf, e, input, input_len, true);
        return false;
    }
}

bool bk_check_count(const bk_rfield *rf, size_t n, bool is_map, bk_verrs *e,
                    const char *input, size_t input_len) {
    size_t lo = rf->f.min_len, hi = rf->f.max_len;
    bool short_ = lo && n < lo, long_ = hi && n > hi;
    if (!short_ && !long_) return true;
    size_t bound = short_ ? lo : hi;
    const char *ft = is_map ? "Dictionary" : "List";
    char ctx[128], msg[160];
    snprintf(ctx, sizeof ctx, "{\"field_type\":\"%s\",\"%s\":%zu,\"actual_length\":%zu}", ft,
             short_ ? "min_length" : "max_length", bound, n);
    snprintf(msg, sizeof msg, "%s should have at %s %zu item%s after validation, not %zu", ft,
             short_ ? "least" : "most", bound, bound == 1 ? "" : "s", n);
    bk_verr_add(e, short_ ? "too_short" : "too_long", msg, input, input_len, ctx);
    return false;
}

/* An integer written as Python's int() reads it, as Pydantic parses text: "-12", "01",
 * "1_000", and a ".0" tail ("7.0"); never a fraction or an exponent. Values beyond int64
 * come back as int_overflow so the caller reports the bound. */
static bool int_text(const char *p, size_t n, bk_jnum *out) {
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '-' || p[i] == '+')) neg = p[i++] == '-';
    if (i == n || p[i] < '0' || p[i] > '9') return false;
    unsigned long long v = 0;
    bool overflow = false;
    for (; i < n; i++) {
        if (p[i] == '_') {
            if (i + 1 >= n || p[i + 1] < '0' || p[i + 1] > '9') return false;
            continue;
        }
        if (p[i] < '0' || p[i] > '9') break;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) overflow = true;
        else v = v * 10 + d;
    }
    if (i < n && p[i] == '.') {
        for (i++; i < n; i++)
            if (p[i] != '0') return false;
    }
    if (i != n) return false;
    memset(out, 0, sizeof *out);
    out->text = neg ? "-" : "";
    out->len = neg ? 1 : 0;
    if (overflow || v > (neg ? 9223372036854775808ull : 9223372036854775807ull)) {
        out->int_overflow = true;
        out->d = neg ? -1e300 : 1e300;
        return true;
    }
    out->is_int = true;
    out->i = neg ? (int64_t)(0 - v) : (int64_t)v;
    out->d = (double)out->i;
    return true;
}

/* Text to a non-string scalar, Pydantic's lax mode: "42" is 42, "yes" is true. */
bool bk_coerce_text(const bk_rfield *rf, brisk_str s, void *dst, bk_verrs *e, bk_arena *a,
                    const char *input, size_t input_len) {
    switch (rf->f.kind) {
    case BRISK_K_BOOL: {
        static const char *const yes[] = {"true", "1", "yes", "on", "t", "y"};
        static const char *const no[] = {"false", "0", "no", "off", "f", "n"};
        for (size_t i = 0; i < 6; i++) {
            if (s.len == strlen(yes[i]) && strncasecmp(s.ptr, yes[i], s.len) == 0) {
                bk_store_bool(rf, true, dst, a);
                return true;
            }
            if (s.len == strlen(no[i]) && strncasecmp(s.ptr, no[i], s.len) == 0) {
                bk_store_bool(rf, false, dst, a);
                return true;
            }
        }
        bk_type_error(rf, e, input, input_len, true);
        return false;
    }
    case BRISK_K_I32:
    case BRISK_K_I64:
    case BRISK_K_F64: {
        /* Surrounding whitespace and a leading '+' are fine, as for Python's int(). */
        size_t b = 0, end = s.len;
        while (b < end && (s.ptr[b] == ' ' || s.ptr[b] == '\t' || s.ptr[b] == '\n')) b++;
        while (end > b && (s.ptr[end - 1] == ' ' || s.ptr[end - 1] == '\t' ||
                           s.ptr[end - 1] == '\n'))
            end--;
        if (b < end && s.ptr[b] == '+') b++;
        bk_jnum num;
        if (rf->f.kind != BRISK_K_F64) {
            if (int_text(s.ptr + b, end - b, &num))
                return bk_check_number(rf, &num, dst, e, a, input, input_len);
            bk_type_error(rf, e, input, input_len, true);
            return false;
        }
        if (end > b && bk_json_number_parse(s.ptr + b, end - b, &num))
            return bk_check_number(rf, &num, dst, e, a, input, input_len);
        if (rf->f.kind == BRISK_K_F64 && end > b) {
            const char *t = s.ptr + b;
            size_t tl = end - b;
            if (*t == '-') t++, tl--;
            if ((tl == 3 && (strncasecmp(t, "inf", 3) == 0 || strncasecmp(t, "nan", 3) == 0)) ||
                (tl == 8 && strncasecmp(t, "infinity", 8) == 0)) {
                bk_verr_add(e, "finite_number", "Input should be a finite number", input,
                            input_len, NULL);
                return false;
            }
        }
        bk_type_error(rf, e, input, input_len, true);
        return false;
    }
    default:
        return bk_check_string(rf, s, dst, e, a, input, input_len);
    }
}
