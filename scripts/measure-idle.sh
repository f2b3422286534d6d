#!/usr/bin/env bash
# Measures the window when nothing changes: CPU of the whole station
# process (Go, Mesa's software GL under Xvfb, X11) over SECONDS, and its RSS.
#
#   scripts/measure-idle.sh [SECONDS] [VIEW]   (default 60 and screens; needs `make build`, Xvfb)
#
# "Nothing changing" is the demo project, without its alarms, with its
# device pointed at a loopback port where nothing listens: every tag is bad
# from the start and stays so, the L1 overview shows its elements hatched, and the only events
# are a connection refused every backoff (at most 30 s). A live plant is not
# idle: the demo's flow and vibration are noisy, and the device's own
# _System tags (scan time) change every poll. What remains is the clock and
# whatever the window does on its own; VIEW may be tags or trend to measure
# those tabs (the tag table's ages and the backoff countdown change every
# second there, by design).
#
# SIGHTGLASS_BIN overrides the binary (default bin/sightglass).
set -euo pipefail
secs=${1:-60}
view=${2:-screens}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SIGHTGLASS_BIN:-$top/bin/sightglass}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp -r "$top/assets/demo" "$work/project"
sed -i "s/127\.0\.0\.1:5020/127.0.0.1:$port/" "$work/project/project.yaml"
# Without its alarms: the lost device would raise one, and an unacknowledged
# alarm flashes in the banner (a change, twice a second, by design).
python3 - "$work/project/project.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
open(p, "w").write(re.sub(r"(?ms)^alarms:.*?(?=^\S|\Z)", "", s))
PY

exec 3<> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
display=:$(head -n1 "$work/display")
# An admin exists, so the window opens on the process, not on the first-admin dialog.
printf 'measure password 1\nmeasure password 1\n' | "$bin" users add admin --role admin --data "$work/data" >/dev/null
DISPLAY=$display "$bin" run --project "$work/project" --data "$work/data" --no-history --open "$view" >"$work/run.log" 2>&1 &
pid=$!
sleep 10 # the window is up, the first connection refused, the screen built
hz=$(getconf CLK_TCK)
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat); w0=$(date +%s.%N)
sleep "$secs"
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat); w1=$(date +%s.%N)
python3 - "$u0" "$s0" "$u1" "$s1" "$w0" "$w1" "$hz" "$view" "$(nproc)" <<'PY'
import sys
u0, s0, u1, s1 = map(int, sys.argv[1:5]); w = float(sys.argv[6]) - float(sys.argv[5]); hz = int(sys.argv[7])
pct = lambda t: 100 * t / hz / w
print(f"idle, {sys.argv[8]} view, {sys.argv[9]} cores, {w:.0f} s: {pct(u1-u0+s1-s0):.2f} % of one core "
      f"(user {pct(u1-u0):.2f}, system {pct(s1-s0):.2f})", end="; ")
PY
grep VmRSS /proc/$pid/status | tr -s ' \t' ' '
