// Package admin is the HTTP listener operators and orchestrators talk to:
//
//	GET      /metrics   Prometheus metrics (the registry of internal/metrics)
//	GET      /healthz   200 "ok" while the process serves HTTP (liveness)
//	GET      /readyz    200 when every readiness check passes and the process
//	                    is not shutting down, 503 otherwise; one line per check
//	GET/PUT  /loglevel  the zap level: GET -> {"level":"info"};
//	                    PUT {"level":"debug"} (or level=debug as a form) changes it
//
// It is off unless an address is configured (admin.addr).
package admin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Routes served, for docs and manifests (the deployments tests check the
// probes in the Kubernetes manifests against these).
const (
	PathMetrics  = "/metrics"
	PathHealthz  = "/healthz"
	PathReadyz   = "/readyz"
	PathLogLevel = "/loglevel"
)

// Check is one readiness condition.
type Check struct {
	// Name is shown in the /readyz body, e.g. "broker".
	Name string
	// Func returns nil when the condition holds. It gets a context with
	// Options.CheckTimeout.
	Func func(ctx context.Context) error
}

// Options configure a Server.
type Options struct {
	// Addr is host:port to listen on, e.g. "127.0.0.1:9090" or ":9090".
	Addr string
	// Gatherer is served on /metrics (e.g. (*metrics.Metrics).Registry()).
	// Nil: /metrics answers 404.
	Gatherer prometheus.Gatherer
	// Level is the logger's level, read and changed on /loglevel. Nil:
	// /loglevel answers 404.
	Level *zap.AtomicLevel
	// Checks are run, in order, on every /readyz request.
	Checks []Check
	// CheckTimeout bounds each check (default 2s).
	CheckTimeout time.Duration
	// Stopping, once closed, makes /readyz fail ("shutting down") while
	// /metrics and /healthz keep answering: pass the signal context's
	// Done() and keep Run going until the pipeline has drained. Nil: only
	// ShuttingDown and the end of Run do that.
	Stopping <-chan struct{}
	Logger   *zap.Logger
}

// Server is the admin listener. Listen (in New) and serve (Run) are split so
// a busy port fails at start-up.
type Server struct {
	opts     Options
	ln       net.Listener
	srv      *http.Server
	shutting atomic.Bool
	log      *zap.Logger
}

// New listens on opts.Addr. Call Run to serve.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	s := &Server{opts: opts, ln: ln, log: opts.Logger}
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          zap.NewStdLog(opts.Logger),
	}
	return s, nil
}

// Addr is the address the server listens on (with the real port when
// Options.Addr asked for port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Handler returns the routes, for tests and for mounting elsewhere.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	if s.opts.Gatherer != nil {
		mux.Handle("GET "+PathMetrics, promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{
			ErrorLog:          zap.NewStdLog(s.log),
			ErrorHandling:     promhttp.ContinueOnError,
			EnableOpenMetrics: true,
		}))
	}
	mux.HandleFunc("GET "+PathHealthz, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET "+PathReadyz, s.readyz)
	if s.opts.Level != nil {
		// zap.AtomicLevel serves GET and PUT itself, JSON or form encoded.
		mux.Handle(PathLogLevel, s.logLevel(*s.opts.Level))
	}
	mux.HandleFunc("GET /{$}", s.index)
	return mux
}

// logLevel wraps zap's handler to log who changed the level.
func (s *Server) logLevel(lvl zap.AtomicLevel) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		before := lvl.Level()
		lvl.ServeHTTP(w, r)
		if after := lvl.Level(); after != before {
			s.log.Warn("log level changed", zap.Stringer("from", before), zap.Stringer("to", after), zap.String("remote_addr", r.RemoteAddr))
		}
	})
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "newsevents admin")
	for _, p := range []string{PathMetrics, PathHealthz, PathReadyz, PathLogLevel} {
		fmt.Fprintln(w, "  "+p)
	}
}

// errShuttingDown is the /readyz cause once ShuttingDown was called.
var errShuttingDown = errors.New("shutting down")

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	ready := true
	if s.stopping() {
		ready = false
		fmt.Fprintf(&b, "fail shutdown: %v\n", errShuttingDown)
	}
	for _, c := range s.opts.Checks {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.CheckTimeout)
		err := c.Func(ctx)
		cancel()
		if err != nil {
			ready = false
			fmt.Fprintf(&b, "fail %s: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(&b, "ok   %s\n", c.Name)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprint(w, b.String())
}

func (s *Server) stopping() bool {
	if s.shutting.Load() {
		return true
	}
	select {
	case <-s.opts.Stopping:
		return true
	default:
		return false
	}
}

// ShuttingDown makes /readyz fail from now on, so load balancers and
// orchestrators stop counting on this process while it drains. /metrics and
// /healthz keep answering until Run returns.
func (s *Server) ShuttingDown() { s.shutting.Store(true) }

// Run serves until ctx ends, then shuts the server down, giving open
// requests up to 5 s. It returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context) error {
	s.log.Info("admin listening", zap.String("addr", s.Addr()),
		zap.Strings("paths", []string{PathMetrics, PathHealthz, PathReadyz, PathLogLevel}))
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("admin: %w", err)
	case <-ctx.Done():
	}
	s.ShuttingDown()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// Close releases the listener of a server whose Run was never called.
func (s *Server) Close() error {
	err := s.ln.Close()
	_ = s.srv.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
