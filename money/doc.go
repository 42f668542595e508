// Package money holds exact amounts of money: a value and an ISO 4217 currency, with no float
// anywhere on any path.
//
// An Amount is built only from text or integer minor units (Parse, ParseAt, FromMinor, FromMinorAt),
// and every constructor refuses rather than rounds: "10.505" USD, a withdrawn or unknown currency code,
// or a value beyond int64 minor units is an error that says what to send instead. Amounts convert to a
// provider's wire format with ValueAt (major units as text) and MinorAt (integer minor units), each taking
// the provider's number of decimal places, because providers disagree with ISO 4217 and with each other
// (Waffo writes IDR with 0 decimals, Antom with 2). Those conversions fail rather than round too.
//
// The currency table is generated (go generate) from ISO 4217 List One as published by its maintenance
// agency, plus the amendments ISO published after that copy; see internal/iso4217gen. Digits reports a
// currency's minor unit; Currencies lists every code the package accepts.
//
// JSON: an Amount marshals as {"value":"10.50","currency":"USD"}, the value always a string.
package money
