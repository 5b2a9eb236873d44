package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sampleEvent returns a complete event of type t as the extractor would
// publish it.
func sampleEvent(t Type) Event {
	var f Fields
	switch t {
	case TripCancelled:
		f = Fields{TravelerCountry: "JP", DestinationCountry: "US", Traveler: "Aiko Tanaka", TravelerRole: "trade minister", Status: "postponed", Reason: "scheduling"}
	case TariffRateAgreed:
		f = Fields{ImposingCountry: "US", TargetCountry: "JP", RatePct: Float(15), PreviousRatePct: Float(25), Products: "most goods"}
	case TariffImposed:
		f = Fields{ImposingCountry: "US", TargetCountry: "*", RatePct: Float(0.5), Products: "steel", EffectiveDate: "2026-03-01"}
	case InvestmentPledged:
		f = Fields{Investor: "Example Motors", RecipientCountry: "US", AmountUSD: Float(5e9), Amount: Float(5), Currency: "USD", Scale: "billion", Instruments: "plants"}
	case TradeDealReached:
		f = Fields{Parties: []string{"EU", "MERCOSUR"}, Name: "EU-Mercosur agreement"}
	}
	pub := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	key := Key(t, f)
	return Event{
		SchemaVersion: Version, ID: ID("https://news.example/a/1", key), EventKey: key, Type: t, Fields: f,
		OccurredOn: "2026-11-01",
		Evidence:   Evidence{Sentence: "A sentence in our own words.", Start: 10, End: 38},
		Confidence: 0.8, Rule: "sample",
		Article: ArticleRef{URL: "https://news.example/a/1?utm=x", CanonicalURL: "https://news.example/a/1", Title: "T",
			Published: &pub, SourceSite: "News Example", FeedURL: "https://news.example/feed"},
		ExtractorVersion: "test", ExtractedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
	}
}

