package tui

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/keymap"
)

// notCommands are the bindings that act on the position of a cursor (or
// answer a dialog) rather than do an action of their own; every other
// binding of the key map must be a command, so the palette lists it.
var notCommands = []string{
	"Up", "Down", "Left", "Right", "PageUp", "PageDown", "Top", "Bottom",
	"FirstColumn", "LastColumn", "Indent", "Insert", "Expand", "Preview",
	"Yes", "No",
	"Palette", // the palette itself
	// Works in the chat only, on its answer.
	"InsertAnswer",
	// Works in the cell editor only, at its cursor.
	"Complete",
	// Keys of the find bar, which its own line lists.
	"FindNext", "FindPrev", "FindField", "ReplaceOne", "ReplaceAll",
}

// TestRegistryCoversTheKeyMap checks that the palette, the help and the
// keys cannot drift apart: every action key is a command, every command's
// key is in a help group, and names are unique.
func TestRegistryCoversTheKeyMap(t *testing.T) {
	km := keymap.Default()
	cmds := registry()
	byKeys := map[string]string{}
	names := map[string]bool{}
	for _, c := range cmds {
		if c.Name == "" || c.Help == "" || c.Run == nil {
			t.Errorf("command %q lacks a name, help or Run", c.Name)
		}
		if names[c.Name] {
			t.Errorf("two commands are named %q", c.Name)
		}
		names[c.Name] = true
		if c.Key != nil {
			byKeys[strings.Join(c.Key(km).Keys(), ",")] = c.Name
		}
	}
	v := reflect.ValueOf(*km)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		b, ok := v.Field(i).Interface().(key.Binding)
		if !ok || slices.Contains(notCommands, f.Name) {
			continue
		}
		if _, ok := byKeys[strings.Join(b.Keys(), ",")]; !ok {
			t.Errorf("binding %s (%s) is no command: add it to registry() or to notCommands", f.Name, b.Help().Key)
		}
	}
	inHelp := map[string]bool{}
	for _, g := range km.Groups() {
		for _, b := range g.Bindings {
			inHelp[strings.Join(b.Keys(), ",")] = true
		}
	}
	for keys, name := range byKeys {
		if !inHelp[keys] {
			t.Errorf("command %q has key %s, which the help does not list", name, keys)
		}
	}
}

// TestPaletteFilters types into the palette and checks the best matches,
// in order.
func TestPaletteFilters(t *testing.T) {
	for _, tc := range []struct {
		typed string
		first []string
	}{
		{"", []string{"Run cell", "Run all cells", "Run all cells above"}},
		{"run", []string{"Run cell", "Run all cells", "Run statement"}},
		{"rac", []string{"Run all cells", "Run all cells above"}},
		{"sav", []string{"Save", "Save as…"}},
		{"del", []string{"Delete cell"}},
		{"cat", []string{"Focus the catalog", "Toggle the catalog", "Refresh the catalog"}},
		{"hist", []string{"Query history"}},
		{"mv dn", []string{"Move cell down"}},
		{"ctrl+o", []string{"Toggle the catalog"}}, // by its key
		{"tab-separated", []string{"Copy row"}},    // by what it does
		{"zzz", nil},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, 100, 30, Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
			h.keys("down") // so that "Run all cells above" is enabled
			h.keys("ctrl+x")
			if h.m.popups.kind != popupPalette {
				t.Fatal("ctrl+x did not open the palette")
			}
			h.typeText(tc.typed)
			var got []string
			for _, i := range h.m.popups.palette.Shown() {
				got = append(got, h.m.popups.cmds[i].Name)
			}
			got = got[:min(len(tc.first), len(got))]
			if diff := cmp.Diff(tc.first, got); diff != "" {
				t.Errorf("first matches for %q (-want +got):\n%s", tc.typed, diff)
			}
		})
	}
}

// state is what a command changes, to compare a command run from the
// palette with its key.
type state struct {
	Sources  []string
	Kinds    []string
	Cursor   int
	Editing  bool
	Focus    focus
	Catalog  bool
	Help     bool
	Dialog   dialog
	PagerRow int
	Ran      int
}

