package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/registry"
)

// Every command's -h exits 0 and says what the command does.
func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"demo", "-h"}, []string{"usage: paygate demo", "simulators", "fails over", "It takes no flags"}},
		{[]string{"webhook", "-h"}, []string{"paygate webhook listen"}},
		{[]string{"webhook", "--help"}, []string{"paygate webhook listen"}},
		{[]string{"webhook", "listen", "-h"}, []string{"-addr"}},
		{[]string{"sim", "-h"}, []string{"-control-addr", "refused while another paygate sim runs"}},
		{[]string{"soak", "-h"}, []string{"-seed", "fixes every payment's plan", "do not give the same counts"}},
		{[]string{"version", "-h"}, nil},
		{[]string{"help"}, []string{"version"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, noEnv)
			assert.Equal(t, exitOK, code, "stderr: %s", stderr.String())
			for _, w := range tt.want {
				assert.Contains(t, stdout.String()+stderr.String(), w)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(t.Context(), []string{"version"}, &stdout, &stderr, noEnv))
	assert.Regexp(t, `^paygate \S+.* go1\.\d+`, stdout.String())
	assert.Contains(t, stdout.String(), runtime.Version())

	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"installed at a version", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}, "paygate v1.2.3 go1.26.0"},
		{"a checkout with VCS stamps", &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			"paygate (devel) (commit 0123456789ab, modified) go1.26.0"},
		{"a dependency of another main module", &debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.9.0"}}}, "paygate v0.9.0 go1.26.0"},
		{"no build info", nil, "paygate unknown go1.26.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionLine(tt.info, "go1.26.0"))
		})
	}
}

// TestCreateHelpComesFromTheRegistry: create -h lists every registered provider with its required
// credential flags and says how each treats a resent create, so a new provider needs no help text
// outside its folder.
func TestCreateHelpComesFromTheRegistry(t *testing.T) {
	help := createRequirements()
	resend := resendHelp()
	for _, e := range registry.All() {
		assert.Contains(t, help, "\n  "+e.Name()+" ", e.Name())
		for _, st := range e.Adapter.Settings {
			if st.Required && st.Flag != "" {
				assert.Contains(t, help, "--"+st.Flag, "%s's required %s", e.Name(), st.Env)
			}
		}
		assert.Contains(t, resend, e.Adapter.Title)
	}
	for _, line := range strings.Split(help, "\n") {
		assert.LessOrEqual(t, len(line), 100, "a help line is too long: %q", line)
	}
}
