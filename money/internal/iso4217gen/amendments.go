package main

// The committed list-one.xml is ISO 4217 List One as published on 2024-06-25, the newest copy a
// maintained package on a registry we can reach carries (npm currency-codes 2.2.0). ISO has amended the
// list since. Each amendment below is applied on top of the XML and is skipped, with a note, when the
// source already reflects it — so feeding a newer list-one.xml from SIX makes this file a no-op, and an
// amendment can then be deleted.
var amendments = []amendment{
	{
		Code: "XCG", Numeric: "532", Digits: "2", Name: "Caribbean Guilder",
		Note: "introduced 2025-03-31 for Curaçao and Sint Maarten, replacing ANG",
	},
	{
		Code: "ANG", Withdraw: true, Digits: "2",
		Note: "withdrawn from ISO 4217 in 2025 (Curaçao and Sint Maarten); use XCG",
	},
	{
		Code: "BGN", Withdraw: true, Digits: "2",
		Note: "withdrawn from ISO 4217 on 2026-01-01 when Bulgaria adopted the euro; use EUR",
	},
}

// retiredHints name the successor of codes that left List One before the committed XML was published
// (ISO 4217 List Three). They only improve error messages: a merchant still sending HRK learns to send
// EUR. They never add a currency.
var retiredHints = map[string]string{
	"HRK": "withdrawn from ISO 4217 in 2023 when Croatia adopted the euro; use EUR",
	"MRO": "withdrawn from ISO 4217 in 2018; use MRU",
	"STD": "withdrawn from ISO 4217 in 2018; use STN",
	"VEF": "withdrawn from ISO 4217 in 2018; use VES",
	"SLL": "withdrawn from ISO 4217 in 2023; use SLE",
	"ZWL": "withdrawn from ISO 4217 in 2024; use ZWG",
}

// amendment is one change to List One published after the committed XML.
//
// A withdrawn code keeps its digits: payments taken in it before the withdrawal must still be refunded
// and inquired, so money accepts it everywhere except in a new payment (see money.Withdrawn). The
// generator checks those digits against the source while the source still lists the code.
type amendment struct {
	Code     string
	Withdraw bool   // remove Code from the active list; otherwise add it
	Numeric  string // for additions
	Digits   string // the CcyMnrUnts text: of the added code, or of the withdrawn code while it was active
	Name     string // for additions
	Note     string // what changed and what to use instead, shown in errors for withdrawn codes
}