func stateOf(h *harness) state {
	s := state{Cursor: h.m.notebook.Cursor(), Editing: h.m.notebook.Editing(), Focus: h.m.focus,
		Catalog: h.m.catalogShown(), Help: h.m.showHelp, Dialog: h.m.dialog}
	for _, c := range h.m.notebook.Notebook().Cells {
		s.Sources = append(s.Sources, c.Source)
		s.Kinds = append(s.Kinds, string(rune('a'+int(c.Kind)))+c.Lang)
	}
	s.PagerRow, _ = h.m.pager.Selected()
	h.k.mu.Lock()
	s.Ran = len(h.k.ran)
	h.k.mu.Unlock()
	return s
}

// TestPaletteDoesWhatTheKeyDoes runs each command once by its key and once
// from the palette, from the same start, and compares what they did.
func TestPaletteDoesWhatTheKeyDoes(t *testing.T) {
	for _, tc := range []struct {
		command string
		setup   []string // keys before, in both runs
		keys    []string
	}{
		{"Add cell above", []string{"down"}, []string{"a"}},
		{"Add cell below", []string{"down"}, []string{"b"}},
		{"Delete cell", []string{"down", "down"}, []string{"d", "d"}},
		{"Move cell up", []string{"down", "down"}, []string{"K"}},
		{"Move cell down", []string{"down"}, []string{"J"}},
		{"Change cell type", []string{"down"}, []string{"t"}},
		{"Merge with the cell below", []string{"down"}, []string{"M"}},
		{"Split cell", []string{"down", "enter"}, []string{"ctrl+\\"}},
		{"Edit cell", []string{"down"}, []string{"enter"}},
		{"Stop editing", []string{"down", "enter"}, []string{"esc"}},
		{"Run cell", []string{"down"}, []string{"ctrl+j"}},
		{"Run all cells", nil, []string{"ctrl+r"}},
		{"Run all cells above", []string{"down", "down", "down"}, []string{"U"}},
		{"Toggle the catalog", nil, []string{"ctrl+o"}},
		{"Focus the next pane", nil, []string{"tab"}},
		{"Show help", nil, []string{"?"}},
		{"Open the results", []string{"down", "ctrl+j"}, []string{"o"}},
		{"Focus the notebook", []string{"down", "ctrl+j", "o"}, []string{"esc"}},
		{"Sort by column", []string{"down", "ctrl+j", "o", "right"}, []string{"s"}},
		{"Save", nil, []string{"ctrl+s"}},
		{"Quit", []string{"down", "enter", " "}, []string{"ctrl+q"}},
	} {
		t.Run(tc.command, func(t *testing.T) {
			t.Parallel()
			run := func(palette bool) state {
				h := newHarness(t, 120, 40, Options{Notebook: parseSample(t), Catalog: fakeCatalog{}, Path: tempNotebook(t)})
				for _, k := range tc.setup {
					if k == " " {
						h.typeText(k)
					} else {
						h.keys(k)
					}
				}
				h.settle(quiet)
				if palette {
					h.keys("ctrl+x")
					h.typeText(tc.command)
					if i := h.m.popups.palette.Selected(); i < 0 || h.m.popups.cmds[i].Name != tc.command {
						t.Fatalf("typing %q does not select it first", tc.command)
					}
					h.keys("enter")
				} else {
					h.keys(tc.keys...)
				}
				h.settle(quiet)
				if r, _ := h.m.notebook.Running(); r {
					waitIdle(h)
				}
				return stateOf(h)
			}
			byKey, byPalette := run(false), run(true)
			if diff := cmp.Diff(byKey, byPalette); diff != "" {
				t.Errorf("%s from the palette differs from its key (-key +palette):\n%s", tc.command, diff)
			}
		})
	}
}

// tempNotebook is a notebook path in a new directory.
func tempNotebook(t *testing.T) string { return t.TempDir() + "/nb.md" }

