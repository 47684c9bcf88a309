/* Schema-directed decoding: JSON text straight into the user's struct, validated in the
 * same pass, every error of the document collected in field order as Pydantic lists
 * them. */
#include <stdio.h>
#include <string.h>

#include "model/model.h"

/* Errors added while one member of an object was decoded: a chain of nodes, so the
 * object can put them back in declaration order (and drop those of a key that a later
 * duplicate replaced). */
typedef struct seg {
    bk_verr *first, *last;
    size_t idx;                  /* field index; extras come after all fields */
    uint32_t occ;                /* occurrence of that key */
} seg;

typedef struct segs {
    seg inline_[6];
    seg *v;
    size_t n, cap;
} segs;

static void segs_push(segs *s, bk_arena *a, seg x) {
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        seg *nv = bk_arena_alloc(a, cap * sizeof *nv);
        memcpy(nv, s->v, s->n * sizeof *nv);
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

/* Records the nodes appended since *mark as one segment. */
static void segs_close(segs *s, bk_verrs *e, bk_verr **mark, size_t idx, uint32_t occ) {
    if (e->tail == mark) return;
    segs_push(s, e->arena, (seg){*mark, (bk_verr *)e->tail, idx, occ});
}

static void reorder(segs *s, bk_verrs *e, bk_verr **mark, const uint32_t *seen,
                    size_t nfields) {
    bool sorted = true;
    for (size_t i = 0; i < s->n; i++) {
        if (i && s->v[i].idx < s->v[i - 1].idx) sorted = false;
        if (s->v[i].idx < nfields && s->v[i].occ != seen[s->v[i].idx]) sorted = false;
    }
    if (sorted) return;
    /* Stable insertion sort: a handful of segments. */
    for (size_t i = 1; i < s->n; i++) {
        seg x = s->v[i];
        size_t j = i;
        while (j > 0 && s->v[j - 1].idx > x.idx) {
            s->v[j] = s->v[j - 1];
            j--;
        }
        s->v[j] = x;
    }
    bk_verr **tail = mark;
    for (size_t i = 0; i < s->n; i++) {
        seg *g = &s->v[i];
        if (g->idx < nfields && g->occ != seen[g->idx]) {
            /* Replaced by a duplicate key: its errors no longer count. */
            for (bk_verr *v = g->first;; v = v->next) {
                if (!v->dropped) e->n--;
                v->dropped = true;
                if (v == g->last) break;
            }
            continue;
        }
        *tail = g->first;
        tail = &g->last->next;
    }
    *tail = NULL;
    e->tail = tail;
}

static size_t find_field(const bk_rmodel *rm, brisk_str key, size_t hint) {
    if (hint < rm->n && rm->fields[hint].key_len == key.len &&
        memcmp(rm->fields[hint].key, key.ptr, key.len) == 0)
        return hint;
    for (size_t i = 0; i < rm->n; i++) {
        if (rm->fields[i].key_len == key.len && memcmp(rm->fields[i].key, key.ptr, key.len) == 0)
            return i;
    }
    return SIZE_MAX;
}


static void own_fields(bk_rmodel *rm, void *obj, bk_arena *a) {
    for (size_t i = 0; i < rm->n; i++)
        bk_own_default(&rm->fields[i], (char *)obj + rm->fields[i].f.offset, a);
}

static void *dup_mem(bk_arena *a, const void *src, size_t n) {
    void *p = bk_arena_alloc(a, n ? n : 1);
    if (n) memcpy(p, src, n);
    return p;
}

void bk_own_default(const bk_rfield *rf, void *dst, bk_arena *a) {
    switch (rf->f.kind) {
    case BRISK_K_BOOL: case BRISK_K_I32: case BRISK_K_I64: case BRISK_K_F64: case BRISK_K_ENUM:
        if (rf->f.nullable && *(void **)dst) *(void **)dst = dup_mem(a, *(void **)dst, 8);
        return;
    case BRISK_K_OBJ:
        if (rf->inline_obj) {
            own_fields(rf->model, dst, a);
        } else if (*(void **)dst) {
            *(void **)dst = dup_mem(a, *(void **)dst, rf->model->m->size);
            own_fields(rf->model, *(void **)dst, a);
        }
        return;
    case BRISK_K_LIST: {
        brisk_list *l = dst;
        if (!l->items) return;
        l->items = dup_mem(a, l->items, l->len * rf->item->csize);
        for (size_t i = 0; i < l->len; i++)
            bk_own_default(rf->item, (char *)l->items + i * rf->item->csize, a);
        return;
    }
    case BRISK_K_MAP: {
        brisk_map *m = dst;
        if (!m->keys) return;
        m->keys = dup_mem(a, m->keys, m->len * sizeof *m->keys);
        m->values = dup_mem(a, m->values, m->len * rf->item->csize);
        for (size_t i = 0; i < m->len; i++)
            bk_own_default(rf->item, (char *)m->values + i * rf->item->csize, a);
        return;
    }
    default: /* strings and brisk_value are const: sharing them is safe */
        return;
    }
}

static bool decode_obj_into(bk_jreader *r, bk_rmodel *rm, void *dst, bk_verrs *e) {
    size_t start = bk_jr_offset(r);
    memcpy(dst, rm->image, rm->m->size);
    if (!bk_jr_obj_begin(r)) return false;
    uint32_t seen_inline[32];
    uint32_t *seen = rm->n <= 32 ? seen_inline : bk_arena_alloc(e->arena, rm->n * sizeof *seen);
    memset(seen, 0, rm->n * sizeof *seen);
    segs s = {.n = 0, .cap = 6};
    s.v = s.inline_;
    bk_verr **mark = e->tail;
    size_t hint = 0, extras = 0;
    brisk_str key;
    while (bk_jr_obj_next(r, &key)) {
        size_t idx = find_field(rm, key, hint);
        bk_verr **fmark = e->tail;
        bk_loc_push_key(e, key.ptr, key.len);
        if (idx == SIZE_MAX) {
            size_t vstart = bk_jr_offset(r);
            if (!bk_jr_skip(r)) return false;
            if (rm->forbid_extra) {
                bk_verr_add(e, "extra_forbidden", "Extra inputs are not permitted",
                            r->start + vstart, (size_t)(r->p - r->start) - vstart, NULL);
                bk_loc_pop(e);
                segs_close(&s, e, fmark, rm->n + extras++, 0);
                continue;
            }
            bk_loc_pop(e);
            continue;
        }
        const bk_rfield *rf = &rm->fields[idx];
        seen[idx]++;
        if (seen[idx] > 1) memcpy((char *)dst + rf->f.offset, (char *)rm->image + rf->f.offset,
                                  rf->csize);
        if (!bk_decode_value(r, rf, (char *)dst + rf->f.offset, e)) return false;
        bk_loc_pop(e);
        segs_close(&s, e, fmark, idx, seen[idx]);
        hint = idx + 1;
    }
    if (r->failed) return false;
    size_t end = (size_t)(r->p - r->start);
    for (size_t i = 0; i < rm->n; i++) {
        if (!seen[i] && rm->fields[i].default_value)
            bk_own_default(&rm->fields[i], (char *)dst + rm->fields[i].f.offset, e->arena);
        if (seen[i] || rm->fields[i].f.optional) continue;
        bk_verr **fmark = e->tail;
        bk_loc_push_key(e, rm->fields[i].key, rm->fields[i].key_len);
        bk_verr_add(e, "missing", "Field required", r->start + start, end - start, NULL);
        bk_loc_pop(e);
        segs_close(&s, e, fmark, i, 0);
    }
    if (s.n) reorder(&s, e, mark, seen, rm->n);
    return true;
}

bool bk_decode_model(bk_jreader *r, bk_rmodel *rm, void **out, bk_verrs *e) {
    void *obj = bk_arena_alloc(e->arena, rm->m->size);
    *out = obj;
    return decode_obj_into(r, rm, obj, e);
}

/* Skips a value of the wrong type and reports it. */
static bool wrong_type(bk_jreader *r, const bk_rfield *rf, bk_verrs *e, size_t start,
                       bool is_string) {
    if (!bk_jr_skip(r)) return false;
    bk_type_error(rf, e, r->start + start, (size_t)(r->p - r->start) - start, is_string);
    return true;
}

typedef struct growing {
    char *items;
    size_t len, cap, size;
} growing;

static void *grow_slot(growing *g, bk_arena *a) {
    if (g->len == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        char *n = bk_arena_alloc(a, cap * g->size);
        if (g->len) memcpy(n, g->items, g->len * g->size);
        g->items = n;
        g->cap = cap;
    }
    void *slot = g->items + g->len++ * g->size;
    memset(slot, 0, g->size);
    return slot;
}

static bool decode_list(bk_jreader *r, const bk_rfield *rf, void *dst, bk_verrs *e,
                        size_t start) {
    const bk_rfield *it = rf->item;
    growing g = {NULL, 0, 0, it->csize};
    bk_verr **mark = e->tail;
    size_t n0 = e->n;
    if (!bk_jr_arr_begin(r)) return false;
    while (bk_jr_arr_next(r)) {
        void *slot = grow_slot(&g, e->arena);
        bk_loc_push_index(e, g.len - 1);
        bool ok = bk_decode_value(r, it, slot, e);
        bk_loc_pop(e);
        if (!ok) return false;
    }
    if (r->failed) return false;
    bk_count_errors(rf, g.len, false, e, mark, n0, r->start + start,
                    (size_t)(r->p - r->start) - start);
    /* Empty is not null: a nullable list tells them apart by .items. */
    *(brisk_list *)dst = (brisk_list){g.items ? g.items : bk_arena_alloc(e->arena, 1), g.len};
    return true;
}

/* Length bounds, ordered as pydantic-core checks them: too many list items is the only
 * error (it stops before validating the rest); otherwise, and for dicts always, a length
 * error is reported only when every item was valid. */
void bk_count_errors(const bk_rfield *rf, size_t n, bool is_map, bk_verrs *e, bk_verr **mark,
                     size_t n0, const char *input, size_t input_len) {
    if (!is_map && rf->f.max_len && n > rf->f.max_len) {
        *mark = NULL;
        e->tail = mark;
        e->n = n0;
    } else if (e->n > n0) {
        return;
    }
    bk_check_count(rf, n, is_map, e, input, input_len);
}

/* Maps keep the last of duplicate keys; a hash of the keys seen keeps that linear. */
typedef struct keyhash {
    uint32_t *slots;             /* index + 1; 0 = empty */
    size_t mask;
} keyhash;

static uint64_t hash_key(brisk_str k) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < k.len; i++) h = (h ^ (unsigned char)k.ptr[i]) * 1099511628211ull;
    return h;
}

