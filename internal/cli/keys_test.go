package cli

import "testing"

func TestVimKeys(t *testing.T) {
	for _, tt := range []struct {
		env     string
		vim, ok bool
	}{{"", false, true}, {"default", false, true}, {"vim", true, true}, {"emacs", false, false}} {
		t.Setenv("FLOE_KEYS", tt.env)
		vim, err := vimKeys()
		if vim != tt.vim || (err == nil) != tt.ok {
			t.Errorf("FLOE_KEYS=%q: vim %v, err %v; want vim %v, ok %v", tt.env, vim, err, tt.vim, tt.ok)
		}
	}
}
