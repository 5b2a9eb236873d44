// Package deployments_test checks the files under deployments/ without a
// container engine: every YAML and JSON file parses, the example configs pass
// the same validation as `newsevents run`, every metric the dashboard and the
// alert rules use is exported, and ports, paths and flags in the Dockerfile,
// compose file and Kubernetes manifests match the binary.
package deployments_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/newsevents/newsevents/internal/admin"
	"github.com/newsevents/newsevents/internal/config"
)

// yamlDocs parses every document of a YAML file.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML document", path)
	}
	return docs
}

func yamlDoc(t *testing.T, path string) map[string]any {
	t.Helper()
	docs := yamlDocs(t, path)
	if len(docs) != 1 {
		t.Fatalf("%s: %d documents, want 1", path, len(docs))
	}
	return docs[0]
}

// dig walks maps and lists: dig(doc, "spec", "ports", 0, "port").
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not a map", path, v)
			}
			v, ok = m[k]
			if !ok {
				t.Fatalf("at %v: no key %q", path, k)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: %T is not a list of more than %d", path, v, k)
			}
			v = l[k]
		}
	}
	return v
}

func TestEveryFileParses(t *testing.T) {
	var n int
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yml", ".yaml":
			n++
			t.Run(path, func(t *testing.T) { yamlDocs(t, path) })
		case ".json":
			n++
			t.Run(path, func(t *testing.T) {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("only %d YAML and JSON files found under deployments/", n)
	}
}

// TestConfigsPassCheck loads every newsevents config under deployments/ as
// `newsevents config check` and `run` do; the admin listener is on in all.
func TestConfigsPassCheck(t *testing.T) {
	tests := []struct {
		give      string
		wantAdmin string
		env       map[string]string
	}{
		{"config.example.yaml", "127.0.0.1:9090", nil},
		{"config.compose.yaml", ":9090", nil},
		{"k8s/config.yaml", ":9090", map[string]string{"KAFKA_USERNAME": "newsevents", "KAFKA_PASSWORD": "secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := config.Load(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Admin.Addr != tt.wantAdmin {
				t.Errorf("admin.addr = %q, want %q", cfg.Admin.Addr, tt.wantAdmin)
			}
			if len(cfg.Feeds) < 3 {
				t.Errorf("%d feeds, want a handful", len(cfg.Feeds))
			}
			if len(cfg.Kafka.Brokers) == 0 {
				t.Error("no brokers: a deployment config must not use the embedded broker")
			}
		})
	}
}

func port(t *testing.T, hostport string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatalf("%q: %v", hostport, err)
	}
	return p
}

// dockerCmd is the CMD of the Dockerfile: the default arguments of the image.
func dockerCmd(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("Dockerfile: no CMD [...] line")
	}
	var cmd []string
	if err := json.Unmarshal(m[1], &cmd); err != nil {
		t.Fatalf("Dockerfile CMD: %v", err)
	}
	return cmd
}

// flagValue returns the value of --name in args (as "--name=v" or "--name v").
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

