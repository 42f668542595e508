package paygate

// The README's status-mapping and result-code tables are generated from the adapters' CodeTable,
// PaymentStatusTable and RefundStatusTable; internal/docgen's test fails while README.md is stale.
//go:generate go run ./internal/docgen
