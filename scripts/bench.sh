#!/usr/bin/env bash
# Measures confide against the reference age CLI and the X25519 limit, as
# docs/PERFORMANCE.md describes. Slow (a few minutes); not part of CI.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/bench.sh [--quick] [--keep] [--memory]

Builds confide in release mode and measures, side by side with hyperfine:

  startup   confide --version and confide list vs age --version
  take      confide take --answers A --to R --out F --no-save vs age -r R on the
            same plaintext bytes (on disk, and on tmpfs where /dev/shm is one)
  report    confide report DIR --format csv over 10,000 generated intakes vs the
            X25519 lower bound (openssl speed ecdhx25519) and a shell loop of age -d;
            peak memory with /usr/bin/time -v
  history   confide history over 1,000 sessions vs over 1 session (one scrypt)
  memory    peak memory of confide report over 100,000 generated intakes in every
            format (text, markdown, json, csv, fhir, html), with /usr/bin/time -v

It prints a Markdown table of times and ratios, with the date, machine and load.

  --quick   small counts and few runs: checks that the script works, not the numbers
  --keep    keep the temporary folder with the generated files
  --memory  only the memory measurement (with --quick: 2,000 intakes)
  --help    this text

Needs hyperfine, age, age-keygen, openssl and /usr/bin/time; installs the missing ones
from Debian's packages (apt-get install -y hyperfine age time openssl).
Generated data lives in a temporary folder and is removed at the end.
EOF
}

QUICK=0
KEEP=0
MEMORY_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;
    --memory) MEMORY_ONLY=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  INTAKES=200; SESSIONS=50; RUNS=3; REPORT_RUNS=1; WARMUP=1; SPEED_SECONDS=1
  MEMORY_INTAKES=2000
else
  INTAKES=10000; SESSIONS=1000; RUNS=30; REPORT_RUNS=3; WARMUP=5; SPEED_SECONDS=3
  MEMORY_INTAKES=100000
fi
MEMORY_LIMIT_MB=50

cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '==> %s\n' "$*" >&2; }

# --- tools --------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v age >/dev/null 2>&1 || missing+=(age)
command -v age-keygen >/dev/null 2>&1 || missing+=(age)
[ -x /usr/bin/time ] || missing+=(time)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- build --------------------------------------------------------------------------
step "building release"
cargo build --release --quiet --bin confide --example gen_intakes
# Where cargo put them: CARGO_TARGET_DIR or a configured target-dir moves the build.
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
CONFIDE="$TARGET_DIR/release/confide"
GEN="$TARGET_DIR/release/examples/gen_intakes"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/confide-bench.XXXXXX")
SHM=""
cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  if [ -n "$SHM" ]; then rm -rf "$SHM"; fi
}
trap cleanup EXIT

# A private home: no real data folder, config or passphrase is touched.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_DATA_HOME="$WORK/home/data"
unset CONFIDE_DATA_DIR CONFIDE_PASSPHRASE CONFIDE_PASSPHRASE_FILE CONFIDE_LANG
mkdir -p "$HOME"
cd "$WORK"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# mean seconds of command N (0-based) in a hyperfine JSON export
mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }
stddev() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["stddev"] or 0)' "$1" "$2"; }
calc() { python3 -c "print(format($1, '$2'))"; }
ms() { calc "$1 * 1000" ".2f"; }

hf() { hyperfine --style none --shell=none "$@" >/dev/null 2>"$WORK/hyperfine.err" || { cat "$WORK/hyperfine.err" >&2; exit 1; }; }

age-keygen -o key.txt 2>/dev/null
RECIPIENT=$(age-keygen -y key.txt)

# --- memory -------------------------------------------------------------------------
# Peak resident memory of report in every format over many intakes: the summary by
# reference must not keep a structure per session. Prints a table; fails over the limit.
memory_bench() {
  step "memory: generating $MEMORY_INTAKES intakes"
  age-keygen -o mem-key.txt 2>/dev/null
  "$GEN" --to "$(age-keygen -y mem-key.txt)" --count "$MEMORY_INTAKES" --out mem-intakes 2>/dev/null
  echo
  echo "| \`report --format F\`, $MEMORY_INTAKES intakes | peak memory | output | wall time | target |"
  echo "|---|---|---|---|---|"
  local over=0 format rss bytes wall
  for format in csv text markdown json fhir html; do
    step "memory: report --format $format"
    /usr/bin/time -v "$CONFIDE" report mem-intakes -i mem-key.txt --format "$format" \
      2>mem-time.txt | wc -c >mem-bytes.txt || true
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' mem-time.txt)
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' mem-time.txt)
    bytes=$(cat mem-bytes.txt)
    echo "| $format | $(calc "$rss / 1024" ".1f") MiB | $(calc "$bytes / 1048576" ".0f") MiB | $wall | < $MEMORY_LIMIT_MB MB |"
    if [ "$((rss * 1024))" -ge "$((MEMORY_LIMIT_MB * 1000000))" ]; then over=1; fi
  done
  rm -rf mem-intakes
  if [ "$over" = 1 ] && [ "$QUICK" = 0 ]; then
    echo "bench.sh: a report went over $MEMORY_LIMIT_MB MB of peak memory" >&2
    exit 1
  fi
}
if [ "$MEMORY_ONLY" = 1 ]; then
  echo
  echo "confide memory, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores"
  memory_bench
  exit 0
