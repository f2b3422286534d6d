package hmi

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sightglass/sightglass/assets"
)

// TestEveryUIStringIsTranslated finds every lang.L("...") in the package's
// source and checks that each language file has it.
func TestEveryUIStringIsTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{} // key → where it is used
	fset := token.NewFileSet()
	for _, name := range files {
		if filepath.Ext(name) != ".go" || len(name) > 8 && name[len(name)-8:] == "_test.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					keys[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	if len(keys) == 0 {
		t.Fatal("found no lang.L calls")
	}
	for _, file := range []string{"sightglass.en.json", "sightglass.zh_Hans.json"} {
		data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for k, where := range keys {
			if m[k] == "" {
				t.Errorf("%s: %q (used at %s) has no translation", file, k, where)
			}
		}
	}
}
