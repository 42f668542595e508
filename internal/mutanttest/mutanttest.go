// Package mutanttest proves that a test suite can fail: it runs the suite against deliberately broken
// implementations (mutants), each in a child process of the test binary so its failures do not fail
// the parent, and checks that each one fails in the group meant to catch it, for the reason expected.
package mutanttest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Mutant is one broken implementation the suite must catch.
type Mutant struct {
	Name  string // names the bug; the child reads it from the environment
	Group string // the suite group (a subtest of the child test) that must catch it
	Want  string // a phrase the failure output must contain
}

// Check runs, for each mutant, the test binary's childTest/Group in a child process with env set to
// the mutant's Name, and asserts that it fails with Want in its output. what names the kind of thing
// broken ("an adapter", "a store") in failure messages.
func Check(t *testing.T, env, childTest, what string, mutants []Mutant) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, m := range mutants {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run", "^"+childTest+"$/^"+m.Group+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), env+"="+m.Name)
			out, err := cmd.CombinedOutput()
			assert.Error(t, err, "the suite passed %s that is %s:\n%s", what, m.Name, out)
			assert.Contains(t, string(out), m.Want, "the suite failed, but not for the reason expected")
		})
	}
}
