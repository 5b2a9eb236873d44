package config

import (
	"errors"
	"strings"
	"testing"
)

func TestAdminAddr(t *testing.T) {
	const feeds = "feeds:\n  - url: https://example.org/feed.xml\n"
	tests := []struct {
		name      string
		give      string
		wantAddr  string
		wantField string // "" for no error
		wantErr   string
	}{
		{"off by default", feeds, "", "", ""},
		{"loopback", feeds + "admin:\n  addr: 127.0.0.1:9090\n", "127.0.0.1:9090", "", ""},
		{"every interface", feeds + "admin:\n  addr: \":9090\"\n", ":9090", "", ""},
		{"ipv6", feeds + "admin:\n  addr: \"[::1]:9090\"\n", "[::1]:9090", "", ""},
		{"no port", feeds + "admin:\n  addr: localhost\n", "", "admin.addr", "want host:port"},
		{"port out of range", feeds + "admin:\n  addr: 127.0.0.1:99999\n", "", "admin.addr", "not a number from 0 to 65535"},
		{"port zero picks a free port", feeds + "admin:\n  addr: 127.0.0.1:0\n", "127.0.0.1:0", "", ""},
		{"named port", feeds + "admin:\n  addr: 127.0.0.1:http\n", "", "admin.addr", "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("test.yaml", []byte(tt.give))
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if cfg.Admin.Addr != tt.wantAddr {
					t.Errorf("Admin.Addr = %q, want %q", cfg.Admin.Addr, tt.wantAddr)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse error = %v, want a *FieldError", err)
			}
			if fe.Field != tt.wantField || fe.File != "test.yaml" || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q (field %q, file %q), want field %q, file test.yaml, containing %q",
					err, fe.Field, fe.File, tt.wantField, tt.wantErr)
			}
		})
	}
}

func TestAdminUnknownFieldIsAnError(t *testing.T) {
	_, err := Parse("test.yaml", []byte("feeds:\n  - url: https://example.org/feed.xml\nadmin:\n  address: 127.0.0.1:9090\n"))
	if err == nil || !strings.Contains(err.Error(), "address") || !strings.Contains(err.Error(), "test.yaml") {
		t.Errorf("Parse = %v, want an error naming the file and the unknown field address", err)
	}
}
