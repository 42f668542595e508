package paygate

// The README's capability, status-mapping and result-code tables are generated from the adapters'
// Capabilities, CodeTable, PaymentStatusTable and RefundStatusTable; internal/docgen's test fails while
// README.md is stale.
//go:generate go run ./internal/docgen
