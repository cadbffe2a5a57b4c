// Lowering the scheduling priority of the calling thread alone (on Linux, setpriority on a thread
// id), which the Glibc module cannot do: it exports neither gettid nor syscall.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int endpoint_drift_lower_thread_priority(int niceness) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), niceness);
}
