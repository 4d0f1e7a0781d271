/*
 * account.c: (being written)
 */
#include "extern.h"
