package hmi

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is the relative luminance of c (WCAG 2.x), 0..1.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours, 1..21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a)+0.05, luminance(b)+0.05
	return max(la, lb) / min(la, lb)
}

func TestThemesAreGreyWithReadableAbnormalColours(t *testing.T) {
	for _, name := range []string{"light", "dark"} {
		th, ok := ThemeNamed(name)
		if !ok {
			t.Fatalf("no theme %q", name)
		}
		bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
		if r, g, b, _ := bg.RGBA(); r != g || g != b {
			t.Errorf("%s: background %v is not grey", name, bg)
		}
		// Text, and the colours that mean abnormal, must read on the
		// background: WCAG AA asks 4.5:1 of text.
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameError, theme.ColorNameWarning} {
			if c := contrast(th.Color(n, theme.VariantLight), bg); c < 4.5 {
				t.Errorf("%s: %s on the background has contrast %.1f, want ≥ 4.5", name, n, c)
			}
		}
	}
	light, _ := ThemeNamed("light")
	dark, _ := ThemeNamed("dark")
	if luminance(dark.Color(theme.ColorNameBackground, theme.VariantLight)) >= luminance(light.Color(theme.ColorNameBackground, theme.VariantLight)) {
		t.Error("the dark theme is not darker than the light one")
	}
	if _, ok := ThemeNamed("purple"); ok {
		t.Error(`ThemeNamed("purple") accepted`)
	}
}
