package feeds

import "testing"

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"https://News.Example.COM/a/b", "https://news.example.com/a/b"},
		{"HTTPS://news.example.com:443/a", "https://news.example.com/a"},
		{"http://news.example.com:80/a", "http://news.example.com/a"},
		{"http://news.example.com:8080/a", "http://news.example.com:8080/a"},
		{"https://news.example.com/a#comments", "https://news.example.com/a"},
		{"https://news.example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://news.example.com/a"},
		{"https://news.example.com/a?id=7&fbclid=abc&gclid=def&mc_cid=1&mc_eid=2", "https://news.example.com/a?id=7"},
		{"https://news.example.com/a?b=2&a=1", "https://news.example.com/a?a=1&b=2"},
		{"https://news.example.com/a?UTM_Source=x&page=2", "https://news.example.com/a?page=2"},
		{"https://news.example.com", "https://news.example.com/"},
		{"https://news.example.com/a?", "https://news.example.com/a"},
		{"https://user:pw@news.example.com/a", "https://news.example.com/a"},
		{"https://news.example.com./a", "https://news.example.com/a"},
		{"https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"},
		{"  https://news.example.com/a  ", "https://news.example.com/a"},
		{"https://news.example.com/caf%C3%A9?q=a%20b", "https://news.example.com/caf%C3%A9?q=a%20b"},
		{"urn:uuid:1234", "urn:uuid:1234"},
		{"/relative/path", "/relative/path"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := CanonicalURL(tt.give); got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{"https://a.example/x?utm_source=1&b=2#f", "http://A:80", "https://[::1]:443/", "%zz", "http://a.example/?;&="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CanonicalURL(s)
		if again := CanonicalURL(c); again != c {
			t.Errorf("not idempotent: %q -> %q -> %q", s, c, again)
		}
	})
}
