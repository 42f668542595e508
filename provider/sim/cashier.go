package sim

import (
	"bytes"
	"context"
	_ "embed" // the page template
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Verb is an action a simulator's payment page offers the customer: one form and one button each,
// posted to /pay/<provider payment id>/<verb>.
type Verb string

// The verbs a payment page may offer.
const (
	// VerbPay: the customer pays (sim.Pay).
	VerbPay Verb = "pay"
	// VerbFail: the payment is declined (sim.Fail). Only where the simulator has a final failure.
	VerbFail Verb = "fail"
	// VerbCancel: the customer abandons the payment (see Verb.Settlement).
	VerbCancel Verb = "cancel"
	// VerbAuthorize: the customer authorizes a manual-capture card payment; the money is held until
	// the merchant captures it. sim.Pay already authorizes a manual-capture payment, so it is Pay's
	// settlement under the name the customer sees; a page offers it instead of VerbPay.
	VerbAuthorize Verb = "authorize"
)

// Verbs lists every verb, in the order a page shows them.
func Verbs() []Verb { return []Verb{VerbAuthorize, VerbPay, VerbFail, VerbCancel} }

// Settlement is what v does to the payment, the same move the control API's settle makes.
// VerbCancel is sim.Expire: sim has no settlement that ends a payment CANCELED at the customer's
// hand (a CANCELED payment is the merchant's cancel call), and Expire is documented as the customer
// abandoning the payment, which is what the cancel button is.
func (v Verb) Settlement() (Settlement, bool) {
	switch v {
	case VerbPay, VerbAuthorize:
		return Pay, true
	case VerbFail:
		return Fail, true
	case VerbCancel:
		return Expire, true
	}
	return 0, false
}

// Page is what a payment page shows of one payment. Every string is shown escaped.
type Page struct {
	ID          string       // the provider's payment id
	Amount      money.Amount // shown as money.Amount.String writes it
	Merchant    string
	Method      string
	Description string         // the merchant's order description ("" shows none)
	Status      status.Payment // the payment's normalized status
	// Verbs are the actions the payment still allows, in page order; none for a payment that is
	// final (or waits for the merchant, e.g. AUTHORIZED): the page then shows its status only.
	Verbs []Verb
	// QR makes the page show a QR code of its own URL ("scan to open this page on a phone").
	QR bool
	// QRPayload is the provider's QR payload (e.g. KHQR), shown as text.
	QRPayload string
	// Deeplink is the provider's app link, shown as <a id="deeplink">. The simulator builds it itself
	// (a custom scheme html/template would otherwise blank out), never from merchant input.
	Deeplink string
}

// Cashier serves a simulator's payment pages:
//
//	GET  /pay/{id}         the page (also on each of Mount's extra paths)
//	POST /pay/{id}/{verb}  moves the payment, then 303 See Other to Return's URL, or the page again
//
// A POST on a payment whose page offers no such verb (a final payment offers none) answers 409 with
// the page and moves nothing; an unknown id answers 404.
type Cashier struct {
	// Title is the page's <h1>, e.g. "Waffo sandbox".
	Title string
	// Page returns the page of the payment with the provider's id; false when there is none.
	Page func(id string) (Page, bool)
	// Settle moves the payment as the control API's settle does (the simulator's SettleOrder), with
	// its webhooks.
	Settle func(ctx context.Context, id string, st Settlement) error
	// Return is where the browser goes after v moved the payment: the merchant's redirect URL with the
	// query the provider documents for it, or "" to show the page again with the new status.
	Return func(id string, v Verb) string
}

// Mount registers the page routes on mux: GET /pay/{id}, POST /pay/{id}/{verb}, and GET <p>{id} for
// each extra path prefix p (e.g. "/cashier/", where a provider's answer already points).
func (c *Cashier) Mount(mux *http.ServeMux, extra ...string) {
	mux.HandleFunc("GET /pay/{id}", c.get)
	mux.HandleFunc("POST /pay/{id}/{verb}", c.post)
	for _, p := range extra {
		mux.HandleFunc("GET "+strings.TrimSuffix(p, "/")+"/{id}", c.get)
	}
}

// PagePath is the path of a payment's page below a simulator's root.
func PagePath(id string) string { return "/pay/" + url.PathEscape(id) }

func (c *Cashier) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := c.Page(id)
	if !ok {
		c.notFound(w, id)
		return
	}
	c.render(w, r, http.StatusOK, p, "")
}

