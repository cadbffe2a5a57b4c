// The system libgit2 (Debian: libgit2-dev). Only GitStore imports this module.
#include <git2.h>
// The in-memory object backend: fix commits are built in memory and written only when published.
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
