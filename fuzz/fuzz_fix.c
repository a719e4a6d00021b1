/* libFuzzer target: see fuzz_checks.h (fz_check_fix) and `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void at_exit(void) { fz_cleanup(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered) {
        registered = 1;
        atexit(at_exit);
    }
    fz_check_fix(data, size);
    return 0;
}
