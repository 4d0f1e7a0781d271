/*
 * member.c: (being written)
 */
#include "extern.h"
