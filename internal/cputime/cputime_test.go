package cputime

import (
	"runtime"
	"testing"
	"time"
)

func TestUsedGrowsWithWork(t *testing.T) {
	before, ok := Used()
	if !ok {
		t.Skip("no CPU time on " + runtime.GOOS)
	}
	for start := time.Now(); time.Since(start) < 20*time.Millisecond; {
	}
	after, _ := Used()
	if after <= before {
		t.Fatalf("CPU time did not grow: %v then %v", before, after)
	}
}
