package retry

import "errors"

// ErrNotSent marks an F that only proves the attempt never left the client (a dial error): it says
// nothing about earlier attempts of the same call.
var ErrNotSent = errors.New("request never sent")