fi

# --- startup ------------------------------------------------------------------------
step "startup: confide --version, confide list, age --version"
hf --warmup "$WARMUP" --runs "$((RUNS * 2))" --export-json startup.json \
  "$CONFIDE --version" "$CONFIDE list" "age --version"

# --- take ---------------------------------------------------------------------------
step "take: a whole session to an intake file vs age -r on the same bytes"
ANSWERS="$ROOT/tests/fixtures/profiles/everything-fine.json"
"$CONFIDE" take --answers "$ANSWERS" --to "$RECIPIENT" --out record.age --no-save >/dev/null 2>&1
age -d -i key.txt -o record.json record.age
RECORD_BYTES=$(stat -c %s record.json)
take_bench() { # folder, json
  hf --warmup "$WARMUP" --runs "$RUNS" --export-json "$2" \
    --prepare "rm -f $1/take.age $1/age.age" \
    "$CONFIDE take --answers $ANSWERS --to $RECIPIENT --out $1/take.age --no-save" \
    "age -r $RECIPIENT -o $1/age.age $WORK/record.json"
}
take_bench "$WORK" take-disk.json
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
  SHM=$(mktemp -d /dev/shm/confide-bench.XXXXXX)
  take_bench "$SHM" take-tmpfs.json
fi

# --- report -------------------------------------------------------------------------
step "report: generating $INTAKES intakes"
"$GEN" --to "$RECIPIENT" --count "$INTAKES" --out intakes 2>/dev/null
CORES=$(nproc)
step "report: openssl speed ecdhx25519"
X25519_OPS=$(openssl speed -seconds "$SPEED_SECONDS" ecdhx25519 2>/dev/null | awk '/X25519/ {v=$NF} END {print v}')
LOWER=$(calc "$INTAKES / $X25519_OPS / $CORES" ".6f")
step "report: confide report vs a shell loop of age -d"
hyperfine --style none --warmup 1 --runs "$REPORT_RUNS" --export-json report.json \
  -n "confide report --format csv" "$CONFIDE report intakes -i key.txt --format csv" \
  -n "age -d loop" "for f in intakes/*.age; do age -d -i key.txt \"\$f\"; done" \
  >/dev/null 2>"$WORK/hyperfine.err" || { cat "$WORK/hyperfine.err" >&2; exit 1; }
/usr/bin/time -v "$CONFIDE" report intakes -i key.txt --format csv 2>report-time.txt >report.csv
REPORT_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' report-time.txt)
REPORT_CPU=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' report-time.txt)
REPORT_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, t, ":"); v=0; for (i=1; i<=n; i++) v=v*60+t[i]; print v}' report-time.txt)
REPORT_ROWS=$(($(wc -l <report.csv) - 1))
[ "$REPORT_ROWS" = "$INTAKES" ] || { echo "report had $REPORT_ROWS rows, expected $INTAKES" >&2; exit 1; }

# --- history ------------------------------------------------------------------------
step "history: $SESSIONS sessions vs 1 (one scrypt)"
export CONFIDE_PASSPHRASE=bench-passphrase-not-secret
"$CONFIDE" --data-dir vault keys init >/dev/null 2>&1
"$GEN" --sessions --to "$(cat vault/recipient.txt)" --count "$SESSIONS" --out vault/sessions 2>/dev/null
mkdir -p vault1/sessions
cp vault/identity.age vault/recipient.txt vault1/
cp "$(find vault/sessions -name '*.age' | sort | head -1)" vault1/sessions/
chmod 700 vault1 vault1/sessions
hf --warmup 1 --runs "$((RUNS / 3 > 2 ? RUNS / 3 : 2))" --export-json history.json \
  "$CONFIDE --data-dir vault1 history" "$CONFIDE --data-dir vault history"
