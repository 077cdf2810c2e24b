#ifndef ADVOCATE_CFILESYNC_H
#define ADVOCATE_CFILESYNC_H

/// Flushes every file of the filesystem holding `descriptor` to disk in one call: Linux's
/// syncfs(2), which Swift's Glibc module does not export (it is a GNU extension).
int advocate_syncfs(int descriptor);

#endif
