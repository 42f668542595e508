// Package cputime reads the CPU time the process has used, for benchmarks run on a machine other work
// shares: wall-clock time per op then varies with the neighbours, the CPU time the process spent per
// op much less.
package cputime

import "time"

// Used returns the user and system CPU time the process has used so far, and false where the platform
// does not tell (Used then returns 0).
func Used() (time.Duration, bool) { return used() }
