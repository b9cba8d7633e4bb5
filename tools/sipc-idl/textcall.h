/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls typed on a command line: arguments marshalled from text by an
 * interface's declaration of them, replies printed with their names.
 * For sipcctl call NAME METHOD ARG...; needs libsipc.
 */
#ifndef SIPC_IDL_TEXTCALL_H
#define SIPC_IDL_TEXTCALL_H

#include <sipc.h>

#include "idl.h"

/*
 * Put @argc texts at @argv into @p as the arguments @f of @itf. On a
 * mistake: -EINVAL with a message in @err naming the argument.
 */
int textcall_put_args(struct sipc_parcel *p, const struct idl_interface *itf,
		      const struct idl_fields *f, char **argv, int argc,
		      char *err, size_t errlen);

/* Print the reply @p as "NAME = VALUE" lines for the arguments @f. */
int textcall_print_reply(FILE *out, struct sipc_parcel *p,
			 const struct idl_interface *itf,
			 const struct idl_fields *f);

/* The name of the interface's error @status, or NULL. */
const char *textcall_error_name(const struct idl_interface *itf, int status);

#endif /* SIPC_IDL_TEXTCALL_H */
