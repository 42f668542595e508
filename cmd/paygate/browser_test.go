package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// The browser test drives the example shop (`paygate checkout`) and the simulators' payment pages in
// a headless Chromium, as a customer would: product page, Pay with <provider>, the provider's page,
// a click on pay, fail or cancel, back to the shop's return page. Then it checks, in Go, that the
// shop's webhook receiver got a verified webhook and that Inquire agrees with the page.
//
// Environment:
//
//	PAYGATE_CHROMIUM=/path/to/chromium  the browser (default: chromium, chromium-browser or google-chrome on PATH)
//	PAYGATE_REQUIRE_CHROMIUM=1          fail, not skip, when no browser is found (CI)
//	PAYGATE_SCREENSHOTS=docs/pages      write each provider's page as <dir>/<provider>.png (a relative dir is
//	                                    taken from the module's root); the checked-in ones are made so
//
//	PAYGATE_SCREENSHOTS=docs/pages go test -run TestBrowserCheckout ./cmd/paygate

// browserStep bounds each step (a navigation, a click and the page it leads to).
const browserStep = 20 * time.Second

// screenshotMax is the size a checked-in screenshot may have.
const screenshotMax = 150 << 10

// findChromium is the browser to drive: PAYGATE_CHROMIUM, or the first of the usual names on PATH.
func findChromium() (string, error) {
	if p := os.Getenv("PAYGATE_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("PAYGATE_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser or google-chrome on PATH, and PAYGATE_CHROMIUM is not set")
}

// startBrowser starts a headless Chromium with its own profile directory and an 800×600 window; the
// cleanup closes it and waits for the process to end.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := findChromium()
	if err != nil {
		if os.Getenv("PAYGATE_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("PAYGATE_REQUIRE_CHROMIUM=1 but %v (.ci/chromium.bash installs it)", err)
		}
		t.Skipf("skipped: %v (set PAYGATE_CHROMIUM, or PAYGATE_REQUIRE_CHROMIUM=1 to fail instead)", err)
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(800, 600),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to exit
	})
	// The first Run starts the browser; it must not carry a step's timeout, which would stop it.
	start := time.Now()
	require.NoError(t, chromedp.Do(browserCtx), "starting %s", path)
	t.Logf("%s started in %s", path, time.Since(start).Round(time.Millisecond))
	return browserCtx
}

// step runs actions on the tab with a timeout; what it was doing is in the failure.
func step(t *testing.T, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, whereAmI(tab))
	}
}

