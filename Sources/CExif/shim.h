#ifndef VANTAGE_CEXIF_SHIM_H
#define VANTAGE_CEXIF_SHIM_H
#include <stddef.h>
#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <libexif/exif-utils.h>
#include <libexif/exif-tag.h>
#include <libexif/exif-entry.h>
#include <libexif/exif-content.h>
#include <libexif/exif-ifd.h>
#include <libexif/exif-mem.h>

/* `exif_data_get_entry` is a macro and `ExifData.ifd` imports as a tuple: wrap both. */
static inline ExifContent *vantage_exif_ifd(ExifData *data, ExifIfd ifd) {
    if (data == NULL || ifd < 0 || ifd >= EXIF_IFD_COUNT) return NULL;
    return data->ifd[ifd];
}

static inline ExifEntry *vantage_exif_entry(ExifData *data, ExifIfd ifd, ExifTag tag) {
    ExifContent *content = vantage_exif_ifd(data, ifd);
    if (content == NULL) return NULL;
    return exif_content_get_entry(content, tag);
}
#endif
