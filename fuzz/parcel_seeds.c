// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * Seeds for parcel_fuzz: parcels made by the writer, in the fuzzer's
 * "received" input form (a count of offsets, the offsets, the payload),
 * and one writer script. Usage: parcel_seeds DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sipc.h>

static int emit(const char *dir, int n, const struct sipc_parcel *p,
		const void *extra, size_t extra_len, const uint16_t *offs,
		size_t count)
{
	char path[512];
	size_t len, i;
	const void *data = sipc_parcel_data(p, &len);
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%02d", dir, n);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputc((int)count, f);
	for (i = 0; i < count; i++) {
		fputc(offs[i] & 0xff, f);
		fputc(offs[i] >> 8, f);
	}
	fwrite(data, 1, len, f);
	if (extra_len)
		fwrite(extra, 1, extra_len, f);
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct sipc_parcel *p = sipc_parcel_new(), *inner = sipc_parcel_new();
	unsigned char obj[24] = { 0 };
	const unsigned char script[] = {
		0xff, 1, 0, 0, 0, 0, 0, 0, 0, 1, 11, 0, 0, 0, 0, 0, 0, 0, 5,
		'h', 'e', 'l', 'l', 'o', 12, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3,
	};
	uint16_t off;
	size_t len;
	FILE *f;
	char path[512];

	if (argc != 2 || !p || !inner)
		return 2;
	/* Every scalar type, a string, bytes. */
	sipc_parcel_put_bool(p, 1);
	sipc_parcel_put_i8(p, -5);
	sipc_parcel_put_u8(p, 250);
	sipc_parcel_put_i16(p, -30000);
	sipc_parcel_put_u16(p, 60000);
	sipc_parcel_put_i32(p, -2);
	sipc_parcel_put_u32(p, 4000000000U);
	sipc_parcel_put_i64(p, -3);
	sipc_parcel_put_u64(p, 1ULL << 63);
	sipc_parcel_put_double(p, 3.5);
	sipc_parcel_put_string(p, "a string");
	sipc_parcel_put_bytes(p, "\0\1\2\3\4", 5);
	if (emit(argv[1], 1, p, NULL, 0, NULL, 0))
		return 1;
	/* A nested parcel, twice deep. */
	sipc_parcel_put_u32(inner, 7);
	sipc_parcel_put_string(inner, "inner");
	sipc_parcel_reset(p);
	sipc_parcel_put_parcel(p, inner);
	sipc_parcel_put_parcel(p, inner);
	if (emit(argv[1], 2, p, NULL, 0, NULL, 0))
		return 1;
	/*
	 * An object item by hand after a u32 item (8 bytes): its header at
	 * 8 (tag 14, aux 4: four bytes of pad), the object at 16, listed as
	 * offset 2 (times 8, in the fuzzer's form).
	 */
	sipc_parcel_reset(p);
	sipc_parcel_put_u32(p, 1);
	sipc_parcel_data(p, &len);
	if (len != 8)
		return 1;
	obj[0] = 14;
	obj[1] = 4;
	obj[8] = SIPC_OBJ_HANDLE;
	obj[16] = 3;
	off = 2;
	if (emit(argv[1], 3, p, obj, sizeof(obj), &off, 1))
		return 1;
	/* A writer script. */
	snprintf(path, sizeof(path), "%s/seed-04", argv[1]);
	f = fopen(path, "w");
	if (!f || fwrite(script, 1, sizeof(script), f) != sizeof(script))
		return 1;
	fclose(f);
	sipc_parcel_free(p);
	sipc_parcel_free(inner);
	return 0;
}
