#ifndef VANTAGE_CTURBOJPEG_SHIM_H
#define VANTAGE_CTURBOJPEG_SHIM_H
#include <stddef.h>
#include <turbojpeg.h>
#endif
