// The system libgit2 (Debian: libgit2-dev). Only GitStore imports this module.
#include <git2.h>
