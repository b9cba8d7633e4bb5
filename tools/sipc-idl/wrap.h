/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIPC_IDL_WRAP_H
#define SIPC_IDL_WRAP_H

#include <stdio.h>

/* Write @text to @out, long argument lists wrapped at 80 columns. */
void wrap_write(FILE *out, const char *text);

#endif /* SIPC_IDL_WRAP_H */