func (c *Cashier) post(w http.ResponseWriter, r *http.Request) {
	id, v := r.PathValue("id"), Verb(r.PathValue("verb"))
	p, ok := c.Page(id)
	if !ok {
		c.notFound(w, id)
		return
	}
	st, known := v.Settlement()
	if !known {
		http.Error(w, "no such action: "+string(v), http.StatusNotFound)
		return
	}
	if !slices.Contains(p.Verbs, v) {
		note := "This payment is " + string(p.Status) + ": it cannot be changed here."
		if len(p.Verbs) > 0 {
			note = "This page does not offer " + string(v) + " for this payment."
		}
		c.render(w, r, http.StatusConflict, p, note)
		return
	}
	if err := c.Settle(r.Context(), id, st); err != nil {
		// The payment moved on between the page and the click (expired, paid elsewhere).
		p, _ = c.Page(id)
		c.render(w, r, http.StatusConflict, p, "Nothing changed: "+err.Error())
		return
	}
	if to := c.Return(id, v); to != "" {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	p, _ = c.Page(id)
	c.render(w, r, http.StatusOK, p, "")
}

func (c *Cashier) notFound(w http.ResponseWriter, id string) {
	var b bytes.Buffer
	_ = notFoundTemplate.Execute(&b, struct{ Title, ID string }{c.Title, id})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(b.Bytes())
}

// view is the template's data: the page and what the handler derives from the request.
type view struct {
	Page
	Title   string
	Base    string       // the form actions' prefix, /pay/<id>
	Note    string       // why a POST was refused
	QRImage template.URL // data:image/png;base64,… of the page's own URL
	Link    template.URL
}

func (c *Cashier) render(w http.ResponseWriter, r *http.Request, code int, p Page, note string) {
	v := view{Page: p, Title: c.Title, Base: PagePath(p.ID), Note: note}
	if u, err := url.Parse(p.Deeplink); err == nil && u.Scheme != "" && !unsafeSchemes[strings.ToLower(u.Scheme)] {
		v.Link = template.URL(p.Deeplink) // an app scheme html/template would blank out
	}
	if p.QR {
		png, err := QRPNG(pageURL(r, p.ID))
		if err != nil {
			http.Error(w, "simulator: drawing the QR code: "+err.Error(), http.StatusInternalServerError)
			return
		}
		v.QRImage = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, v); err != nil {
		http.Error(w, "simulator: rendering the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The page loads nothing: inline style, inline image, forms to itself.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' http: https:")
	w.WriteHeader(code)
	_, _ = w.Write(b.Bytes())
}

// unsafeSchemes are never linked, whoever built the deeplink.
var unsafeSchemes = map[string]bool{"javascript": true, "data": true, "vbscript": true, "file": true}

// pageURL is the page's own URL as the browser reached it.
func pageURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + PagePath(id)
}

// QRPNG draws content as a QR code PNG, 6 pixels a module (medium error correction).
func QRPNG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	return q.PNG(-QRModulePixels)
}

// QRModulePixels is the width of one QR module in QRPNG's image.
const QRModulePixels = 6

//go:embed cashier.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"label": func(v Verb) string {
		switch v {
		case VerbPay:
			return "Pay"
		case VerbFail:
			return "Fail"
		case VerbCancel:
			return "Cancel"
		case VerbAuthorize:
			return "Authorize"
		}
		return string(v)
	},
}).Parse(pageHTML))

var notFoundTemplate = template.Must(template.New("404").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · no such payment</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;padding:2rem}</style></head>
<body><h1>{{.Title}}</h1><p id="status">NOT_FOUND</p><p>No payment <code>{{.ID}}</code> was created at this simulator.</p></body></html>
`))
