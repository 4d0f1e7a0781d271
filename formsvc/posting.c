/*
 * posting.c: (being written)
 */
#include "extern.h"
