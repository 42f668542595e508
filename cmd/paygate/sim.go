package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paygate-go/paygate/provider/registry"
)

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate sim", flag.ContinueOnError)
	out := fs.String("out", "paygate-sim.json", "write the simulators' base URLs and credentials to this JSON file (removed on exit); refused while another paygate sim runs with it")
	hooks := webhookURLFlags(fs)
	control := fs.String("control-addr", "", "the control API's loopback address, e.g. 127.0.0.1:12111 (default: a free port)")
	speedup := fs.Int("webhook-speedup", 1, "divide the providers' webhook retry schedules by this factor")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	if *speedup < 1 {
		return exitUsage, usageError{"--webhook-speedup must be 1 or more"}
	}
	urls := map[string]string{}
	for _, name := range registry.Names() {
		if hook := hooks[name]; hook != nil && *hook != "" {
			if err := checkWebhookURL("--"+name+"-webhook-url", *hook); err != nil {
				return exitUsage, err
			}
			urls[name] = *hook
		}
	}
	if err := claimSimFile(ctx, *out, stderr); err != nil {
		return exitUsage, err
	}
	s, err := startSimulators(simOptions{webhookSpeedup: *speedup, webhookURLs: urls, controlAddr: *control})
	if err != nil {
		return exitFailure, err
	}
	defer s.close()
	f, err := s.file()
	if err != nil {
		return exitFailure, err
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return exitFailure, err
	}
	b = append(b, '\n')
	if err := writeSimFile(*out, b); err != nil {
		return exitFailure, fmt.Errorf("--out: %w", err)
	}
	defer removeIfOurs(*out, b, stderr)
	fmt.Fprintf(stdout, "paygate simulators running (test credentials in %s; Ctrl-C stops them)\n", *out)
	for _, name := range s.names {
		fmt.Fprintf(stdout, "  %-7s %s\n", name, s.running[name].BaseURL())
	}
	fmt.Fprintf(stdout, "  control %s\n", f.ControlURL)
	fmt.Fprintln(stdout, "Each payment created at a simulator is listed below with its payment page (Pay, Fail, Cancel).")
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		s.watchPayments(ctx, stdout, simWatchEvery)
	}()
	<-ctx.Done()
	<-watched
	fmt.Fprintln(stdout, "paygate simulators stopped")
	return exitOK, nil
}

// simWatchEvery is how often `paygate sim` looks for new payments to list.
const simWatchEvery = 250 * time.Millisecond

// watchPayments prints each payment the simulators create, with its payment page, until ctx ends:
// the page is where a person plays the customer (sim.Instance.PageURL).
func (s *simulators) watchPayments(ctx context.Context, w io.Writer, every time.Duration) {
	seen := map[string]bool{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, name := range s.names {
			inst := s.running[name]
			for _, o := range inst.Ledger().AllOrders() {
				key := name + "\x00" + o.ProviderID
				if seen[key] {
					continue
				}
				seen[key] = true
				id := o.RequestID
				if id == "" {
					id = "(no request id)"
				}
				fmt.Fprintf(w, "  %-7s %s %s: %s\n", name, id, o.Amount, inst.PageURL(o.ProviderID))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// webhookURLFlags registers --NAME-webhook-url for each simulator whose provider takes its
// notification URL from its dashboard (sim.Spec.DashboardWebhook), by provider name.
func webhookURLFlags(fs *flag.FlagSet) map[string]*string {
	var perRequest []string // the others' titles: they use each request's notify URL
	for _, e := range registry.All() {
		if !e.Simulator.DashboardWebhook {
			perRequest = append(perRequest, e.Adapter.Title)
		}
	}
	hooks := map[string]*string{}
	for _, e := range registry.All() {
		if !e.Simulator.DashboardWebhook {
			continue
		}
		help := "where the " + e.Adapter.Title + " simulator posts notifications: https://…, or http:// to a loopback host"
		if len(perRequest) > 0 {
			help += " (" + registry.Choice(perRequest, "and") + " use each request's notify URL)"
		}
		hooks[e.Name()] = fs.String(e.Name()+"-webhook-url", "", help)
	}
	return hooks
}

// checkWebhookURL applies the library's rule for URLs it sends to: https, or plain http to a
// loopback host only. flagName names the flag in errors.
func checkWebhookURL(flagName, raw string) error {
	u, err := url.Parse(raw)
	const fix = "give https://HOST/PATH, or http://127.0.0.1:PORT/PATH for a listener on this machine"
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return usageError{fmt.Sprintf("%s %q is not an absolute URL; %s", flagName, raw, fix)}
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return usageError{fmt.Sprintf("%s %q: plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost); %s", flagName, raw, fix)}
	}
	return usageError{fmt.Sprintf("%s %q: scheme %q is not http or https; %s", flagName, raw, u.Scheme, fix)}
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// claimSimFile checks that --out may be written: it does not exist, or it is a file a paygate sim
// wrote whose simulators no longer answer (a killed run left it; it is replaced, and stderr says so).
// A file of a running paygate sim, or any other file, is left alone.
func claimSimFile(ctx context.Context, name string, stderr io.Writer) error {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return usageError{fmt.Sprintf("--out %s: %v; choose another file with --out", name, err)}
	}
	var f simFileIn
	if json.Unmarshal(b, &f) != nil || f.ControlURL == "" {
		return usageError{fmt.Sprintf("--out %s exists and is not a file paygate sim wrote; it is left alone: remove it yourself or choose another file with --out", name)}
	}
	if controlAnswers(ctx, f.ControlURL) {
		return usageError{fmt.Sprintf("--out %s belongs to a paygate sim that is running (its control API at %s answers); use its file as it is, stop it first (Ctrl-C), or give this one another file with --out", name, f.ControlURL)}
	}
	fmt.Fprintf(stderr, "paygate sim: replacing %s, left by a paygate sim that no longer runs (nothing answers at its control API %s)\n", name, f.ControlURL)
	return nil
}

// controlAnswers reports whether a paygate sim's control API answers its health check.
func controlAnswers(ctx context.Context, controlURL string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(controlURL, "/")+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// writeSimFile writes the file whole: written aside, then renamed, so a client polling for it
// never reads half of it. It holds private keys (of throwaway test pairs): readable by its owner
// only.
func writeSimFile(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// removeIfOurs removes the file on exit only if it still holds what this process wrote: another
// paygate sim may have replaced it since.
func removeIfOurs(name string, wrote []byte, stderr io.Writer) {
	b, err := os.ReadFile(name)
	if err != nil {
		return
	}
	if !bytes.Equal(b, wrote) {
		fmt.Fprintf(stderr, "paygate sim: left %s in place: it no longer holds what this simulator wrote\n", name)
		return
	}
	_ = os.Remove(name)
}