static void keyhash_build(keyhash *kh, const brisk_str *keys, size_t n, bk_arena *a) {
    size_t cap = 64;
    while (cap < n * 2) cap *= 2;
    kh->slots = bk_arena_alloc(a, cap * sizeof *kh->slots);
    memset(kh->slots, 0, cap * sizeof *kh->slots);
    kh->mask = cap - 1;
    for (size_t i = 0; i < n; i++) {
        size_t p = hash_key(keys[i]) & kh->mask;
        while (kh->slots[p]) p = (p + 1) & kh->mask;
        kh->slots[p] = (uint32_t)(i + 1);
    }
}

static size_t keyhash_find(const keyhash *kh, const brisk_str *keys, brisk_str k) {
    size_t p = hash_key(k) & kh->mask;
    while (kh->slots[p]) {
        const brisk_str *c = &keys[kh->slots[p] - 1];
        if (c->len == k.len && memcmp(c->ptr, k.ptr, k.len) == 0) return kh->slots[p] - 1;
        p = (p + 1) & kh->mask;
    }
    return SIZE_MAX;
}

static bool decode_map(bk_jreader *r, const bk_rfield *rf, void *dst, bk_verrs *e,
                       size_t start) {
    const bk_rfield *it = rf->item;
    growing keys = {NULL, 0, 0, sizeof(brisk_str)}, vals = {NULL, 0, 0, it->csize};
    keyhash kh = {NULL, 0};
    size_t hashed = 0;
    bk_verr **mark = e->tail;
    size_t n0 = e->n;
    if (!bk_jr_obj_begin(r)) return false;
    brisk_str key;
    while (bk_jr_obj_next(r, &key)) {
        brisk_str *ks = (brisk_str *)keys.items;
        size_t found = SIZE_MAX;
        if (keys.len <= 16) {
            for (size_t i = 0; i < keys.len; i++)
                if (ks[i].len == key.len && memcmp(ks[i].ptr, key.ptr, key.len) == 0) found = i;
        } else {
            if (hashed != keys.cap) {
                keyhash_build(&kh, ks, keys.len, e->arena);
                hashed = keys.cap;
            }
            found = keyhash_find(&kh, ks, key);
        }
        void *slot;
        bk_loc_push_key(e, key.ptr, key.len);
        if (found != SIZE_MAX) {
            bk_verr_drop_here(e);
            slot = vals.items + found * vals.size;
            memset(slot, 0, vals.size);
        } else {
            *(brisk_str *)grow_slot(&keys, e->arena) = key;
            slot = grow_slot(&vals, e->arena);
            if (hashed) {
                if (hashed != keys.cap) {
                    keyhash_build(&kh, (brisk_str *)keys.items, keys.len, e->arena);
                    hashed = keys.cap;
                } else {
                    size_t p = hash_key(key) & kh.mask;
                    while (kh.slots[p]) p = (p + 1) & kh.mask;
                    kh.slots[p] = (uint32_t)keys.len;
                }
            }
        }
        bool ok = bk_decode_value(r, it, slot, e);
        bk_loc_pop(e);
        if (!ok) return false;
    }
    if (r->failed) return false;
    bk_count_errors(rf, keys.len, true, e, mark, n0, r->start + start,
                    (size_t)(r->p - r->start) - start);
    if (!keys.items) keys.items = vals.items = bk_arena_alloc(e->arena, 1);
    *(brisk_map *)dst = (brisk_map){(brisk_str *)keys.items, vals.items, keys.len};
    return true;
}

