#ifndef ADVOCATE_CSYSTEMEXTENSIONS_H
#define ADVOCATE_CSYSTEMEXTENSIONS_H

#include <spawn.h>

/// The GNU extensions of the C library that Swift's Glibc module does not export.

/// Flushes every file of the filesystem holding `descriptor` to disk in one call: Linux's
/// syncfs(2). Elsewhere it fails with ENOSYS and the caller flushes file by file.
int advocate_syncfs(int descriptor);

/// Adds to `actions` the closing of every descriptor from `lowest` up in the child, so that a
/// spawned command inherits none of the parent's files or sockets: glibc's
/// posix_spawn_file_actions_addclosefrom_np (2.34 and later). Elsewhere it fails with ENOSYS.
int advocate_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
