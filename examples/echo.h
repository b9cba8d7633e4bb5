/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * The echo service's interface, shared by examples/echo-service.c and
 * examples/echo-client.c: its name in the registry and its calls.
 */
#ifndef SIPC_EXAMPLE_ECHO_H
#define SIPC_EXAMPLE_ECHO_H

#define ECHO_NAME	"demo.echo"

enum echo_code {
	ECHO_UPPER = 1,		/* string -> the string in upper case */
	ECHO_ADD = 2,		/* i32 a, i32 b -> i32 a + b */
};

#endif /* SIPC_EXAMPLE_ECHO_H */
