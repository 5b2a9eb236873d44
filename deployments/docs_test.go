package deployments_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/newsevents/newsevents/internal/metrics"
)

// logPackages are the packages whose log lines an operator tails while
// newsevents runs (relative to the repository root).
var logPackages = []string{
	"cmd/newsevents/run.go",
	"internal/pipeline",
	"internal/publish",
	"internal/fetch",
	"internal/admin",
	"feeds",
}

// logLine is one log call with a constant message.
type logLine struct {
	msg, level, pos string
	fields          []string
}

// codeLogLines finds the log calls log.Info("message", ...) (Warn, Error)
// in the non-test Go files of logPackages.
func codeLogLines(t *testing.T) []logLine {
	t.Helper()
	var files []string
	for _, p := range logPackages {
		path := filepath.Join("..", p)
		if strings.HasSuffix(p, ".go") {
			files = append(files, path)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.HasSuffix(m, "_test.go") {
				files = append(files, m)
			}
		}
	}
	var lines []logLine
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			level := strings.ToLower(sel.Sel.Name)
			if !slices.Contains([]string{"debug", "info", "warn", "error"}, level) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			msg, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			l := logLine{msg: msg, level: level, pos: fset.Position(call.Pos()).String()}
			for _, a := range call.Args[1:] {
				if c, ok := a.(*ast.CallExpr); ok && len(c.Args) > 0 {
					if k, ok := c.Args[0].(*ast.BasicLit); ok && k.Kind == token.STRING {
						key, _ := strconv.Unquote(k.Value)
						l.fields = append(l.fields, key)
					} else if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Error" {
						l.fields = append(l.fields, "error")
					}
				}
			}
			lines = append(lines, l)
			return true
		})
	}
	if len(lines) < 10 {
		t.Fatalf("only %d log calls found in %v", len(lines), logPackages)
	}
	return lines
}

// docTable returns the rows of the Markdown table between
// <!-- name:begin --> and <!-- name:end --> in docs/operations.md, as
// cells without their backquotes.
func docTable(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	_, rest, ok := strings.Cut(doc, "<!-- "+name+":begin -->")
	table, _, ok2 := strings.Cut(rest, "<!-- "+name+":end -->")
	if !ok || !ok2 {
		t.Fatalf("docs/operations.md: no %s table markers", name)
	}
	var rows [][]string
	for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
		if i < 2 { // header and separator
			continue
		}
		line = strings.TrimSpace(line)
		line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
		cells := strings.Split(line, "|")
		for j := range cells {
			cells[j] = strings.Trim(strings.TrimSpace(cells[j]), "`")
		}
		rows = append(rows, cells)
	}
	return rows
}

// TestLogMessagesDocumented keeps the stable log messages of
// docs/operations.md and the code in step: every info, warn and error
// message is documented, and every documented message exists at the
// documented level.
func TestLogMessagesDocumented(t *testing.T) {
	code := codeLogLines(t)
	rows := docTable(t, "log-messages")
	documented := map[string]string{}
	for _, r := range rows {
		if len(r) < 4 {
			t.Errorf("log table row %q: want message | level | fields | meaning", r)
			continue
		}
		documented[r[0]] = r[1]
	}
	for _, l := range code {
		if l.level == "debug" {
			continue
		}
		lvl, ok := documented[l.msg]
		switch {
		case !ok:
			t.Errorf("%s: log message %q (%s) is not in the table of docs/operations.md", l.pos, l.msg, l.level)
		case !strings.Contains(lvl, l.level):
			t.Errorf("%s: log message %q is %s, documented as %s", l.pos, l.msg, l.level, lvl)
		}
	}
	for msg, lvl := range documented {
		if !slices.ContainsFunc(code, func(l logLine) bool { return l.msg == msg && strings.Contains(lvl, l.level) }) {
			t.Errorf("docs/operations.md documents log message %q at %s, which no code logs at that level", msg, lvl)
		}
	}
}

var backquoted = regexp.MustCompile("`([a-z0-9_]+)`")

// TestMetricsDocumented checks the metrics table of docs/operations.md
// against the registry: every newsevents_ metric is documented, with its
// type and labels, and nothing else.
func TestMetricsDocumented(t *testing.T) {
	m := metrics.New()
	m.KnownFeeds("https://example.org/feed.xml")
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	rows := docTable(t, "metrics")
	documented := map[string][]string{}
	for _, r := range rows {
		documented[r[0]] = r
	}
	for _, f := range fams {
		name := f.GetName()
		if !strings.HasPrefix(name, "newsevents_") {
			continue
		}
		r, ok := documented[name]
		if !ok {
			t.Errorf("metric %s is not in the table of docs/operations.md", name)
			continue
		}
		delete(documented, name)
		if typ := strings.ToLower(f.GetType().String()); r[1] != typ {
			t.Errorf("%s: documented as %s, is a %s", name, r[1], typ)
		}
		var labels []string
		for _, l := range f.GetMetric()[0].GetLabel() {
			labels = append(labels, l.GetName())
		}
		var doc []string
		for _, l := range strings.Split(r[2], ",") {
			if l = strings.TrimSpace(l); l != "" {
				doc = append(doc, l)
			}
		}
		slices.Sort(doc)
		if !slices.Equal(labels, doc) {
			t.Errorf("%s: documented labels %v, has %v", name, doc, labels)
		}
	}
	for name := range documented {
		t.Errorf("docs/operations.md documents metric %s, which is not exported", name)
	}
	// Documented label values of the result and outcome labels are the real ones.
	for _, r := range rows {
		var want []string
		switch r[0] {
		case "newsevents_feed_polls_total":
			want = metrics.Results()
		case "newsevents_articles_processed_total":
			want = metrics.Outcomes()
		case "newsevents_stage_in_flight":
			want = metrics.Stages()
		default:
			continue
		}
		var got []string
		for _, m := range backquoted.FindAllStringSubmatch(r[3], -1) {
			got = append(got, m[1])
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: label value %q is not documented", r[0], w)
			}
		}
	}
}
