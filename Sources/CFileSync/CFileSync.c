#define _GNU_SOURCE
#include <unistd.h>
#include "CFileSync.h"

int advocate_syncfs(int descriptor) {
    return syncfs(descriptor);
}
