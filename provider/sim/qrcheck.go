package sim

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image/color"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// CheckQRPNG reports whether img is a PNG of the QR code of content as QRPNG draws it: module by
// module, dark where the code is dark. The QR library has no reader; tests use this to prove a page's
// image encodes what it should (its own URL), not just that it is a PNG.
func CheckQRPNG(img []byte, content string) error {
	pic, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		return fmt.Errorf("not a PNG: %w", err)
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return err
	}
	want := q.Bitmap()
	b := pic.Bounds()
	if b.Dx() != b.Dy() || b.Dx() != len(want)*QRModulePixels {
		return fmt.Errorf("the image is %dx%d pixels; the QR code of %q is %d modules of %d pixels", b.Dx(), b.Dy(), content, len(want), QRModulePixels)
	}
	for y, row := range want {
		for x, dark := range row {
			c := color.GrayModel.Convert(pic.At(b.Min.X+x*QRModulePixels+QRModulePixels/2, b.Min.Y+y*QRModulePixels+QRModulePixels/2)).(color.Gray)
			if (c.Y < 128) != dark {
				return fmt.Errorf("module (%d,%d) differs from the QR code of %q", x, y, content)
			}
		}
	}
	return nil
}

// PageQRImage returns the PNG of the QR code a payment page shows (its <img id="qr">), for tests.
func PageQRImage(page []byte) ([]byte, error) {
	const prefix = `src="data:image/png;base64,`
	i := bytes.Index(page, []byte(`id="qr"`))
	if i < 0 {
		return nil, fmt.Errorf("the page shows no QR code")
	}
	rest := page[i:]
	j := bytes.Index(rest, []byte(prefix))
	if j < 0 {
		return nil, fmt.Errorf("the QR code is not an inline PNG")
	}
	rest = rest[j+len(prefix):]
	k := bytes.IndexByte(rest, '"')
	if k < 0 {
		return nil, fmt.Errorf("the QR image's src does not end")
	}
	return base64.StdEncoding.DecodeString(html.UnescapeString(string(rest[:k]))) // an attribute: + is &#43;
}
