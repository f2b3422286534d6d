//go:build linux && cgo

package main

// #include <malloc.h>
import "C"

// trimMalloc gives the C heap's free pages back to the system. Mesa's GL
// driver allocates and frees through glibc's malloc as the window draws,
// and glibc keeps what is freed inside its heap: scripts/measure-2000-tags.sh
// saw the heap step up by ~20 MB now and then, 9 MB of it free pages.
func trimMalloc() { C.malloc_trim(0) }
