//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cputime

import "time"

func used() (time.Duration, bool) { return 0, false }
