package assets

import (
	"encoding/json"
	"testing"
)

// TestTranslationsMatch checks that every language file parses and has
// exactly the keys of the English one, each translated.
func TestTranslationsMatch(t *testing.T) {
	read := func(name string) map[string]string {
		data, err := Translations.ReadFile(TranslationsDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en := read("sightglass.en.json")
	entries, err := Translations.ReadDir(TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		m := read(e.Name())
		for k := range en {
			if v, ok := m[k]; !ok || v == "" {
				t.Errorf("%s: %q untranslated", e.Name(), k)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %q is not an English key", e.Name(), k)
			}
		}
	}
}