func TestPaletteKeys(t *testing.T) {
	h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
	// ':' types in the editor but opens the palette outside it.
	h.keys("down", "enter", "ctrl+e")
	h.typeText(":")
	if h.m.popups.kind != popupNone || !strings.HasSuffix(h.m.notebook.Notebook().Cells[1].Source, ":") {
		t.Fatalf("':' in the editor did not type: popup %d", h.m.popups.kind)
	}
	// ctrl+x opens it from the editor, esc closes it and editing goes on.
	h.keys("ctrl+x")
	if h.m.popups.kind != popupPalette || !strings.Contains(h.screen(), "Commands") {
		t.Fatalf("ctrl+x in the editor did not open the palette:\n%s", h.screen())
	}
	h.typeText("xy")
	if src := h.m.notebook.Notebook().Cells[1].Source; strings.HasSuffix(src, "xy") {
		t.Error("keys typed in the palette reached the editor")
	}
	h.keys("esc")
	if h.m.popups.kind != popupNone || !h.m.notebook.Editing() {
		t.Errorf("esc: popup %d, editing %v; want closed and still editing", h.m.popups.kind, h.m.notebook.Editing())
	}
	h.keys("esc", ":")
	if h.m.popups.kind != popupPalette {
		t.Fatal("':' outside the editor did not open the palette")
	}
	if got := h.m.popups.palette.Filter(); got != "" {
		t.Errorf("the ':' that opened the palette is in its filter: %q", got)
	}
	// A disabled command is listed after the enabled ones and says so.
	h.typeText("cancel")
	if i := h.m.popups.palette.Selected(); h.m.popups.cmds[i].Name != "Cancel the running query" {
		t.Fatalf("selected %q", h.m.popups.cmds[i].Name)
	}
	h.keys("enter")
	if !strings.Contains(h.m.message, "not available now") || !h.m.isError {
		t.Errorf("a disabled command ran silently: %q", h.m.message)
	}
	// up and down move; the arrow keys, not j/k, which filter.
	h.keys(":")
	h.keys("down", "down", "up")
	if i := h.m.popups.palette.Selected(); h.m.popups.cmds[i].Name != "Run all cells" {
		t.Errorf("down down up selected %q, want the second command", h.m.popups.cmds[i].Name)
	}
}

// TestPalettePaletteOnlyCommands checks the commands that have no key.
func TestPalettePaletteOnlyCommands(t *testing.T) {
	t.Run("save as", func(t *testing.T) {
		dir := t.TempDir()
		h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: dir + "/a.md"})
		h.keys("ctrl+x")
		h.typeText("save as")
		h.keys("enter")
		if h.m.dialog != dialogSaveAs || h.m.saveAs.Value() != dir+"/a.md" {
			t.Fatalf("save as: dialog %d with %q", h.m.dialog, h.m.saveAs.Value())
		}
		h.keys("backspace", "backspace", "backspace", "backspace")
		h.typeText("b.md")
		h.keys("enter")
		h.waitFor("the save", func() bool { return h.m.path == dir+"/b.md" && !strings.Contains(h.screen(), "saving") })
		back, err := notebooks.ReadFile(dir + "/b.md")
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Cells) != 6 {
			t.Errorf("b.md has %d cells, want 6", len(back.Cells))
		}
	})
	t.Run("clear outputs", func(t *testing.T) {
		h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md"})
		runAllAndWait(h, 3)
		h.keys("ctrl+x")
		h.typeText("clear")
		h.keys("enter")
		for i, c := range h.m.notebook.Notebook().Cells {
			if len(c.Outputs) > 0 || c.Execution.Count > 0 {
				t.Errorf("cell %d keeps its outputs", i)
			}
		}
		if s := h.screen(); strings.Contains(s, "✓") || h.m.message != "cleared the outputs of 3 cells" {
			t.Errorf("outputs still shown:\n%s", s)
		}
	})
	t.Run("focus the catalog", func(t *testing.T) {
		h := newHarness(t, 80, 24, Options{Notebook: parseSample(t), Path: "x.md", Catalog: fakeCatalog{}})
		if h.m.catalogShown() {
			t.Fatal("catalog shown at 80 columns")
		}
		h.keys("ctrl+x")
		h.typeText("focus cat")
		h.keys("enter")
		if h.m.focus != focusCatalog || !h.m.catalogShown() {
			t.Errorf("focus %d, catalog shown %v", h.m.focus, h.m.catalogShown())
		}
	})
}
