package stripetest

import (
	"testing"

	"go.uber.org/goleak"
)

// Close stops every webhook sender and server goroutine.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
