package provider

// Option returns the first adapter option of type T in opts (CreateRequest.ProviderOptions,
// RefundRequest.ProviderOptions), given as a T or as a non-nil *T, and whether there was one. Every
// adapter reads its options through it, so both forms work everywhere; options of other adapters'
// types are ignored.
func Option[T any](opts []any) (T, bool) {
	for _, o := range opts {
		switch v := o.(type) {
		case T:
			return v, true
		case *T:
			if v != nil {
				return *v, true
			}
		}
	}
	var zero T
	return zero, false
}
