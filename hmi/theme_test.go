package hmi

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestThemeIsCalm checks the ISA-101 rules the theme stands for: grey
// screen and text, colour only for the abnormal, rows a finger can hit.
func TestThemeIsCalm(t *testing.T) {
	th := NewTheme()
	for _, n := range []fyne.ThemeColorName{
		theme.ColorNameBackground, theme.ColorNameForeground, theme.ColorNameHeaderBackground,
		theme.ColorNameButton, theme.ColorNameInputBackground, theme.ColorNameSeparator,
		theme.ColorNameSuccess, // normal is not green
	} {
		c := color.NRGBAModel.Convert(th.Color(n, theme.VariantDark)).(color.NRGBA)
		if c.R != c.G || c.G != c.B {
			t.Errorf("%s = %v, want a grey", n, c)
		}
	}
	for _, n := range []fyne.ThemeColorName{theme.ColorNameError, theme.ColorNameWarning} {
		c := color.NRGBAModel.Convert(th.Color(n, theme.VariantLight)).(color.NRGBA)
		if c.R == c.G && c.G == c.B {
			t.Errorf("%s = %v: abnormal states need a colour", n, c)
		}
	}
	if bg := color.NRGBAModel.Convert(th.Color(theme.ColorNameBackground, theme.VariantDark)).(color.NRGBA); bg.R < 0xc0 {
		t.Errorf("background %v is not a light grey", bg)
	}
	for name, th := range map[string]fyne.Theme{"isa": th, "fyne default": theme.DefaultTheme()} {
		if h := rowHeight(th); h < 36 {
			t.Errorf("%s theme: row height %v, want at least 36 for touch", name, h)
		}
	}
	if th.Font(fyne.TextStyle{}) == nil || th.Icon(theme.IconNameConfirm) == nil || th.Size(theme.SizeNameSeparatorThickness) == 0 {
		t.Error("the theme does not fall back to Fyne's for what it does not set")
	}
}
