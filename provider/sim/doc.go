// Package sim is what every paygate simulator shares: an injectable clock, fault injection, the
// ledger of what each request id really produced, and webhook delivery on a retry schedule.
//
// The in-memory provider (provider/memory) and the provider simulators (waffotest, antomtest,
// vai247test) all build on it, so the conformance suite can drive any of them the same way: settle a
// payment as the user would, inject a fault into the next call of an operation, and then count in the
// ledger how many orders and refunds a request id really produced.
package sim
