// Go net/http peer for the brisk benchmark. Standard library only.
// Run with GOMAXPROCS=1 so that it executes Go code on one core, like one brisk worker.
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type message struct {
	Message string `json:"message"`
}

type item struct {
	ItemID int64   `json:"item_id"`
	Q      *string `json:"q"`
}

// The body of POST /items: brisk's Item model. Pointers tell absent (or null) members
// apart; encoding/json refuses members of the wrong JSON type.
type itemIn struct {
	Name   *string  `json:"name"`
	Price  *float64 `json:"price"`
	HasTax *bool    `json:"has_tax"`
	Tags   []string `json:"tags"`
}

// The echoed item, members in the model's order.
type itemOut struct {
	Name   string   `json:"name"`
	Price  float64  `json:"price"`
	HasTax bool     `json:"has_tax"`
	Tags   []string `json:"tags"`
}

type fieldError struct {
	Loc  []string `json:"loc"`
	Msg  string   `json:"msg"`
	Type string   `json:"type"`
}

// validateItem checks the constraints by hand (name at most 100 characters, price >= 0),
// as a net/http service without a validation library does.
func validateItem(in *itemIn) (itemOut, []fieldError) {
	var errs []fieldError
	add := func(field, msg, kind string) {
		errs = append(errs, fieldError{Loc: []string{"body", field}, Msg: msg, Type: kind})
	}
	out := itemOut{Tags: in.Tags}
	if in.Name == nil {
		add("name", "field required", "value_error.missing")
	} else if utf8.RuneCountInString(*in.Name) > 100 {
		add("name", "ensure this value has at most 100 characters", "value_error.any_str.max_length")
	} else {
		out.Name = *in.Name
	}
	if in.Price == nil {
		add("price", "field required", "value_error.missing")
	} else if math.IsNaN(*in.Price) || *in.Price < 0 {
		add("price", "ensure this value is greater than or equal to 0", "value_error.number.not_ge")
	} else {
		out.Price = *in.Price
	}
	if in.HasTax != nil {
		out.HasTax = *in.HasTax
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	return out, errs
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func writeText(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	w.Write([]byte(text))
}

// bearerToken reads "Authorization: Bearer <token>" by hand, as a net/http service without
// a security library does: split at the first space, the scheme in any case, a token.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

type me struct {
	User string `json:"user"`
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to bind")
	port := flag.Int("port", 8080, "port to bind")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, 200, "Hello, World!")
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, message{Message: "Hello, World!"})
	})
	mux.HandleFunc("/items/", func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/items/")
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			writeJSON(w, 422, map[string]string{"detail": "item_id must be an integer"})
			return
		}
		it := item{ItemID: id}
		if qs := r.URL.Query(); qs.Has("q") {
			q := qs.Get("q")
			it.Q = &q
		}
		writeJSON(w, 200, it)
	})
	mux.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, 405, map[string]string{"detail": "Method Not Allowed"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			writeJSON(w, 413, map[string]string{"detail": "Payload Too Large"})
			return
		}
		var in itemIn
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, 422, map[string]string{"detail": err.Error()})
			return
		}
		out, errs := validateItem(&in)
		if errs != nil {
			writeJSON(w, 422, map[string][]fieldError{"detail": errs})
			return
		}
		writeJSON(w, 200, out)
	})
	mux.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		ms := int64(100)
		if s := r.URL.Query().Get("ms"); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 {
				writeJSON(w, 422, map[string]string{"detail": "ms must be a non-negative integer"})
				return
			}
			ms = v
		}
		// Parks only this goroutine; the runtime keeps serving other connections.
		time.Sleep(time.Duration(ms) * time.Millisecond)
		writeText(w, 200, "ok")
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		user, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSON(w, 401, map[string]string{"detail": "Not authenticated"})
			return
		}
		writeJSON(w, 200, me{User: user})
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, 200, "ok")
	})

	addr := *host + ":" + strconv.Itoa(*port)
	srv := &http.Server{Addr: addr, Handler: mux}
	log.Fatal(srv.ListenAndServe())
}
