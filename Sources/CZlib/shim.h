#ifndef VANTAGE_CZLIB_SHIM_H
#define VANTAGE_CZLIB_SHIM_H
#include <zlib.h>

/* `deflateInit` and `inflateInit` are macros that pass the library version and stream size: wrap them. */
static inline int vantage_deflate_init(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY);
}

static inline int vantage_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}
#endif
