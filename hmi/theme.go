// Package hmi is the station's operator interface: Fyne screens, widgets
// and theme. It reads the station through the Station interface and never
// talks to devices itself. It does not create the Fyne app (only package
// app does), so its tests run headless with fyne.io/fyne/v2/test.
package hmi

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The theme adds no names of its own, so that the widgets work under any
// theme: a bad row's tint is the error colour at tintAlpha, and a row's
// height is an inline icon plus inner padding above and below (40 with this
// theme, 36 with Fyne's: touch guidelines ask for targets of 7–9 mm, about
// 36–48 px at 96 dpi).
const tintAlpha = 0x40

// isaTheme is the ISA-101 high-performance HMI look: a calm grey screen on
// which colour appears only to mean something abnormal (bad quality, a
// lost device). It has one variant; light and dark requests get the same
// colours so that an abnormal colour always looks the same.
type isaTheme struct {
	fallback fyne.Theme
	colors   map[fyne.ThemeColorName]color.Color
	variant  fyne.ThemeVariant // of Fyne's theme, for the colours the palette leaves to it
}

// NewTheme returns the ISA-101 style theme. The app installs it for the
// whole application, with fyne.App.Settings().SetTheme, so that windows and
// dialogs share it. (A container.ThemeOverride would miss table headers,
// whose templates Fyne makes outside the override's scope.)
func NewTheme() fyne.Theme {
	return &isaTheme{fallback: theme.DefaultTheme(), colors: isaColors, variant: theme.VariantLight}
}

// NewDarkTheme returns the ISA-101 style theme for control rooms: a dark
// grey screen that stays calm in a dim room through a long shift, with
// the same meaning of colour (red and amber only for abnormal states,
// brighter so that they stand out on dark grey).
func NewDarkTheme() fyne.Theme {
	return &isaTheme{fallback: theme.DefaultTheme(), colors: isaDarkColors, variant: theme.VariantDark}
}

// ThemeNamed returns the theme for a --theme flag: "light" (daylight,
// tablets; the default) or "dark" (control rooms).
func ThemeNamed(name string) (fyne.Theme, bool) {
	switch name {
	case "", "light":
		return NewTheme(), true
	case "dark":
		return NewDarkTheme(), true
	}
	return nil, false
}

// The palette. Greys follow the common ISA-101 practice of a light grey
// background (about RGB 221) with dark grey text; red and amber are kept
// for abnormal states and are never used for decoration.
var isaColors = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          gray(0xdd),
	theme.ColorNameForeground:          gray(0x33),
	theme.ColorNameDisabled:            gray(0x8c),
	theme.ColorNameDisabledButton:      gray(0xcf),
	theme.ColorNameButton:              gray(0xcc),
	theme.ColorNameHeaderBackground:    gray(0xc8),
	theme.ColorNameInputBackground:     gray(0xee),
	theme.ColorNameInputBorder:         gray(0x9a),
	theme.ColorNameMenuBackground:      gray(0xe8),
	theme.ColorNameOverlayBackground:   gray(0xe8),
	theme.ColorNamePlaceHolder:         gray(0x76),
	theme.ColorNameSeparator:           gray(0xb4),
	theme.ColorNameScrollBar:           color.NRGBA{A: 0x66},
	theme.ColorNameScrollBarBackground: color.NRGBA{A: 0x14},
	theme.ColorNameShadow:              color.NRGBA{A: 0x33},
	theme.ColorNameHover:               color.NRGBA{A: 0x1a},
	theme.ColorNamePressed:             color.NRGBA{A: 0x33},
	// Primary, focus and selection are a dark slate grey: they must be
	// visible without reading as an alarm colour.
	theme.ColorNamePrimary:             color.NRGBA{R: 0x50, G: 0x5a, B: 0x64, A: 0xff},
	theme.ColorNameFocus:               color.NRGBA{R: 0x50, G: 0x5a, B: 0x64, A: 0x66},
	theme.ColorNameSelection:           color.NRGBA{R: 0x50, G: 0x5a, B: 0x64, A: 0x33},
	theme.ColorNameHyperlink:           color.NRGBA{R: 0x2f, G: 0x4a, B: 0x66, A: 0xff},
	theme.ColorNameForegroundOnPrimary: gray(0xff),
	// Normal is not green on an ISA-101 screen: "success" is plain text.
	theme.ColorNameSuccess:             gray(0x33),
	theme.ColorNameForegroundOnSuccess: gray(0xff),
	// Abnormal colours.
	theme.ColorNameError:               color.NRGBA{R: 0xc0, A: 0xff},
	theme.ColorNameForegroundOnError:   gray(0xff),
	theme.ColorNameWarning:             color.NRGBA{R: 0x8a, G: 0x4b, A: 0xff}, // dark amber: 5:1 on the grey (WCAG AA)
	theme.ColorNameForegroundOnWarning: gray(0xff),
}

