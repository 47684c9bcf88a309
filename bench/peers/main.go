// Go net/http peer for the brisk benchmark. Standard library only.
// Run with GOMAXPROCS=1 so that it executes Go code on one core, like one brisk worker.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type message struct {
	Message string `json:"message"`
}

type item struct {
	ItemID int64   `json:"item_id"`
	Q      *string `json:"q"`
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
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, 200, "ok")
	})

	addr := *host + ":" + strconv.Itoa(*port)
	srv := &http.Server{Addr: addr, Handler: mux}
	log.Fatal(srv.ListenAndServe())
}
