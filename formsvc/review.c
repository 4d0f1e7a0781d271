/*
 * review.c: (being written)
 */
#include "extern.h"
