package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate sim", flag.ContinueOnError)
	out := fs.String("out", "paygate-sim.json", "write the simulators' base URLs and credentials to this JSON file (removed on exit)")
	hook := fs.String("vai247-webhook-url", "", "where the VAI247 simulator posts notifications (Waffo and Antom use each request's notify URL)")
	control := fs.String("control-addr", "", "the control API's loopback address, e.g. 127.0.0.1:12111 (default: a free port)")
	speedup := fs.Int("webhook-speedup", 1, "divide the providers' webhook retry schedules by this factor")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	if *speedup < 1 {
		return exitUsage, usageError{"--webhook-speedup must be 1 or more"}
	}
	s, err := startSimulators(simOptions{webhookSpeedup: *speedup, vai247WebhookURL: *hook, controlAddr: *control})
	if err != nil {
		return exitFailure, err
	}
	defer s.close()
	f := s.file()
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return exitFailure, err
	}
	// The file holds private keys (of throwaway test pairs): readable by its owner only. It appears
	// whole (written aside, then renamed), so a client polling for it never reads half of it.
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return exitFailure, fmt.Errorf("--out: %w", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		_ = os.Remove(tmp)
		return exitFailure, fmt.Errorf("--out: %w", err)
	}
	defer os.Remove(*out)
	fmt.Fprintf(stdout, "paygate simulators running (test credentials in %s; Ctrl-C stops them)\n", *out)
	fmt.Fprintf(stdout, "  waffo   %s\n  antom   %s\n  vai247  %s\n  control %s\n", f.Waffo.BaseURL, f.Antom.BaseURL, f.VAI247.BaseURL, f.ControlURL)
	<-ctx.Done()
	fmt.Fprintln(stdout, "paygate simulators stopped")
	return exitOK, nil
}
