/*
 * event.c: (being written)
 */
#include "extern.h"
