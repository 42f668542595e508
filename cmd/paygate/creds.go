package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
)

// credentialFlags are the flags every provider command takes: --provider, --sim, and one flag per
// setting name across the registered adapters (provider.Setting.Flag; providers share a name).
type credentialFlags struct {
	provider string
	simFile  string
	values   map[string]*string // by flag name
}

// settingFlag is one credential flag and the providers that read it.
type settingFlag struct {
	name      string
	providers []string
	envs      []string
	help      string // the first provider's Setting.Help
	file      bool
}

// settingFlags are the registered adapters' flags, in the order they first appear.
func settingFlags() []*settingFlag {
	var flags []*settingFlag
	byName := map[string]*settingFlag{}
	for _, e := range registry.All() {
		for _, s := range e.Adapter.Settings {
			if s.Flag == "" {
				continue // read from the environment only
			}
			f := byName[s.Flag]
			if f == nil {
				f = &settingFlag{name: s.Flag, help: s.Help, file: s.File}
				byName[s.Flag] = f
				flags = append(flags, f)
			}
			f.providers = append(f.providers, e.Name())
			f.envs = append(f.envs, s.Env)
		}
	}
	return flags
}

// usage is the flag's help: "waffo, antom: what it is, or @FILE (env WAFFO_X, ANTOM_X)"; a flag
// every provider reads names none.
func (f *settingFlag) usage() string {
	s := f.help
	if f.file {
		s += ", or @FILE"
	}
	if len(f.providers) < len(registry.Names()) {
		s = strings.Join(f.providers, ", ") + ": " + s
	}
	return s + " (env " + strings.Join(f.envs, ", ") + ")"
}

func (c *credentialFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.provider, "provider", "", "the provider: "+registry.Choice(registry.Names(), "or")+" (required)")
	fs.StringVar(&c.simFile, "sim", "", "take base URL and credentials from the JSON file that 'paygate sim --out FILE' wrote, instead of the environment")
	c.values = map[string]*string{}
	for _, f := range settingFlags() {
		c.values[f.name] = fs.String(f.name, "", f.usage())
	}
}

// resolved is the provider the flags name and its settings: getenv answers by the adapter's
// environment variable names.
type resolved struct {
	spec   provider.Spec
	getenv func(string) string
}

// config resolves the provider's settings: the simulator file's env section when --sim is given,
// else the environment; then any flag given overrides.
func (c *credentialFlags) config(getenv func(string) string) (resolved, error) {
	e, err := c.lookup()
	if err != nil {
		return resolved{}, err
	}
	base := getenv
	if c.simFile != "" {
		f, err := readSimFile(c.simFile)
		if err != nil {
			return resolved{}, err
		}
		env, err := f.env(c.provider)
		if err != nil {
			return resolved{}, fmt.Errorf("--sim %s: not a file `paygate sim` wrote: %w", c.simFile, err)
		}
		base = func(k string) string { return env[k] }
	}
	flags := map[string]string{} // by environment variable
	var errs []error
	for _, s := range e.Adapter.Settings {
		v := c.flagValue(s.Flag)
		if v == "" {
			continue
		}
		if name, ok := strings.CutPrefix(v, "@"); ok && s.File {
			b, err := os.ReadFile(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("reading %s: %w", name, err))
				continue
			}
			v = strings.TrimSpace(string(b))
		}
		if s.Bool && v != "true" && v != "1" && v != "false" && v != "0" {
			errs = append(errs, usageError{fmt.Sprintf("--%s %q: use true or false", s.Flag, v)})
			continue
		}
		flags[s.Env] = v
	}
	if len(errs) > 0 {
		return resolved{}, usageError{errors.Join(errs...).Error()}
	}
	return resolved{spec: e.Adapter, getenv: func(k string) string {
		if v, ok := flags[k]; ok {
			return v
		}
		return base(k)
	}}, nil
}

func (c *credentialFlags) flagValue(name string) string {
	if p := c.values[name]; p != nil && name != "" {
		return *p
	}
	return ""
}

// open builds the adapter the flags name. A missing or malformed credential is a usage error: the
// command line (or the environment) must change.
func (c *credentialFlags) open(getenv func(string) string, common provider.Common) (string, provider.Adapter, error) {
	r, err := c.config(getenv)
	if err != nil {
		return "", nil, err
	}
	a, err := r.checkAndOpen(common)
	return r.spec.Name, a, err
}

// checkAndOpen is Spec.Open after checking that every required setting is there; errors are usage
// errors naming flags and environment variables.
func (r resolved) checkAndOpen(common provider.Common) (provider.Adapter, error) {
	if err := r.malformed(); err != nil {
		return nil, err
	}
	if err := r.missing(); err != nil {
		return nil, err
	}
	a, err := r.spec.Open(r.getenv, common)
	if err != nil {
		return nil, usageError{configNames(r.spec, err.Error())}
	}
	return a, nil
}

// malformed reports a Bool setting whose environment value is not a boolean, as the adapter's
// ConfigFromEnv would, before the missing settings: guessing would change what the adapter does.
func (r resolved) malformed() error {
	for _, s := range r.spec.Settings {
		if v := r.getenv(s.Env); s.Bool && v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				return usageError{fmt.Sprintf("%s: %s=%q is not a boolean: set it to true or false", r.spec.Name, s.Env, v)}
			}
		}
	}
	return nil
}

// readSimFile reads the file `paygate sim` wrote.
func readSimFile(name string) (simFileIn, error) {
	var f simFileIn
	b, err := os.ReadFile(name)
	if err != nil {
		return f, fmt.Errorf("--sim: %w (start the simulators with: paygate sim --out %s)", err, name)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("--sim %s: not a file `paygate sim` wrote: %w", name, err)
	}
	return f, nil
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// lookup returns the registered provider --provider names; a missing or unknown name is a usage
// error, reported before anything else about the command line.
func (c *credentialFlags) lookup() (registry.Entry, error) {
	if c.provider == "" {
		return registry.Entry{}, usageError{"--provider is required: " + registry.Choice(registry.Names(), "or")}
	}
	e, ok := registry.Lookup(c.provider)
	if !ok {
		return registry.Entry{}, usageError{registry.UnknownError(c.provider).Error()}
	}
	return e, nil
}