// whereAmI describes the tab's page for a failure: its URL and the start of its text.
func whereAmI(tab context.Context) string {
	ctx, cancel := context.WithTimeout(tab, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 600 {
		text = text[:600] + "…"
	}
	return fmt.Sprintf("the browser is at %s, showing:\n%s", loc, text)
}

// clickThrough clicks the element with id click, which leaves the page (a form's submit), and waits
// until the browser shows a loaded page with an element of id want. It polls with short scripts
// rather than a WaitVisible started at once: a query begun on the page being left can stay bound to
// that page's document and never see the next one.
//
// It returns false when the browser stays on the provider's page instead, showing a final status
// and no buttons (a provider that knows no return URL).
func clickThrough(t *testing.T, tab context.Context, what, click, want string) bool {
	t.Helper()
	before := read(t, tab, what+": the page's URL", chromedp.Location())
	step(t, tab, what+": click "+click, chromedp.Click(chromedp.ID(click)))
	// 1: the page wanted; 2: a provider's page (it has #amount) showing a final status, no buttons.
	state := `(location.href !== ` + strconv.Quote(before) + ` && document.readyState === "complete") ? (` +
		`document.getElementById(` + strconv.Quote(want) + `) !== null ? 1 : ` +
		`(document.getElementById("amount") !== null && ["SUCCEEDED","FAILED","CANCELED","EXPIRED"].includes((document.getElementById("status") || {}).innerText) && document.querySelector("form button") === null) ? 2 : 0) : 0`
	deadline := time.Now().Add(browserStep)
	for {
		ctx, cancel := context.WithTimeout(tab, time.Second)
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](state))
		cancel()
		if err == nil && n > 0 {
			return n == 1
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no page with #%s within %s (last error: %v)\n%s", what, want, browserStep, err, whereAmI(tab))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// read runs one action that returns a value, with a timeout.
func read[T any](t *testing.T, tab context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err, what)
	return v
}

func TestBrowserCheckout(t *testing.T) {
	browser := startBrowser(t)
	site := startTestCheckout(t)
	shots := screenshotDir(t)
	began := time.Now()
	defer func() { t.Logf("the browser flows took %s", time.Since(began).Round(time.Millisecond)) }()

	verbs := []struct {
		verb string
		want []status.Payment // what the return page and Inquire may say
	}{
		{"pay", []status.Payment{status.PaymentSucceeded}},
		{"fail", []status.Payment{status.PaymentFailed}},
		{"cancel", []status.Payment{status.PaymentCanceled, status.PaymentExpired}},
	}
	for _, e := range registry.All() {
		name := e.Name()
		for _, v := range verbs {
			t.Run(name+"/"+v.verb, func(t *testing.T) {
				tab, closeTab := chromedp.NewContext(browser)
				defer closeTab()
				// The tab's first Run opens it and binds it to that call's context: no step timeout here.
				require.NoError(t, chromedp.Do(tab), "a new tab")
				step(t, tab, "the product page", chromedp.EmulateViewport(800, 600),
					chromedp.Navigate(site.url+"/"), chromedp.WaitVisible(chromedp.ID("pay-"+name)))
				clickThrough(t, tab, "Pay with "+e.Adapter.Title+", then the provider's page", "pay-"+name, "amount")
				page := read(t, tab, "the provider's page URL", chromedp.Location())
				require.False(t, strings.HasPrefix(page, site.url), "the shop sent the browser to %s, not to %s's page", page, e.Adapter.Title)
				assert.Equal(t, checkoutProduct.Price.String(), read(t, tab, "the amount", chromedp.Text(chromedp.ID("amount"))))
				// Not final yet; the exact word is the simulator's (Waffo's page says PENDING where its
				// adapter says REQUIRES_ACTION for the same PAY_IN_PROGRESS).
				want := v.want
				if v.verb == "fail" && !slices.Contains(e.Simulator.Chaos.Settlements, sim.Fail) {
					// A decline that is not final there (Stripe: the intent waits for another payment
					// method): the shop and Inquire must agree that the customer may try again.
					want = []status.Payment{status.PaymentRequiresAction}
				}
				before := status.Payment(read(t, tab, "the page's status", chromedp.Text(chromedp.ID("status"))))
				assert.True(t, before.Valid() && !before.Final(), "the page shows %q for a new payment", before)
				if v.verb == "pay" && shots != "" {
					writeScreenshot(t, filepath.Join(shots, name+".png"), read(t, tab, "a screenshot", chromedp.CaptureScreenshot()))
				}
				if !read(t, tab, "whether the page has "+v.verb, chromedp.Evaluate[bool](`document.getElementById(`+strconv.Quote(v.verb)+`) !== null`)) {
					t.Skipf("skipped: %s's page has no %q button (its simulator has no such end for this payment)", e.Adapter.Title, v.verb)
				}

				if !clickThrough(t, tab, v.verb+", then the shop's return page", v.verb, "shop-return") {
					// The provider knows no return URL (VAI247's create has no such field): its page shows
					// the end and stays; the customer goes back to the shop's tab, as after a QR payment.
					t.Logf("%s's page does not send the customer back (no return URL at the provider); the customer returns to the shop", e.Adapter.Title)
					id := site.lastOrder(name)
					require.NotEmpty(t, id)
					step(t, tab, "the shop's return page", chromedp.Navigate(site.url+"/return/"+id), chromedp.WaitVisible(chromedp.ID("shop-return")))
				}
				back, err := url.Parse(read(t, tab, "the return page URL", chromedp.Location()))
				require.NoError(t, err)
				id := strings.TrimPrefix(back.Path, "/return/")
				o, ok := site.order(id)
				require.True(t, ok, "the return page %s names no order of the shop", back)
				shown := status.Payment(read(t, tab, "the return page's status", chromedp.Text(chromedp.ID("status"))))
				assert.Contains(t, want, shown, "the return page's status")
				webhook := read(t, tab, "the return page's webhook line", chromedp.Text(chromedp.ID("webhook")))

				// In Go, not only on the page: the receiver's verified webhooks and the provider's Inquire.
				p, err := site.inquire(t.Context(), o)
				require.NoError(t, err)
				assert.Equal(t, shown, p.Status, "Inquire and the return page disagree")
				assert.Equal(t, checkoutProduct.Price, p.Amount)
				if v.verb == "cancel" && abandonedWithoutWebhook[name] {
					assert.Empty(t, o.Webhooks, "%s documents no notification for an abandoned payment: update abandonedWithoutWebhook", name)
					assert.Equal(t, "none received yet", webhook)
					return
				}
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				o = site.waitWebhook(ctx, id)
				cancel()
				require.NotEmpty(t, o.Webhooks, "the shop's receiver got no verified webhook for %s", id)
				assert.Equal(t, p.Status, o.Webhooks[len(o.Webhooks)-1], "the last verified webhook and Inquire disagree")
				assert.True(t, strings.HasPrefix(webhook, "verified: "), "the return page's webhook line: %q", webhook)
			})
		}
	}
}

// screenshotDir is PAYGATE_SCREENSHOTS, a relative one taken from the module's root ("" when unset).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PAYGATE_SCREENSHOTS")
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	root, err := filepath.Abs("../..") // this package is cmd/paygate
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the module's root")
	return filepath.Join(root, dir)
}

func writeScreenshot(t *testing.T, path string, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err, "the screenshot is not a PNG")
	assert.Equal(t, 800, img.Bounds().Dx(), "screenshot width")
	assert.Equal(t, 600, img.Bounds().Dy(), "screenshot height")
	assert.Less(t, len(b), screenshotMax, "a checked-in screenshot stays under 150 KB")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b, 0o644))
	t.Logf("wrote %s (%d KB)", path, len(b)>>10)
}
