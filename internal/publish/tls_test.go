package publish

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/newsevents/newsevents/internal/config"
	"github.com/newsevents/newsevents/schema"
)

// testPKI writes a CA, a server certificate for kafka.test and a client
// certificate (PEM) to dir and returns the server's tls.Config, which
// requires a client certificate signed by the CA.
func testPKI(t *testing.T, dir string) *tls.Config {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "newsevents test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, name string, usage x509.ExtKeyUsage, dns []string) tls.Certificate {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name}, DNSNames: dns,
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, _ := x509.MarshalECPrivateKey(key)
		write(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", der)
		write(t, filepath.Join(dir, name+".key"), "EC PRIVATE KEY", keyDER)
		c, err := tls.LoadX509KeyPair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	write(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", caDER)
	server := issue(2, "server", x509.ExtKeyUsageServerAuth, []string{"kafka.test"})
	issue(3, "client", x509.ExtKeyUsageClientAuth, nil)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
}

func write(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTLS publishes and reads through a broker that requires TLS with
// client certificates, configured as in the YAML file: CA file, client
// certificate and key, server name.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	serverTLS := testPKI(t, dir)
	b, err := StartEmbedded("127.0.0.1:0", 1, kfake.TLS(serverTLS))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	good := config.KafkaTLS{CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client.key"), ServerName: "kafka.test"}
	tests := []struct {
		name   string
		give   config.KafkaTLS
		wantOK bool
	}{
		{"ca, client certificate and server name", good, true},
		{"no client certificate", config.KafkaTLS{CAFile: good.CAFile, ServerName: "kafka.test"}, false},
		{"wrong server name", config.KafkaTLS{CAFile: good.CAFile, CertFile: good.CertFile, KeyFile: good.KeyFile, ServerName: "other.test"}, false},
		{"system CAs only", config.KafkaTLS{Enabled: true, CertFile: good.CertFile, KeyFile: good.KeyFile, ServerName: "kafka.test"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cfg := config.Default().Kafka
			cfg.Partitions = 1
			cfg.TLS = tt.give
			opts, err := OptionsFromConfig(cfg, []string{b.Addr()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			short, cancelShort := context.WithTimeout(ctx, 5*time.Second)
			defer cancelShort()
			err = ProvisionTopics(short, opts.Conn(), TopicSpecsFromConfig(cfg), ProvisionOptions{Create: true}, nil)
			if (err == nil) != tt.wantOK {
				t.Fatalf("ProvisionTopics over TLS = %v, want ok=%v", err, tt.wantOK)
			}
			if !tt.wantOK {
				return
			}
			p, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if _, err := p.Publish(ctx, []schema.Event{testEvent(schema.TripCancelled, 1)}); err != nil {
				t.Fatal(err)
			}
			if got := readAll(ctx, t, p.Conn(), p.Topic(schema.TripCancelled)); len(got) != 1 {
				t.Errorf("read %d messages over TLS, want 1", len(got))
			}
		})
	}
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		give config.KafkaTLS
	}{
		{"ca file without a certificate", config.KafkaTLS{CAFile: notPEM}},
		{"ca file missing", config.KafkaTLS{CAFile: filepath.Join(dir, "nope.pem")}},
		{"client key pair unreadable", config.KafkaTLS{CertFile: notPEM, KeyFile: notPEM}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := TLSConfig(tt.give); err == nil {
				t.Error("TLSConfig succeeded, want an error")
			}
		})
	}
}
