package stdnet

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// KV is a key-value store served over HTTP: GET /k reads a key, PUT /k?v=x writes it.
type KV struct {
	mu   sync.Mutex
	data map[string]string
}

// NewKV returns an empty store.
func NewKV() *KV { return &KV{data: map[string]string{}} }

// ServeHTTP implements http.Handler.
func (kv *KV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path[1:]
	kv.mu.Lock()
	defer kv.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		v, ok := kv.data[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(v)
	case http.MethodPut:
		kv.data[key] = r.URL.Query().Get("v")
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, fmt.Sprintf("method %s not allowed", r.Method), http.StatusMethodNotAllowed)
	}
}
