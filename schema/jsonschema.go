package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON Schemas (draft 2020-12) of the values newsevents publishes live
// in jsonschema/ and are embedded in the binary. Their $ids are stable: a
// file's $id only changes with a new major schema version.
//
// The schemas are open (unknown properties are allowed) so that a consumer
// validating with version 1 keeps accepting messages once optional fields
// are added; the tests check separately that every field the producer
// writes is declared. Compatibility rules for version 1, enforced by
// TestSchemaBackwardCompatible against the frozen copy in
// testdata/frozen/v1: fields may be added as optional, never removed,
// renamed or retyped, and the required set never grows.
//
// Validation uses github.com/santhosh-tekuri/jsonschema/v6: a maintained,
// complete 2020-12 implementation (if/then, $ref across resources,
// formats), which a hand-written checker would not be.

//go:embed jsonschema/*.schema.json
var schemaFS embed.FS

// SchemaBaseURL is the base of the $id of every version 1 schema.
const SchemaBaseURL = "https://newsevents.io/schema/v1/"

// Names of the schemas that are not an event type.
const (
	EventSchema      = "event"      // the value on every event topic
	ArticleSchema    = "article"    // the value on news.articles
	DeadLetterSchema = "deadletter" // the value on news.deadletter
)

// SchemaNames lists the schemas: event, the five core types, article and
// deadletter.
func SchemaNames() []string {
	names := []string{EventSchema}
	for _, t := range CoreTypes() {
		names = append(names, string(t))
	}
	return append(names, ArticleSchema, DeadLetterSchema)
}

// SchemaID returns the $id of the named schema.
func SchemaID(name string) string { return SchemaBaseURL + name + ".schema.json" }

// EventSchemaID is the $id of the event schema: the ce_dataschema header of
// every event message.
func EventSchemaID() string { return SchemaID(EventSchema) }

// ErrUnknownSchema is returned for a schema name that does not exist.
var ErrUnknownSchema = errors.New("unknown schema")

// normalizeSchemaName accepts event types as trip-cancelled too.
func normalizeSchemaName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if t, err := ParseType(name); err == nil {
		return string(t), nil
	}
	for _, n := range SchemaNames() {
		if n == name {
			return n, nil
		}
	}
	return "", fmt.Errorf("%w %q (want one of %s)", ErrUnknownSchema, name, strings.Join(SchemaNames(), ", "))
}

// JSONSchema returns the schema file of name as it is embedded. The event
// schema refers to the type schemas by $id; see BundledJSONSchema for a
// self-contained document.
func JSONSchema(name string) ([]byte, error) {
	n, err := normalizeSchemaName(name)
	if err != nil {
		return nil, err
	}
	return schemaFS.ReadFile("jsonschema/" + n + ".schema.json")
}

// BundledJSONSchema returns the schema of name as one self-contained
// document: for the event schema, the type schemas it refers to are put
// under $defs with their own $id (the 2020-12 bundling rule), so any
// 2020-12 validator can use the output without fetching anything.
func BundledJSONSchema(name string) ([]byte, error) {
	raw, err := JSONSchema(name)
	if err != nil {
		return nil, err
	}
	n, _ := normalizeSchemaName(name)
	if n != EventSchema {
		return raw, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", n, err)
	}
	defs, _ := doc["$defs"].(map[string]any)
	if defs == nil {
		defs = map[string]any{}
	}
	for _, t := range CoreTypes() {
		sub, err := JSONSchema(string(t))
		if err != nil {
			return nil, err
		}
		var v map[string]any
		if err := json.Unmarshal(sub, &v); err != nil {
			return nil, fmt.Errorf("schema %s: %w", t, err)
		}
		delete(v, "$schema")
		defs[string(t)] = v
	}
	doc["$defs"] = defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// compiled holds every schema compiled once.
var compiled = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, n := range SchemaNames() {
		raw, err := JSONSchema(n)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
		if err := c.AddResource(SchemaID(n), doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, n := range SchemaNames() {
		s, err := c.Compile(SchemaID(n))
		if err != nil {
			return nil, fmt.Errorf("compiling schema %s: %w", n, err)
		}
		out[n] = s
	}
	return out, nil
})

// ValidationError says why a value does not match its schema.
type ValidationError struct {
	Schema string // schema name
	Err    error  // *jsonschema.ValidationError or a JSON syntax error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("not a valid %s (%s): %v", e.Schema, SchemaID(e.Schema), e.Err)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// Validate checks that value, the JSON value of an event message, matches
// the event schema, including the fields of its type.
func Validate(value []byte) error { return ValidateAs(EventSchema, value) }

// ValidateAs checks value against the named schema (see SchemaNames).
func ValidateAs(name string, value []byte) error {
	n, err := normalizeSchemaName(name)
	if err != nil {
		return err
	}
	all, err := compiled()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return &ValidationError{Schema: n, Err: err}
	}
	if err := all[n].Validate(v); err != nil {
		return &ValidationError{Schema: n, Err: err}
	}
	return nil
}

// UndeclaredFields returns the JSON paths of object members in the event
// value that no schema declares (sorted). The schemas are open so that
// consumers tolerate new fields; the producer's tests use this to make sure
// nothing is published without being documented.
func UndeclaredFields(name string, value []byte) ([]string, error) {
	n, err := normalizeSchemaName(name)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(value, &v); err != nil {
		return nil, err
	}
	declared, err := declaredProps(n, v)
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(path string, node any, decl map[string]any)
	walk = func(path string, node any, decl map[string]any) {
		obj, ok := node.(map[string]any)
		if !ok {
			return
		}
		for k, val := range obj {
			sub, ok := decl[k]
			if !ok {
				out = append(out, path+k)
				continue
			}
			if m, ok := sub.(map[string]any); ok {
				walk(path+k+".", val, m)
			}
		}
	}
	walk("", v, declared)
	sort.Strings(out)
	return out, nil
}

// declaredProps returns a tree of the properties the schema of name
// declares for value: property name → subtree (nil when the property is
// not an object). For an event the type's fields are merged in.
func declaredProps(name string, value any) (map[string]any, error) {
	docs := []string{name}
	if name == EventSchema {
		if obj, ok := value.(map[string]any); ok {
			if t, ok := obj["type"].(string); ok {
				if _, err := ParseType(t); err == nil {
					docs = append(docs, t)
				}
			}
		}
	}
	tree := map[string]any{}
	for _, d := range docs {
		raw, err := JSONSchema(d)
		if err != nil {
			return nil, err
		}
		var s map[string]any
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		mergeProps(tree, s)
	}
	return tree, nil
}

func mergeProps(tree map[string]any, s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	for k, p := range props {
		ps, _ := p.(map[string]any)
		if _, ok := ps["properties"]; ok {
			sub, _ := tree[k].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
			}
			mergeProps(sub, ps)
			tree[k] = sub
			continue
		}
		if _, ok := tree[k]; !ok {
			tree[k] = nil
		}
	}
}