func TestComposeMatchesBinaryAndConfig(t *testing.T) {
	compose := yamlDoc(t, "docker-compose.yml")
	ne := dig(t, compose, "services", "newsevents")
	cfg, err := config.Load("config.compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	adminPort := port(t, cfg.Admin.Addr)

	var args []string
	for _, a := range dig(t, ne, "command").([]any) {
		args = append(args, a.(string))
	}
	if !slices.Equal(args, dockerCmd(t)) {
		t.Errorf("compose command %q differs from the Dockerfile CMD %q", args, dockerCmd(t))
	}
	cfgPath, _ := flagValue(args, "config")
	var mounts []string
	stateVolume := ""
	for _, v := range dig(t, ne, "volumes").([]any) {
		mounts = append(mounts, v.(string))
		if dst, ok := strings.CutPrefix(v.(string), "newsevents-state:"); ok {
			stateVolume = dst
		}
	}
	if !slices.Contains(mounts, "./config.compose.yaml:"+cfgPath+":ro") {
		t.Errorf("volumes %q do not mount config.compose.yaml at --config %s", mounts, cfgPath)
	}
	if stateVolume == "" || !strings.HasPrefix(cfg.StateDir+"/", stateVolume+"/") {
		t.Errorf("state_dir %s is not on the newsevents-state volume (mounted at %q)", cfg.StateDir, stateVolume)
	}
	if ports := dig(t, ne, "ports").([]any); !slices.Contains(ports, any(adminPort+":"+adminPort)) {
		t.Errorf("newsevents ports %v do not publish the admin port %s", ports, adminPort)
	}
	if got := dig(t, compose, "services", "newsevents", "build", "dockerfile"); got != "deployments/Dockerfile" {
		t.Errorf("build.dockerfile = %v", got)
	}

	// The brokers of the config are the kafka service's internal listener.
	kafkaEnv := dig(t, compose, "services", "kafka", "environment").(map[string]any)
	adv := kafkaEnv["KAFKA_ADVERTISED_LISTENERS"].(string)
	for _, b := range cfg.Kafka.Brokers {
		if !strings.Contains(adv, "://"+b) {
			t.Errorf("broker %s is not an advertised listener of the kafka service (%s)", b, adv)
		}
	}
	if !strings.Contains(kafkaEnv["KAFKA_PROCESS_ROLES"].(string), "controller") {
		t.Error("kafka is not in KRaft mode (process.roles without controller)")
	}
	if img := dig(t, compose, "services", "kafka", "image").(string); !strings.HasPrefix(img, "apache/kafka:") {
		t.Errorf("kafka image %s is not the official apache/kafka", img)
	}

	// Prometheus scrapes the admin port on /metrics and loads the alert rules.
	prom := yamlDoc(t, "prometheus/prometheus.yml")
	job := dig(t, prom, "scrape_configs", 0)
	if got := dig(t, job, "metrics_path"); got != admin.PathMetrics {
		t.Errorf("metrics_path = %v, want %s", got, admin.PathMetrics)
	}
	if got := dig(t, job, "static_configs", 0, "targets", 0); got != "newsevents:"+adminPort {
		t.Errorf("scrape target = %v, want newsevents:%s", got, adminPort)
	}
	var promMounts []string
	for _, v := range dig(t, compose, "services", "prometheus", "volumes").([]any) {
		promMounts = append(promMounts, v.(string))
	}
	for _, rf := range dig(t, prom, "rule_files").([]any) {
		if !slices.Contains(promMounts, "./prometheus/alerts.yml:"+rf.(string)+":ro") {
			t.Errorf("rule file %v is not mounted from prometheus/alerts.yml", rf)
		}
	}
	// Grafana: the dashboard provider reads where the dashboards are mounted,
	// and the dashboard's datasource uid is the provisioned one.
	var grafMounts []string
	for _, v := range dig(t, compose, "services", "grafana", "volumes").([]any) {
		grafMounts = append(grafMounts, v.(string))
	}
	dashDir := dig(t, yamlDoc(t, "grafana/provisioning/dashboards/newsevents.yml"), "providers", 0, "options", "path").(string)
	if !slices.Contains(grafMounts, "./grafana/dashboards:"+dashDir+":ro") {
		t.Errorf("grafana volumes %q do not mount the dashboards at %s", grafMounts, dashDir)
	}
	dsUID := dig(t, yamlDoc(t, "grafana/provisioning/datasources/prometheus.yml"), "datasources", 0, "uid")
	for _, p := range dashboard(t).Panels {
		if p.Datasource != nil && p.Datasource.UID != dsUID {
			t.Errorf("panel %q uses datasource %q, want %v", p.Title, p.Datasource.UID, dsUID)
		}
	}
	// Each service file path exists.
	for _, ms := range [][]string{mounts, promMounts, grafMounts} {
		for _, m := range ms {
			if src, _, ok := strings.Cut(m, ":"); ok && strings.HasPrefix(src, "./") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("mount source %s: %v", src, err)
				}
			}
		}
	}
}