func TestValidateAcceptsEveryCoreType(t *testing.T) {
	for _, typ := range CoreTypes() {
		t.Run(string(typ), func(t *testing.T) {
			v, err := json.Marshal(sampleEvent(typ))
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(v); err != nil {
				t.Errorf("Validate: %v\nvalue: %s", err, v)
			}
			undeclared, err := UndeclaredFields(EventSchema, v)
			if err != nil {
				t.Fatal(err)
			}
			if len(undeclared) > 0 {
				t.Errorf("fields published but not in the schema: %v", undeclared)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		give   func(m map[string]any)
		inPath string // the error names this location
	}{
		{"missing id", func(m map[string]any) { delete(m, "id") }, ""},
		{"id not hex", func(m map[string]any) { m["id"] = "not-an-id" }, "/id"},
		{"unknown type", func(m map[string]any) { m["type"] = "tariff_lifted" }, "/type"},
		{"schema version 2", func(m map[string]any) { m["schema_version"] = 2 }, "/schema_version"},
		{"rate as string", func(m map[string]any) { m["rate_pct"] = "15%" }, "/rate_pct"},
		{"missing key field", func(m map[string]any) { delete(m, "target_country") }, ""},
		{"country in lower case", func(m map[string]any) { m["imposing_country"] = "us" }, "/imposing_country"},
		{"confidence above 1", func(m map[string]any) { m["confidence"] = 1.5 }, "/confidence"},
		{"extracted_at not a date", func(m map[string]any) { m["extracted_at"] = "yesterday" }, "/extracted_at"},
		{"article without canonical url", func(m map[string]any) { delete(m["article"].(map[string]any), "canonical_url") }, "/article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(sampleEvent(TariffRateAgreed))
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			tt.give(m)
			v, _ := json.Marshal(m)
			err := Validate(v)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if !strings.Contains(err.Error(), tt.inPath) {
				t.Errorf("error %q does not name %s", err, tt.inPath)
			}
		})
	}
}

func TestValidateRejectsFieldsOfTheWrongType(t *testing.T) {
	// A trade deal needs parties: an event typed trade_deal_reached with
	// tariff fields is caught by the type's schema.
	e := sampleEvent(TariffRateAgreed)
	e.Type = TradeDealReached
	v, _ := json.Marshal(e)
	if err := Validate(v); err == nil {
		t.Fatal("trade_deal_reached without parties was accepted")
	}
}

func TestValidateNotJSON(t *testing.T) {
	if err := Validate([]byte(`{"id":`)); err == nil {
		t.Fatal("truncated JSON was accepted")
	}
}

func TestUndeclaredFieldsFindsNewFields(t *testing.T) {
	raw, _ := json.Marshal(sampleEvent(TripCancelled))
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	m["mood"] = "sad"
	m["article"].(map[string]any)["paywall"] = true
	v, _ := json.Marshal(m)
	got, err := UndeclaredFields(EventSchema, v)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"article.paywall", "mood"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UndeclaredFields = %v, want %v", got, want)
	}
}

func TestEventSchemaTypeEnumIsCoreTypes(t *testing.T) {
	raw, _ := JSONSchema(EventSchema)
	var s struct {
		Properties struct {
			Type struct {
				Enum []string `json:"enum"`
			} `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, typ := range CoreTypes() {
		want = append(want, string(typ))
	}
	if !reflect.DeepEqual(s.Properties.Type.Enum, want) {
		t.Errorf("type enum %v, want %v", s.Properties.Type.Enum, want)
	}
}

func TestSchemaIDs(t *testing.T) {
	for _, n := range SchemaNames() {
		raw, err := JSONSchema(n)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			ID     string `json:"$id"`
			Schema string `json:"$schema"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if s.ID != SchemaID(n) {
			t.Errorf("%s: $id %q, want %q", n, s.ID, SchemaID(n))
		}
		if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema %q, want 2020-12", n, s.Schema)
		}
	}
	if _, err := JSONSchema("tariff-imposed"); err != nil {
		t.Errorf("the slug form of a type is not accepted: %v", err)
	}
	if _, err := JSONSchema("nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("JSONSchema(nope) = %v, want ErrUnknownSchema", err)
	}
}

// The bundled event schema is usable alone: compiled without the other
// files, it accepts and rejects what Validate does.
func TestBundledSchemaStandsAlone(t *testing.T) {
	raw, err := BundledJSONSchema(EventSchema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	if err := c.AddResource("bundle.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range CoreTypes() {
		good, _ := json.Marshal(sampleEvent(typ))
		e := sampleEvent(typ)
		e.Fields = Fields{}
		bad, _ := json.Marshal(e)
		for _, tc := range []struct {
			v      []byte
			wantOK bool
		}{{good, true}, {bad, false}} {
			v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(tc.v))
			if err := s.Validate(v); (err == nil) != tc.wantOK {
				t.Errorf("%s: bundled schema: valid=%v, want %v (%v)", typ, err == nil, tc.wantOK, err)
			}
		}
	}
}

type noLoader struct{}

func (noLoader) Load(url string) (any, error) { return nil, errors.New("no fetching: " + url) }

func TestValidateArticleAndDeadLetter(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		give   string
		wantOK bool
	}{
		{"article", ArticleSchema, `{"schema_version":1,"fetched_at":"2026-11-02T09:00:00Z","article":{"url":"https://a.example/1","canonical_url":"https://a.example/1","title":"T","body":"B"}}`, true},
		{"article without body", ArticleSchema, `{"schema_version":1,"fetched_at":"2026-11-02T09:00:00Z","article":{"url":"https://a.example/1","canonical_url":"https://a.example/1","title":"T"}}`, false},
		{"dead letter", DeadLetterSchema, `{"stage":"fetch","error_class":"http_404","message":"not found","attempts":3,"url":"https://a.example/1","failed_at":"2026-11-02T09:00:00Z"}`, true},
		{"dead letter of an unknown stage", DeadLetterSchema, `{"stage":"dream","error_class":"x","message":"","attempts":1,"url":"u","failed_at":"2026-11-02T09:00:00Z"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateAs(tt.schema, []byte(tt.give))
			if (err == nil) != tt.wantOK {
				t.Errorf("ValidateAs(%s) = %v, want ok=%v", tt.schema, err, tt.wantOK)
			}
		})
	}
}

// TestSchemaBackwardCompatible compares every schema with its frozen copy
// of version 1 in testdata/frozen/v1: properties may be added, never
// removed or retyped, and nothing may become required that was not.
// A deliberate breaking change needs a version 2 with new $ids, not an
// edit of version 1.
func TestSchemaBackwardCompatible(t *testing.T) {
	for _, n := range SchemaNames() {
		t.Run(n, func(t *testing.T) {
			frozenRaw, err := os.ReadFile(filepath.Join("testdata", "frozen", "v1", n+".schema.json"))
			if err != nil {
				t.Fatalf("no frozen copy of schema %s: %v (a new schema gets one when it is published)", n, err)
			}
			curRaw, err := JSONSchema(n)
			if err != nil {
				t.Fatal(err)
			}
			var frozen, cur map[string]any
			if err := json.Unmarshal(frozenRaw, &frozen); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(curRaw, &cur); err != nil {
				t.Fatal(err)
			}
			for _, p := range compatProblems("", frozen, cur) {
				t.Error(p)
			}
		})
	}
}

func TestCompatProblemsCatchesBreakingChanges(t *testing.T) {
	base := `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`
	tests := []struct {
		name string
		give string
		want int // number of problems
	}{
		{"unchanged", base, 0},
		{"optional field added", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}},"n":{"type":"string"}}}`, 0},
		{"field removed", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
		{"field renamed", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"bb":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
		{"field retyped", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
		{"nested field retyped", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"integer"}}}}}`, 1},
		{"required grows", `{"$id":"x","type":"object","required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
		{"enum value dropped", `{"$id":"x","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
		{"id changed", `{"$id":"y","type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"enum":["x","y"]},"o":{"type":"object","properties":{"d":{"type":"string"}}}}}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var frozen, cur map[string]any
			if err := json.Unmarshal([]byte(base), &frozen); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.give), &cur); err != nil {
				t.Fatal(err)
			}
			got := compatProblems("", frozen, cur)
			if len(got) != tt.want {
				t.Errorf("got %d problems %v, want %d", len(got), got, tt.want)
			}
		})
	}
}

