#ifndef ADVOCATE_CQRENCODE_SHIM_H
#define ADVOCATE_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
