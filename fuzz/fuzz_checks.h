/*
 * The checks behind the fuzz targets (fuzz/fuzz_*.c, built with clang and libFuzzer by
 * `make fuzz`) and behind tests/unit/test_regressions.c, which runs every saved input of
 * fuzz/regressions/<target>/ through the same functions in the normal build. Each check takes
 * arbitrary bytes and aborts, after saying which invariant broke, when the core misbehaves.
 */
#ifndef SVCSCOPE_FUZZ_CHECKS_H
#define SVCSCOPE_FUZZ_CHECKS_H

#include <stddef.h>
#include <stdint.h>

/* svc_facts_extract on the bytes as a Python file: spans inside the buffer, rows and columns
 * that agree with the bytes, defs/refs/calls in source order, indexes in range. */
void fz_check_facts(const uint8_t *data, size_t size);

/* svc_config_parse on the bytes as a pyproject.toml: 0 or SVC_ECONFIG with "pyproject.toml:LINE:",
 * a failed parse leaves the config untouched, excludes match paths in bounded time. */
void fz_check_config(const uint8_t *data, size_t size);

/*
 * The fix pipeline on the demo project with one file replaced by the bytes: byte 0 picks the
 * file, byte 1 the mode (bit 7: apply every fix at once, then undo; else fix number byte1 %
 * count alone), the rest is the file. A fix's edits are in range, sorted and disjoint; a fix
 * whose in-memory result has more syntax errors than before must be refused; an applied fix
 * leaves exactly the in-memory result on disk; a refused one leaves every byte as it was; undo
 * restores the project byte for byte.
 */
void fz_check_fix(const uint8_t *data, size_t size);

/* Frees what the checks keep between runs (the demo project's bytes); for leak checkers. */
void fz_cleanup(void);

#endif