bool bk_decode_value(bk_jreader *r, const bk_rfield *rf, void *dst, bk_verrs *e) {
    bk_jtok t = bk_jr_peek(r);
    if (t == BK_JT_ERROR) return false;
    size_t start = bk_jr_offset(r);
    brisk_kind k = rf->f.kind;
    if (k == BRISK_K_ANY) {
        brisk_value *v = bk_jr_value(r);
        *(brisk_value **)dst = v;
        return v != NULL;
    }
    if (t == BK_JT_NULL) {
        if (!bk_jr_literal(r)) return false;
        if (rf->f.nullable) {
            memset(dst, 0, rf->csize);
            return true;
        }
        bk_type_error(rf, e, "null", 4, false);
        return true;
    }
    switch (k) {
    case BRISK_K_BOOL:
        if (t == BK_JT_TRUE || t == BK_JT_FALSE) {
            if (!bk_jr_literal(r)) return false;
            bk_store_bool(rf, t == BK_JT_TRUE, dst, e->arena);
            return true;
        }
        if (t == BK_JT_NUMBER) {
            bk_jnum num;
            if (!bk_jr_number(r, &num)) return false;
            if (num.d == 0 || num.d == 1) { /* 1 and 1.0 alike, as Python compares them */
                bk_store_bool(rf, num.d == 1, dst, e->arena);
            } else {
                bk_verr_add(e, "bool_parsing", "Input should be a valid boolean, unable to "
                            "interpret input", num.text, num.len, NULL);
            }
            return true;
        }
        break;
    case BRISK_K_I32:
    case BRISK_K_I64:
    case BRISK_K_F64:
        if (t == BK_JT_NUMBER) {
            bk_jnum num;
            if (!bk_jr_number(r, &num)) return false;
            bk_check_number(rf, &num, dst, e, e->arena, num.text, num.len);
            return true;
        }
        if (t == BK_JT_TRUE || t == BK_JT_FALSE) {
            /* Python's bool is an int: Pydantic's lax mode takes true as 1. */
            if (!bk_jr_literal(r)) return false;
            bool one = t == BK_JT_TRUE;
            bk_jnum num = {.is_int = true, .i = one, .d = one, .text = one ? "true" : "false",
                           .len = one ? 4 : 5};
            bk_check_number(rf, &num, dst, e, e->arena, num.text, num.len);
            return true;
        }
        break;
    case BRISK_K_OBJ:
        if (t == BK_JT_OBJECT) {
            if (rf->inline_obj) return decode_obj_into(r, rf->model, dst, e);
            return bk_decode_model(r, rf->model, (void **)dst, e);
        }
        return wrong_type(r, rf, e, start, t == BK_JT_STRING);
    case BRISK_K_LIST:
        if (t == BK_JT_ARRAY) return decode_list(r, rf, dst, e, start);
        return wrong_type(r, rf, e, start, t == BK_JT_STRING);
    case BRISK_K_MAP:
        if (t == BK_JT_OBJECT) return decode_map(r, rf, dst, e, start);
        return wrong_type(r, rf, e, start, t == BK_JT_STRING);
    default:
        break;
    }
    if (t == BK_JT_STRING) {
        brisk_str s;
        if (!bk_jr_string(r, &s)) return false;
        const char *in = r->start + start;
        size_t in_len = (size_t)(r->p - r->start) - start;
        if (k == BRISK_K_STR || k == BRISK_K_ENUM || k == BRISK_K_UUID || k == BRISK_K_DATETIME)
            bk_check_string(rf, s, dst, e, e->arena, in, in_len);
        else
            bk_coerce_text(rf, s, dst, e, e->arena, in, in_len);
        return true;
    }
    return wrong_type(r, rf, e, start, false);
}