/usr/bin/time -v "$CONFIDE" --data-dir vault history 2>history-time.txt >/dev/null
HISTORY_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' history-time.txt)
unset CONFIDE_PASSPHRASE

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- table --------------------------------------------------------------------------
V=$(mean startup.json 0); L=$(mean startup.json 1); A=$(mean startup.json 2)
TD=$(mean take-disk.json 0); AD=$(mean take-disk.json 1)
R=$(mean report.json 0); RL=$(mean report.json 1)
H1=$(mean history.json 0); HN=$(mean history.json 1)
SIZE=$(stat -c %s "$CONFIDE")
SIZE_LIMIT=5000000
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)

cat <<EOF

confide benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD)$( [ "$QUICK" = 1 ] && echo ", --quick (counts too small for the targets)")
machine: $CPU, $CORES cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end
binary: $SIZE bytes ($(calc "$SIZE / 1048576" ".2f") MiB; the limit is $SIZE_LIMIT), stripped: $(file -b "$CONFIDE" 2>/dev/null | grep -o 'stripped\|not stripped' || echo unknown)

| measurement | confide | reference | ratio (confide / reference) | target |
|---|---|---|---|---|
| \`--version\` vs \`age --version\` | $(ms "$V") ms ± $(ms "$(stddev startup.json 0)") | $(ms "$A") ms ± $(ms "$(stddev startup.json 2)") | $(calc "$V / $A" ".2f") | ≤ 1 |
| \`list\` vs \`age --version\` | $(ms "$L") ms ± $(ms "$(stddev startup.json 1)") | $(ms "$A") ms | $(calc "$L / $A" ".2f") | ≤ 1 |
| \`take --answers --to --out --no-save\` vs \`age -r\` ($RECORD_BYTES bytes), on disk | $(ms "$TD") ms ± $(ms "$(stddev take-disk.json 0)") | $(ms "$AD") ms ± $(ms "$(stddev take-disk.json 1)") | $(calc "$TD / $AD" ".2f") | ≤ 2 |
EOF
if [ -f take-tmpfs.json ]; then
  TT=$(mean take-tmpfs.json 0); AT=$(mean take-tmpfs.json 1)
  echo "| the same, on tmpfs (no cost for fsync) | $(ms "$TT") ms ± $(ms "$(stddev take-tmpfs.json 0)") | $(ms "$AT") ms ± $(ms "$(stddev take-tmpfs.json 1)") | $(calc "$TT / $AT" ".2f") | ≤ 2 |"
fi
cat <<EOF
| \`report --format csv\`, $INTAKES intakes, vs X25519 lower bound ($INTAKES × $(calc "1000000 / $X25519_OPS" ".1f") µs / $CORES cores) | $(ms "$R") ms ± $(ms "$(stddev report.json 0)") | $(ms "$LOWER") ms | $(calc "$R / $LOWER" ".2f") | ≤ 2 |
| the same vs a shell loop of \`age -d\` | $(ms "$R") ms | $(ms "$RL") ms | $(calc "$R / $RL" ".3f") | |
| CPU time of one such report (user + sys), per file, vs one X25519 operation | $(calc "$REPORT_CPU * 1000000 / $INTAKES" ".1f") µs | $(calc "1000000 / $X25519_OPS" ".1f") µs | $(calc "$REPORT_CPU * $X25519_OPS / $INTAKES" ".2f") | |
| cores that report kept busy (CPU time / wall time) | $(calc "$REPORT_CPU / $REPORT_WALL" ".2f") of $CORES | | | |
| peak memory of that report | $(calc "$REPORT_RSS_KB / 1024" ".1f") MiB | | | < 50 MiB |
| \`history\`, $SESSIONS sessions vs 1 session (one scrypt) | $(ms "$HN") ms ± $(ms "$(stddev history.json 1)") | $(ms "$H1") ms ± $(ms "$(stddev history.json 0)") | + $(ms "$(calc "$HN - $H1" ".6f")") ms | + < 500 ms |
| peak memory of that history (scrypt, log2 N = 18, needs 256 MiB) | $(calc "$HISTORY_RSS_KB / 1024" ".1f") MiB | | | |

Runs: startup $((RUNS * 2)), take $RUNS, report $REPORT_RUNS, history $((RUNS / 3 > 2 ? RUNS / 3 : 2)) (means ± standard deviation).
X25519: $X25519_OPS operations/s on one core (openssl speed ecdhx25519).
EOF
if [ "$SIZE" -ge "$SIZE_LIMIT" ]; then
  echo "bench.sh: the release binary is $SIZE bytes, over the limit of $SIZE_LIMIT" >&2
  exit 1
fi
memory_bench
