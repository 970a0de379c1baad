#!/usr/bin/env bash
# Measures microcred serve (the VC-API service) on this machine with
# cmd/vcapiload: builds the CLI, starts the service on 127.0.0.1 and a free
# port over plain HTTP (the service, not TLS, is measured) with a SQLite
# store in a temporary directory, then runs two bounded loads:
#
#   verify  POST /credentials/verify, the OB 3.0 credential signed by the CLI
#   issue   POST /issuers/bsl/credentials/issue, an issuer with a status list,
#           so that every request allocates a status index from the store;
#           each request has its own credential id ({{seq}}, -unique)
#
# and prints requests/s, latency, errors, the server's CPU and RSS. The
# server is stopped and the directory removed on exit. Loopback only; each
# load stops at its count or its duration, whichever comes first.
#
# Environment (defaults are the figures the VC-API issue sets):
#   C=64 VERIFY_N=60000 VERIFY_WARMUP=2000 ISSUE_N=40000 ISSUE_WARMUP=0 D=30s
#   LOAD_OUT=DIR   also keep the JSON results and the server log there
#   TMPDIR         where the store lives (its file system matters for issue)
#
# Exit status: 0 when every measured request got the expected status (the
# targets are reported, not enforced), 1 otherwise or when setup fails.
set -euo pipefail
cd "$(dirname "$0")/.."
interop=$PWD
root=$(cd .. && pwd)

C=${C:-64}
D=${D:-30s}
VERIFY_N=${VERIFY_N:-60000}
VERIFY_WARMUP=${VERIFY_WARMUP:-2000}
ISSUE_N=${ISSUE_N:-40000}
ISSUE_WARMUP=${ISSUE_WARMUP:-0}

tmp=$(mktemp -d)
server=
stop_server() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  server=
}
cleanup() {
  stop_server
  if [ -n "${LOAD_OUT:-}" ] && [ -f "$tmp/serve.log" ]; then
    mkdir -p "$LOAD_OUT" && cp "$tmp/serve.log" "$LOAD_OUT/"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in go jq; do
  command -v "$tool" >/dev/null || { echo "load: $tool is required" >&2; exit 1; }
done

echo "== building microcred and vcapiload"
(cd "$root" && go build -o "$tmp/microcred" ./cmd/microcred)
go build -o "$tmp/vcapiload" ./cmd/vcapiload
mc="$tmp/microcred"
load="$tmp/vcapiload"

# A free port on 127.0.0.1: one nothing answers on (the window until the
# server binds it is short; a collision shows as the server failing to start).
port=
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "load: no free port found" >&2; exit 1; }
base="http://127.0.0.1:$port"

"$mc" key generate --type ed25519 --out "$tmp/ed.json" >/dev/null
did=$(jq -r .did "$tmp/ed.json")

jq -n --arg listen "127.0.0.1:$port" --arg list "$base/status/bsl/1" '{
  listen: $listen,
  store: "state.db",
  auth: {none: true},
  issuers: [
    {name: "ed", key: "ed.json", suite: "eddsa-rdfc-2022"},
    {name: "bsl", key: "ed.json", suite: "eddsa-rdfc-2022",
     statusList: {purpose: "revocation", url: $list}}
  ],
  verifier: {anyIssuer: true}
}' >"$tmp/serve.json"

# Bodies: the OB 3.0 credential signed by the CLI for verify; unsigned, with
# the key's DID as issuer and a per-request id, for issue.
"$mc" sign --key "$tmp/ed.json" --set-issuer testdata/ob3-credential.json >"$tmp/signed.json"
jq -c '{verifiableCredential: .}' "$tmp/signed.json" >"$tmp/verify-body.json"
jq -c --arg did "$did" '{credential: (.issuer.id = $did | .id = "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-{{seq}}")}' \
  testdata/ob3-credential.json >"$tmp/issue-body.json"

