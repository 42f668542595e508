package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/paygate-go/paygate/route/routepg"
	"github.com/paygate-go/paygate/route/soak"
)

func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate soak", flag.ContinueOnError)
	var cfg soak.Config
	fs.IntVar(&cfg.Payments, "payments", 5000, "how many payments")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "checkouts at once")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "the random seed (0 draws one; the details line tells it). It fixes every payment's plan: its id, currency, amount and what the customer and merchant do. Which requests meet faults, the outages and the crash depend on timing too, so two runs with one seed do not give the same counts")
	fs.IntVar(&cfg.FaultPerMille, "fault-per-mille", 100, "the chance per thousand requests that a request meets a fault")
	pg := fs.String("postgres", "", "keep the journal in this PostgreSQL database (a URL) instead of memory; a table is created and left for inspection")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	if cfg.Payments <= 0 || cfg.Concurrency <= 0 || cfg.FaultPerMille < 0 || cfg.FaultPerMille > 1000 {
		return exitUsage, usageError{"--payments and --concurrency must be positive, --fault-per-mille 0–1000"}
	}
	if *pg != "" {
		store, err := routepg.Open(ctx, *pg, routepg.Options{Table: "paygate_soak_" + randomID()})
		if err != nil {
			return exitFailure, fmt.Errorf("the --postgres journal could not be opened; check the URL (postgres://USER@HOST:PORT/DATABASE) and that the server is running and reachable: %w", err)
		}
		defer store.Close()
		cfg.Store = store
	}
	bar := newProgressBar(stderr)
	cfg.Progress = bar.update
	res, err := soak.Run(ctx, cfg)
	bar.finish()
	if err != nil {
		return exitFailure, err
	}
	fmt.Fprintln(stdout, res.Summary())
	fmt.Fprintln(stdout, res.Details())
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, "  "+p)
	}
	if !res.OK() {
		return exitFailure, nil
	}
	return exitOK, nil
}

// progressBar draws the soak's progress on a terminal, redrawing one line; elsewhere (a CI log) it
// writes a line every tenth of the way.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	last     int // the last drawn step: percent on a terminal, tenths elsewhere
	drawn    bool
}

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{w: w, last: -1}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.terminal = true
		}
	}
	return b
}

const barWidth = 40

func (b *progressBar) update(done, total int) {
	if total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.terminal {
		pct := done * 100 / total
		if pct == b.last {
			return
		}
		b.last, b.drawn = pct, true
		filled := done * barWidth / total
		fmt.Fprintf(b.w, "\r[%s%s] %3d%% %d/%d payments", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), pct, done, total)
		return
	}
	tenth := done * 10 / total
	if tenth == b.last {
		return
	}
	b.last = tenth
	fmt.Fprintf(b.w, "soak: %d/%d payments\n", done, total)
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.terminal && b.drawn {
		fmt.Fprintln(b.w)
	}
}
