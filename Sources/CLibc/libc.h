/* The C library as the Swift core uses it. The core does not import Glibc
   (or Darwin): Embedded Swift has neither module, and naming what the core
   needs from C keeps that list short and visible. */
#ifndef ALIEN_CLIBC_H
#define ALIEN_CLIBC_H
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* errno is a macro over a per-thread location, which Swift cannot import. */
static inline int alien_errno(void) { return errno; }
#endif