echo "== starting microcred serve on $base (store $tmp/state.db, $(df -PT "$tmp" | awk 'NR==2 {print $2}'))"
"$mc" serve --config "$tmp/serve.json" >"$tmp/serve.log" 2>&1 &
server=$!
up=
for _ in $(seq 150); do
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  if "$load" -url "$base/" -method GET -c 1 -n 1 -d 1s -timeout 1s >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
if [ -z "$up" ]; then
  echo "load: microcred serve did not answer GET / within 15 s; its log:" >&2
  tail -n 20 "$tmp/serve.log" >&2
  exit 1
fi

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
mem_kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server/status"; }

failed=0
# run NAME EXPECT ARGS...: one load, its JSON kept, a summary line appended.
run() {
  local name=$1 expect=$2; shift 2
  echo
  echo "== $name: vcapiload -c $C -d $D $*"
  local t0 t1 w0 w1 rc=0
  t0=$(cpu_ticks); w0=$(date +%s.%N)
  "$load" -c "$C" -d "$D" -expect "$expect" -json "$@" >"$tmp/$name.json" || rc=$?
  t1=$(cpu_ticks); w1=$(date +%s.%N)
  if [ $rc -gt 1 ]; then echo "load: vcapiload failed (exit $rc)" >&2; exit 1; fi
  [ $rc = 0 ] || failed=1
  jq -r '"requests \(.requests) in \(.elapsed_s*100|round/100) s (stopped by \(.stopped_by)), \(.requests_per_s|round)/s, ok \(.ok_per_s|round)/s",
         "errors   \(.errors) \(.errors_by)",
         (.error_samples // [] | .[] | "         \(.)"),
         "latency  p50 \(.latency_ms.p50) ms, p90 \(.latency_ms.p90) ms, p99 \(.latency_ms.p99) ms, max \(.latency_ms.max) ms",
         "conns    \(.connections_opened) opened for \(.connections)"' "$tmp/$name.json"
  # The server's CPU time over the whole vcapiload run (warmup included)
  # divided by its wall time; RSS now and the peak so far (VmHWM).
  local cores rss hwm
  cores=$(awk -v t=$((t1 - t0)) -v hz="$clk" -v a="$w0" -v b="$w1" 'BEGIN {printf "%.2f", t / hz / (b - a)}')
  rss=$(mem_kb VmRSS); hwm=$(mem_kb VmHWM)
  echo "server   $cores cores busy, RSS $((rss / 1024)) MB, peak $((hwm / 1024)) MB"
  jq -r --arg name "$name" --arg cores "$cores" --arg rss "$((rss / 1024))" --arg hwm "$((hwm / 1024))" \
    '"\($name)\t\(.ok_per_s|round)/s\tp50 \(.latency_ms.p50) ms\tp99 \(.latency_ms.p99) ms\terrors \(.errors)\tserver \($cores) cores, RSS \($rss) MB (peak \($hwm) MB)"' \
    "$tmp/$name.json" >>"$tmp/summary.tsv"
}

run verify 200 -url "$base/credentials/verify" -body "$tmp/verify-body.json" \
  -n "$VERIFY_N" -warmup "$VERIFY_WARMUP"
run issue 201 -url "$base/issuers/bsl/credentials/issue" -body "$tmp/issue-body.json" \
  -n "$ISSUE_N" -warmup "$ISSUE_WARMUP" -unique -seq-format %012d

stop_server
if [ -n "${LOAD_OUT:-}" ]; then
  mkdir -p "$LOAD_OUT" && cp "$tmp/verify.json" "$tmp/issue.json" "$tmp/summary.tsv" "$LOAD_OUT/"
fi

echo
echo "== summary ($(nproc) CPUs, shared by the server and vcapiload; $(go env GOVERSION))"
column -t -s $'\t' "$tmp/summary.tsv" 2>/dev/null || cat "$tmp/summary.tsv"
verdict() { if [ "$1" = true ]; then echo met; else echo missed; fi; }
v=$(jq '.ok_per_s >= 3000 and .latency_ms.p99 <= 20 and .errors == 0' "$tmp/verify.json")
i=$(jq '.ok_per_s >= 2000 and .errors == 0' "$tmp/issue.json")
echo "targets: verify >= 3000/s with p99 <= 20 ms: $(verdict "$v"); issue >= 2000/s: $(verdict "$i")"
exit $failed
