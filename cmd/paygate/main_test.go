package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRun(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"demo"}, 0, "coming soon", ""},
		{[]string{"help"}, 0, "usage: paygate", ""},
		{nil, 2, "", "usage: paygate"},
		{[]string{"pay"}, 2, "", `unknown command "pay"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, tt.code, run(tt.args, &stdout, &stderr), tt.args)
		assert.Contains(t, stdout.String(), tt.stdout)
		assert.Contains(t, stderr.String(), tt.stderr)
	}
}