void *bk_model_decode(bk_rmodel *rm, const char *text, size_t len, bk_verrs *e,
                      const char *loc_root) {
    bk_jreader r;
    bk_jr_init(&r, text, len, e->arena);
    bk_verr **mark = e->tail;
    size_t n0 = e->n, depth0 = e->depth;
    if (loc_root) bk_loc_push_key(e, loc_root, strlen(loc_root));
    void *obj = NULL;
    bk_jtok t = bk_jr_peek(&r);
    bool ok;
    if (t == BK_JT_OBJECT) {
        ok = bk_decode_model(&r, rm, &obj, e);
    } else if (t == BK_JT_NULL) {
        /* FastAPI takes a null body for no body at all. */
        ok = bk_jr_literal(&r) && bk_jr_finish(&r);
        if (ok) bk_verr_add(e, "missing", "Field required", NULL, 0, NULL);
    } else if (t == BK_JT_ERROR) {
        ok = false;
    } else {
        bk_rfield as_field = {.f = {.kind = BRISK_K_OBJ}, .model = rm};
        size_t start = bk_jr_offset(&r);
        ok = wrong_type(&r, &as_field, e, start, false);
    }
    if (ok) ok = bk_jr_finish(&r);
    if (!ok) {
        /* Not JSON at all: FastAPI reports only that, never validation errors. */
        *mark = NULL;
        e->tail = mark;
        e->n = n0;
        e->depth = depth0;
        if (loc_root) bk_loc_push_key(e, loc_root, strlen(loc_root));
        bk_verr_json_invalid(e, text, r.err_pos, r.err_msg);
    }
    if (loc_root) bk_loc_pop(e);
    return e->n == n0 && !e->capped ? obj : NULL;
}
