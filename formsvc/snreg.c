/*
 * snreg.c: (being written)
 */
#include "extern.h"