// The control-room palette: the light palette's roles on dark greys.
var isaDarkColors = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          gray(0x3a),
	theme.ColorNameForeground:          gray(0xdc),
	theme.ColorNameDisabled:            gray(0x80),
	theme.ColorNameDisabledButton:      gray(0x44),
	theme.ColorNameButton:              gray(0x4c),
	theme.ColorNameHeaderBackground:    gray(0x30),
	theme.ColorNameInputBackground:     gray(0x2e),
	theme.ColorNameInputBorder:         gray(0x66),
	theme.ColorNameMenuBackground:      gray(0x33),
	theme.ColorNameOverlayBackground:   gray(0x33),
	theme.ColorNamePlaceHolder:         gray(0x8c),
	theme.ColorNameSeparator:           gray(0x55),
	theme.ColorNameScrollBar:           color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x55},
	theme.ColorNameScrollBarBackground: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x12},
	theme.ColorNameShadow:              color.NRGBA{A: 0x66},
	theme.ColorNameHover:               color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x14},
	theme.ColorNamePressed:             color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x28},
	theme.ColorNamePrimary:             color.NRGBA{R: 0x9a, G: 0xa6, B: 0xb2, A: 0xff},
	theme.ColorNameFocus:               color.NRGBA{R: 0x9a, G: 0xa6, B: 0xb2, A: 0x66},
	theme.ColorNameSelection:           color.NRGBA{R: 0x9a, G: 0xa6, B: 0xb2, A: 0x33},
	theme.ColorNameHyperlink:           color.NRGBA{R: 0xa8, G: 0xc0, B: 0xd8, A: 0xff},
	theme.ColorNameForegroundOnPrimary: gray(0x22),
	theme.ColorNameSuccess:             gray(0xdc),
	theme.ColorNameForegroundOnSuccess: gray(0x22),
	theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x80, B: 0x80, A: 0xff}, // 4.7:1 on the dark grey
	theme.ColorNameForegroundOnError:   gray(0x11),
	theme.ColorNameWarning:             color.NRGBA{R: 0xff, G: 0xb0, A: 0xff},
	theme.ColorNameForegroundOnWarning: gray(0x11),
}

var isaSizes = map[fyne.ThemeSizeName]float32{
	theme.SizeNameText:           14,
	theme.SizeNameSubHeadingText: 18,
	theme.SizeNamePadding:        4,
	theme.SizeNameInnerPadding:   8,
	theme.SizeNameInlineIcon:     24, // larger than Fyne's 20 for fingers
	theme.SizeNameScrollBar:      16, // a scroll bar a finger can hold
	theme.SizeNameScrollBarSmall: 5,
}

func gray(y uint8) color.Color { return color.NRGBA{R: y, G: y, B: y, A: 0xff} }

// Color returns the palette's colour for n, whatever the variant: the
// palette, not the desktop's light/dark setting, decides.
func (t *isaTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := t.colors[n]; ok {
		return c
	}
	return t.fallback.Color(n, t.variant)
}

// Font returns Fyne's default fonts.
func (t *isaTheme) Font(s fyne.TextStyle) fyne.Resource { return t.fallback.Font(s) }

// Icon returns Fyne's default icons.
func (t *isaTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.fallback.Icon(n) }

// Size returns the ISA size for n.
func (t *isaTheme) Size(n fyne.ThemeSizeName) float32 {
	if s, ok := isaSizes[n]; ok {
		return s
	}
	return t.fallback.Size(n)
}

// tint is c at tintAlpha: the background of a row flagged abnormal.
func tint(c color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = tintAlpha
	return n
}

// rowHeight is the least height of a table row under th: a target for a
// finger, not only for a mouse.
func rowHeight(th fyne.Theme) float32 {
	return th.Size(theme.SizeNameInlineIcon) + 2*th.Size(theme.SizeNameInnerPadding)
}
