#!/usr/bin/env bash
# Measures microcred serve (the VC-API service) on this machine with
# cmd/vcapiload: builds the CLI, starts the service on 127.0.0.1 and a free
# port over plain HTTP (the service, not TLS, is measured) with a SQLite
# store in a temporary directory, then runs two bounded loads:
#
#   verify  POST /credentials/verify, the OB 3.0 credential signed by the CLI,
#           as fast as the connections allow, then paced at VERIFY_RATE/s
#           (latency from when each request was due: the p99 target's form,
#           since at 64 closed-loop connections latency is 64/throughput)
#   issue   POST /issuers/bsl/credentials/issue, an issuer with a status list,
#           so that every request allocates a status index from the store;
#           each request has its own credential id ({{seq}}, -unique)
#
# and prints requests/s, latency, errors, the server's CPU and RSS. The
# server is stopped and the directory removed on exit. Loopback only; each
# load stops at its count or its duration, whichever comes first.
#
# Environment (defaults are the figures the VC-API issue sets):
#   C=64 VERIFY_N=60000 VERIFY_WARMUP=2000 VERIFY_RATE=3000 ISSUE_N=40000
#   ISSUE_WARMUP=0 D=30s (VERIFY_RATE=0 skips the paced run)
#   LOG_LEVEL=info the server's --log-level (info logs every request)
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
VERIFY_RATE=${VERIFY_RATE:-3000}
ISSUE_N=${ISSUE_N:-40000}
ISSUE_WARMUP=${ISSUE_WARMUP:-0}
LOG_LEVEL=${LOG_LEVEL:-info}

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
# the key's DID as issuer and a per-request id, for issue. CREDENTIAL is the
# 1EdTech OB 3.0 test vector by default (1 KB, the "ob3" credential of the
# library's benchmarks); CREDENTIAL=testdata/ob3-credential.json is a fuller
# badge (2.8 KB: achievement criteria, alignment, evidence).
CREDENTIAL=${CREDENTIAL:-$root/testdata/vectors/ob3/ldp-test-vector-ob/credential.json}
"$mc" sign --key "$tmp/ed.json" --set-issuer "$CREDENTIAL" >"$tmp/signed.json"
jq -c '{verifiableCredential: .}' "$tmp/signed.json" >"$tmp/verify-body.json"
jq -c --arg did "$did" '{credential: ((if (.issuer|type) == "object" then .issuer.id = $did else .issuer = $did end) | .id = "urn:uuid:2f8a6f1e-6d2b-4a53-9b0e-{{seq}}")}' \
  "$CREDENTIAL" >"$tmp/issue-body.json"

echo "== starting microcred serve on $base (store $tmp/state.db, $(df -PT "$tmp" | awk 'NR==2 {print $2}'))"
"$mc" serve --config "$tmp/serve.json" --log-level "$LOG_LEVEL" >"$tmp/serve.log" 2>&1 &
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

# One request of each kind, looked at: a 200 or 201 alone would not show
# that the credential verified or that the issued one has a status entry.
if command -v curl >/dev/null; then
  post() { curl -sS -H 'Content-Type: application/json' --data-binary @- "$base$1"; }
  post /credentials/verify <"$tmp/verify-body.json" | jq -e '.verified == true' >/dev/null ||
    { echo "load: the signed credential does not verify" >&2; exit 1; }
  sed 's/{{seq}}/ffffffffffff/' "$tmp/issue-body.json" | post /issuers/bsl/credentials/issue |
    jq -e '.verifiableCredential.credentialStatus.statusListIndex' >/dev/null ||
    { echo "load: the issued credential has no status entry" >&2; exit 1; }
  echo "   checked: the credential verifies; an issued one has a status entry"
fi

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# This shell's waited-for children (vcapiload), and the whole machine's busy
# time: what is left is other work on the machine, which the figures share
# the CPUs with.
child_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }
busy_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
mem_kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server/status"; }

