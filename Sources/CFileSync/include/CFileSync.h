#ifndef ADVOCATE_CFILESYNC_H
#define ADVOCATE_CFILESYNC_H

/// Flushes every file of the filesystem holding `descriptor` to disk in one call: Linux's
/// syncfs(2), a GNU extension that Swift's Glibc module does not export. Elsewhere it fails
/// with ENOSYS and the caller flushes file by file.
int advocate_syncfs(int descriptor);

#endif