// compatProblems lists the ways schema cur breaks readers of data valid
// under frozen, walking properties, items and $defs.
func compatProblems(path string, frozen, cur map[string]any) []string {
	var out []string
	if path == "" && frozen["$id"] != cur["$id"] {
		out = append(out, "$id changed from "+str(frozen["$id"])+" to "+str(cur["$id"]))
	}
	for _, kw := range []string{"type", "const", "format", "pattern", "$ref"} {
		if !reflect.DeepEqual(frozen[kw], cur[kw]) {
			out = append(out, where(path)+": "+kw+" changed from "+str(frozen[kw])+" to "+str(cur[kw]))
		}
	}
	if fe, ok := frozen["enum"].([]any); ok {
		ce, _ := cur["enum"].([]any)
		for _, v := range fe {
			if !containsAny(ce, v) {
				out = append(out, where(path)+": enum value "+str(v)+" removed")
			}
		}
	}
	fr := stringSet(frozen["required"])
	for r := range stringSet(cur["required"]) {
		if !fr[r] {
			out = append(out, where(path)+": "+r+" became required")
		}
	}
	for _, kw := range []string{"properties", "$defs"} {
		fp, _ := frozen[kw].(map[string]any)
		cp, _ := cur[kw].(map[string]any)
		keys := make([]string, 0, len(fp))
		for k := range fp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := path + "/" + kw + "/" + k
			c, ok := cp[k].(map[string]any)
			if !ok {
				out = append(out, where(sub)+": removed")
				continue
			}
			f, _ := fp[k].(map[string]any)
			out = append(out, compatProblems(sub, f, c)...)
		}
	}
	if fi, ok := frozen["items"].(map[string]any); ok {
		ci, _ := cur["items"].(map[string]any)
		out = append(out, compatProblems(path+"/items", fi, ci)...)
	}
	return out
}

func where(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

func str(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func containsAny(list []any, v any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out[s] = true
		}
	}
	return out
}

// FuzzValidate: no input makes the validator or UndeclaredFields panic,
// and what Validate accepts is a JSON object.
func FuzzValidate(f *testing.F) {
	for _, typ := range CoreTypes() {
		v, _ := json.Marshal(sampleEvent(typ))
		f.Add(v)
	}
	f.Add([]byte(`{"type":"trip_cancelled","article":[]}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"id":`))
	f.Fuzz(func(t *testing.T, v []byte) {
		err := Validate(v)
		if _, uerr := UndeclaredFields(EventSchema, v); uerr != nil && err == nil {
			t.Errorf("Validate accepted a value UndeclaredFields cannot read: %v", uerr)
		}
		if err == nil {
			var m map[string]any
			if json.Unmarshal(v, &m) != nil {
				t.Errorf("Validate accepted %q, which is not a JSON object", v)
			}
		}
	})
}
