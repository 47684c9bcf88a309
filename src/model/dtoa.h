/* Shortest round-trip double-to-text (Schubfach), locale independent.
 *
 * Output format, chosen to match JavaScript's Number.prototype.toString (and so
 * JSON.stringify), which is what most JSON consumers expect to see:
 *   - integers below 1e21 print as plain digits with no ".0": 100, 123456789012345680000
 *   - decimal point position n (value = 0.d1d2... * 10^n): -6 < n <= 21 prints plain
 *     decimals (0.1, 1.5, 0.000001); anything else uses an exponent with an explicit
 *     sign: 1e+21, 1.5e-7, 5e-324, 1.7976931348623157e+308
 *   - negative zero prints as "-0" (valid JSON and it keeps the sign bit, unlike
 *     JavaScript which prints "0"); positive zero prints as "0".
 * The digits are the shortest that read back (with a correctly rounded strtod) to
 * exactly v; among equally short ones, the closest to v (ties: even last digit). */
#ifndef BK_DTOA_H
#define BK_DTOA_H

#include <stddef.h>

/* Writes v to out (not NUL-terminated) and returns its length, always < 32.
 * NaN and infinities are the caller's business: they write nothing and return 0. */
size_t bk_dtoa(double v, char out[32]);

/* The same shortest digits laid out as Python's repr(float) writes them, which is what
 * FastAPI's JSON shows: always a '.' or an exponent (so the text reads back as a double,
 * never as an integer), plain from 1e-4 up to below 1e16, else d.ddde±XX with at least
 * two exponent digits: 0.0, -0.0, 1.0, 100.0, 0.0001, 1e-05, 1e+16, 5e-324. NaN and
 * infinities write nothing and return 0. The result is always < 32 bytes. */
size_t bk_dtoa_repr(double v, char out[32]);

/* Checks the fast exponent formulas and the power-of-ten table against exact big
 * integer arithmetic. Returns 0 when all agree; for the unit tests. */
int bk_dtoa_selfcheck(void);

#endif
