#include "build_info.h"

// 64 bytes, NUL-padded: `objcopy --update-section endpoint_drift_build=FILE` replaces the section
// with a file of exactly this size (scripts/dist.sh). `used` keeps it through the linker's garbage
// collection; the volatile reads keep the compiler from folding "unknown" in.
__attribute__((used, section("endpoint_drift_build"))) volatile const char endpoint_drift_build_info[64] = "unknown";

void endpoint_drift_build_commit(char out[65]) {
    for (int i = 0; i < 64; i++) out[i] = endpoint_drift_build_info[i];
    out[64] = 0;
}
