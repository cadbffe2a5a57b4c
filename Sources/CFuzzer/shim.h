// libFuzzer's driver, for a fuzz target that has a main of its own (see endpoint-drift-fuzz).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