// k8sDocs returns the manifests of deployments/k8s by kind/name.
func k8sDocs(t *testing.T) map[string]map[string]any {
	t.Helper()
	kust := yamlDoc(t, "k8s/kustomization.yaml")
	out := map[string]map[string]any{}
	for _, r := range dig(t, kust, "resources").([]any) {
		for _, d := range yamlDocs(t, filepath.Join("k8s", r.(string))) {
			out[d["kind"].(string)+"/"+dig(t, d, "metadata", "name").(string)] = d
		}
	}
	return out
}

func TestKubernetesMatchesBinaryAndConfig(t *testing.T) {
	docs := k8sDocs(t)
	sts, ok := docs["StatefulSet/newsevents"]
	if !ok {
		t.Fatalf("no StatefulSet/newsevents in %v", keys(docs))
	}
	kust := yamlDoc(t, "k8s/kustomization.yaml")
	for _, f := range dig(t, kust, "configMapGenerator", 0, "files").([]any) {
		if _, err := os.Stat(filepath.Join("k8s", f.(string))); err != nil {
			t.Errorf("configMapGenerator file: %v", err)
		}
	}
	t.Setenv("KAFKA_USERNAME", "u")
	t.Setenv("KAFKA_PASSWORD", "p")
	cfg, err := config.Load("k8s/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	adminPort := port(t, cfg.Admin.Addr)

	c := dig(t, sts, "spec", "template", "spec", "containers", 0)
	var args []string
	for _, a := range dig(t, c, "args").([]any) {
		args = append(args, a.(string))
	}
	env := map[string]map[string]any{}
	for _, e := range dig(t, c, "env").([]any) {
		em := e.(map[string]any)
		env[em["name"].(string)] = em
	}
	// --shard i/N from the pod ordinal and the replica count; shards are
	// numbered from 1, so are the pods.
	shard, _ := flagValue(args, "shard")
	if shard != "$(POD_INDEX)/$(SHARDS)" {
		t.Errorf("--shard %q, want $(POD_INDEX)/$(SHARDS)", shard)
	}
	if got := toString(dig(t, sts, "spec", "ordinals", "start")); got != "1" {
		t.Errorf("ordinals.start = %s, want 1: shards are numbered from 1", got)
	}
	for _, pod := range []string{"1", env["SHARDS"]["value"].(string)} {
		if _, _, err := config.ParseShard(pod + "/" + env["SHARDS"]["value"].(string)); err != nil {
			t.Errorf("pod %s: %v", pod, err)
		}
	}
	if cfg.Shard != "" {
		t.Errorf("k8s/config.yaml sets shard %q: every pod would poll the same share", cfg.Shard)
	}
	if got := dig(t, env["POD_INDEX"], "valueFrom", "fieldRef", "fieldPath"); got != "metadata.labels['apps.kubernetes.io/pod-index']" {
		t.Errorf("POD_INDEX from %v", got)
	}
	if got, want := env["SHARDS"]["value"], dig(t, sts, "spec", "replicas"); got != strings.TrimSpace(strings.Trim(toString(want), `"`)) {
		t.Errorf("SHARDS = %v, replicas = %v: they must be equal", got, want)
	}
	// The Secret's keys are the ones the env refers to, and the config names those env vars.
	secret := docs["Secret/newsevents-kafka"]
	for _, name := range []string{cfg.Kafka.SASL.UsernameEnv, cfg.Kafka.SASL.PasswordEnv} {
		ref := dig(t, env[name], "valueFrom", "secretKeyRef").(map[string]any)
		if ref["name"] != "newsevents-kafka" {
			t.Errorf("%s from secret %v", name, ref["name"])
		}
		if _, ok := dig(t, secret, "stringData").(map[string]any)[ref["key"].(string)]; !ok {
			t.Errorf("%s: secret newsevents-kafka has no key %v", name, ref["key"])
		}
	}
	// Port and probes.
	if got := toString(dig(t, c, "ports", 0, "containerPort")); got != adminPort {
		t.Errorf("containerPort %s, admin.addr port %s", got, adminPort)
	}
	portName := dig(t, c, "ports", 0, "name")
	probes := []struct{ probe, path string }{
		{"livenessProbe", admin.PathHealthz},
		{"readinessProbe", admin.PathReadyz},
		{"startupProbe", admin.PathHealthz},
	}
	for _, p := range probes {
		if got := dig(t, c, p.probe, "httpGet", "path"); got != p.path {
			t.Errorf("%s path %v, want %s", p.probe, got, p.path)
		}
		if got := dig(t, c, p.probe, "httpGet", "port"); got != portName {
			t.Errorf("%s port %v, want %v", p.probe, got, portName)
		}
	}
	for _, k := range []string{"requests", "limits"} {
		r := dig(t, c, "resources", k).(map[string]any)
		if r["cpu"] == nil || r["memory"] == nil {
			t.Errorf("resources.%s = %v, want cpu and memory", k, r)
		}
	}
	// Mounts: the config where --config reads it, the claim under state_dir.
	cfgPath, _ := flagValue(args, "config")
	mounts := map[string]string{}
	for _, m := range dig(t, c, "volumeMounts").([]any) {
		mm := m.(map[string]any)
		mounts[mm["name"].(string)] = mm["mountPath"].(string)
	}
	if mounts["config"]+"/config.yaml" != cfgPath {
		t.Errorf("config mounted at %s, --config %s", mounts["config"], cfgPath)
	}
	if got := dig(t, sts, "spec", "volumeClaimTemplates", 0, "metadata", "name"); !strings.HasPrefix(cfg.StateDir+"/", mounts[got.(string)]+"/") {
		t.Errorf("claim %v mounted at %q, state_dir %s is not on it", got, mounts[got.(string)], cfg.StateDir)
	}
	if got := dig(t, sts, "spec", "template", "spec", "volumes", 0, "configMap", "name"); got != dig(t, kust, "configMapGenerator", 0, "name") {
		t.Errorf("config volume from ConfigMap %v, generator makes %v", got, dig(t, kust, "configMapGenerator", 0, "name"))
	}
	// Services reach the admin port by name, select the pods, and the metrics
	// service says where to scrape.
	podLabels := dig(t, sts, "spec", "template", "metadata", "labels").(map[string]any)
	for _, name := range []string{"Service/newsevents-headless", "Service/newsevents-metrics"} {
		svc, ok := docs[name]
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if got := dig(t, svc, "spec", "ports", 0, "targetPort"); got != portName {
			t.Errorf("%s targetPort %v, want %v", name, got, portName)
		}
		for k, v := range dig(t, svc, "spec", "selector").(map[string]any) {
			if podLabels[k] != v {
				t.Errorf("%s selects %s=%v, pods have %v", name, k, v, podLabels[k])
			}
		}
	}
	ann := dig(t, docs["Service/newsevents-metrics"], "metadata", "annotations").(map[string]any)
	if ann["prometheus.io/port"] != adminPort || ann["prometheus.io/path"] != admin.PathMetrics {
		t.Errorf("scrape annotations %v, want port %s path %s", ann, adminPort, admin.PathMetrics)
	}
	if got := dig(t, sts, "spec", "serviceName"); docs["Service/"+got.(string)] == nil {
		t.Errorf("serviceName %v is not a Service of the kustomization", got)
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	cfg, err := config.Load("config.compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"CGO_ENABLED=0",
		"-X github.com/newsevents/newsevents/internal/buildinfo.Version=${VERSION}",
		"ARG VERSION",
		"USER 65532:65532",
		"FROM gcr.io/distroless/static",
		"EXPOSE " + port(t, cfg.Admin.Addr),
		// The default state_dir is relative: in the image it lands on the volume.
		"WORKDIR /var/lib/newsevents",
		`VOLUME ["/var/lib/newsevents"]`,
		"./cmd/newsevents",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if n := strings.Count(s, "\nFROM "); n < 2 {
		t.Errorf("%d FROM lines, want a multi-stage build", n)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
