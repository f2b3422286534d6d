//go:build !linux || !cgo

package main

// trimMalloc is a no-op where the C library is not glibc's.
func trimMalloc() {}