failed=0
# run NAME EXPECT ARGS...: one load, its JSON kept, a summary line appended.
run() {
  local name=$1 expect=$2; shift 2
  echo
  echo "== $name: vcapiload -c $C -d $D $*"
  local t0 t1 g0 g1 b0 b1 w0 w1 rc=0
  t0=$(cpu_ticks); g0=$(child_ticks); b0=$(busy_ticks); w0=$(date +%s.%N)
  "$load" -c "$C" -d "$D" -expect "$expect" -json "$@" >"$tmp/$name.json" || rc=$?
  t1=$(cpu_ticks); g1=$(child_ticks); b1=$(busy_ticks); w1=$(date +%s.%N)
  if [ $rc -gt 1 ]; then echo "load: vcapiload failed (exit $rc)" >&2; exit 1; fi
  [ $rc = 0 ] || failed=1
  jq -r '"requests \(.requests) in \(.elapsed_s*100|round/100) s (stopped by \(.stopped_by)), \(.requests_per_s|round)/s, ok \(.ok_per_s|round)/s",
         "errors   \(.errors) \(.errors_by)",
         (.error_samples // [] | .[] | "         \(.)"),
         "latency  p50 \(.latency_ms.p50) ms, p90 \(.latency_ms.p90) ms, p99 \(.latency_ms.p99) ms, max \(.latency_ms.max) ms",
         "conns    \(.connections_opened) opened for \(.connections)"' "$tmp/$name.json"
  # The server's CPU time over the whole vcapiload run (warmup included)
  # divided by its wall time; RSS now and the peak so far (VmHWM).
  local cores gen other rss hwm percore
  cores() { awk -v t="$1" -v hz="$clk" -v a="$w0" -v b="$w1" 'BEGIN {printf "%.2f", t / hz / (b - a)}'; }
  cores=$(cores $((t1 - t0))); gen=$(cores $((g1 - g0)))
  other=$(cores $((b1 - b0 - (t1 - t0) - (g1 - g0))))
  rss=$(mem_kb VmRSS); hwm=$(mem_kb VmHWM)
  echo "cpu      server $cores cores, vcapiload $gen, other work on the machine $other (of $(nproc))"
  # Throughput per core the server used: the figure that survives other
  # work on the machine (measure on a quiet one for the others).
  percore=$(jq --arg c "$cores" '.ok_per_s / ($c | tonumber) | round' "$tmp/$name.json")
  echo "         $percore ok requests/s per server core"
  echo "memory   server RSS $((rss / 1024)) MB, peak $((hwm / 1024)) MB"
  jq -r --arg name "$name" --arg cores "$cores" --arg other "$other" --arg percore "$percore" --arg rss "$((rss / 1024))" --arg hwm "$((hwm / 1024))" \
    '"\($name)\t\(.ok_per_s|round)/s\tp50 \(.latency_ms.p50) ms\tp99 \(.latency_ms.p99) ms\terrors \(.errors)\tserver \($cores) cores (\($percore)/s per core), RSS \($rss) MB (peak \($hwm) MB)\tother work \($other) cores"' \
    "$tmp/$name.json" >>"$tmp/summary.tsv"
}

run verify 200 -url "$base/credentials/verify" -body "$tmp/verify-body.json" \
  -n "$VERIFY_N" -warmup "$VERIFY_WARMUP"
if [ "$VERIFY_RATE" != 0 ]; then
  run verify-paced 200 -url "$base/credentials/verify" -body "$tmp/verify-body.json" \
    -n "$VERIFY_N" -warmup "$VERIFY_WARMUP" -rate "$VERIFY_RATE"
fi
run issue 201 -url "$base/issuers/bsl/credentials/issue" -body "$tmp/issue-body.json" \
  -n "$ISSUE_N" -warmup "$ISSUE_WARMUP" -unique -seq-format %012d

stop_server
if [ -n "${LOAD_OUT:-}" ]; then
  mkdir -p "$LOAD_OUT" && cp "$tmp"/verify*.json "$tmp/issue.json" "$tmp/summary.tsv" "$LOAD_OUT/"
fi

echo
echo "== summary ($(nproc) CPUs, shared by the server and vcapiload; $(go env GOVERSION))"
column -t -s $'\t' "$tmp/summary.tsv" 2>/dev/null || cat "$tmp/summary.tsv"
verdict() { if [ "$1" = true ]; then echo met; else echo missed; fi; }
v=$(jq '.ok_per_s >= 3000 and .errors == 0' "$tmp/verify.json")
i=$(jq '.ok_per_s >= 2000 and .errors == 0' "$tmp/issue.json")
echo "targets: verify >= 3000/s: $(verdict "$v"); issue >= 2000/s: $(verdict "$i")"
if [ -f "$tmp/verify-paced.json" ]; then
  p=$(jq '.ok_per_s >= 0.95 * .rate and .latency_ms.p99 <= 20 and .errors == 0' "$tmp/verify-paced.json")
  echo "         verify p99 <= 20 ms when offered $VERIFY_RATE/s over $C connections: $(verdict "$p")"
fi
exit $failed
