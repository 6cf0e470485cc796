#ifndef VANTAGE_COPENBLAS_SHIM_H
#define VANTAGE_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>
/* Declared by OpenBLAS's cblas.h; repeated so the module compiles against other BLAS headers too. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
