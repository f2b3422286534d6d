package assets

import "embed"

// Translations holds the UI's translations for fyne.io/fyne/v2/lang, one
// file a language (sightglass.en.json, sightglass.zh_Hans.json): the app
// loads them with lang.AddTranslationsFS(assets.Translations,
// TranslationsDir). A key is the English text.
//
//go:embed translations
var Translations embed.FS

// TranslationsDir is the folder inside Translations.
const TranslationsDir = "translations"
