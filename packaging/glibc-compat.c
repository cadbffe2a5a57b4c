/*
 * The three glibc symbols newer than 2.31 that the portable binary needs once it is linked against a
 * glibc 2.31 root filesystem (make dist, DIST_GLIBC_SYSROOT): everything else the Swift runtime,
 * Foundation, libgit2 and libstdc++ call exists in 2.31 under an older version, and stat, fstat,
 * lstat and fstatat come from 2.31's libc_nonshared.a. Linked in statically; the binary then runs on
 * glibc 2.31 and every later one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

/*
 * glibc 2.32: libstdc++ (GCC 12) reads it to skip atomic reference counts in a single-threaded
 * process. 0 says "maybe several threads", which is always correct, only not the fastest.
 */
char __libc_single_threaded = 0;

/*
 * glibc 2.36: arc4random, used for random numbers by the Swift runtime. getrandom (2.25) gives the
 * same kernel randomness; it blocks only before the kernel's pool is first seeded.
 */
uint32_t arc4random(void) {
    uint32_t value;
    size_t got = 0;
    while (got < sizeof value) {
        ssize_t n = getrandom((char *)&value + got, sizeof value - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno != EINTR) {
            /* No randomness at all (seccomp forbids getrandom): stop rather than return a constant. */
            __builtin_trap();
        }
    }
    return value;
}

void arc4random_buf(void *buffer, size_t length) {
    size_t got = 0;
    while (got < length) {
        ssize_t n = getrandom((char *)buffer + got, length - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno != EINTR) {
            __builtin_trap();
        }
    }
}

uint32_t arc4random_uniform(uint32_t upper) {
    if (upper < 2) return 0;
    /* Rejection sampling: values below (2^32 mod upper) would make small results more likely. */
    uint32_t floor = -upper % upper;
    for (;;) {
        uint32_t value = arc4random();
        if (value >= floor) return value % upper;
    }
}

/*
 * glibc 2.35: _dl_find_object, which GCC 12's unwinder (libgcc_eh) calls to find the exception
 * frame table of the object holding a code address. The same answer from dl_iterate_phdr (2.2.4),
 * which is what the unwinder used before 2.35 existed. Compiled with the build machine's glibc
 * headers (2.36), which declare the structure.
 */
struct find_request {
    uintptr_t address;
    struct dl_find_object *result;
    int found;
};

static int find_in_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct find_request *request = data;
    uintptr_t low = UINTPTR_MAX, high = 0;
    void *eh_frame = NULL;
    int contains = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        if (header->p_type == PT_LOAD) {
            uintptr_t end = start + header->p_memsz;
            if (start < low) low = start;
            if (end > high) high = end;
            if (request->address >= start && request->address < end) contains = 1;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = (void *)start;
        }
    }
    if (!contains) return 0;
    memset(request->result, 0, sizeof *request->result);
    request->result->dlfo_map_start = (void *)low;
    request->result->dlfo_map_end = (void *)high;
    request->result->dlfo_eh_frame = eh_frame;
    request->found = 1;
    return 1;
}

int _dl_find_object(void *address, struct dl_find_object *result) {
    struct find_request request = {(uintptr_t)address, result, 0};
    dl_iterate_phdr(find_in_object, &request);
    return request.found ? 0 : -1;
}
