#ifndef ENDPOINT_DRIFT_BUILD_INFO_H
#define ENDPOINT_DRIFT_BUILD_INFO_H

/// Copies the git commit this binary was built from ("unknown" unless stamped) into `out`,
/// NUL-terminated. `make dist` writes the commit into the linked binary's `endpoint_drift_build`
/// section with objcopy, so that stamping a release recompiles nothing (a compiler flag would
/// invalidate every module's build).
void endpoint_drift_build_commit(char out[65]);

#endif
