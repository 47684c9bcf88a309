/* The docs pages' files (Swagger UI, ReDoc), embedded at build time by embed.c into a
 * generated source of the build directory. */
#ifndef BK_API_ASSETS_H
#define BK_API_ASSETS_H

#include <stddef.h>

typedef struct bk_asset {
    const char *name;           /* the file's name, e.g. "swagger-ui-bundle.js" */
    const char *content_type;
    const unsigned char *gz;    /* the file, gzip-compressed (one member, mtime 0) */
    size_t gz_len;
    size_t len;                 /* the file's own length */
    const char *etag;           /* quoted, of the uncompressed form */
    const char *etag_gzip;      /* quoted, of the gzip form */
    const char *version;        /* a short hash of the content, for cache-busting URLs */
} bk_asset;

extern const bk_asset bk_docs_assets[];
extern const size_t bk_docs_nassets;

#endif
