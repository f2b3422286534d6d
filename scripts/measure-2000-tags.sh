#!/usr/bin/env bash
# Measures the window with 2,000 tags bound on one screen, all changing at
# 1 Hz: CPU of the whole station process (polling, bus, screen refresh and
# drawing under Xvfb with Mesa's software GL) and its RSS, each minute.
#
#   scripts/measure-2000-tags.sh [MINUTES]     (default 10; needs `make build`, Xvfb, mbpoll)
#
# SIGHTGLASS_BIN overrides the binary (default bin/sightglass).
set -euo pipefail
minutes=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SIGHTGLASS_BIN:-$top/bin/sightglass}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# A project of 2,000 float32 tags on the demo plant's two tank levels (one
# of them moves in every poll: the plant runs in auto), its flow meter and
# its vibration transmitter (noisy while P1 runs), each tag offset by its
# number so that no two show the same text, as in a plant; and one screen
# that shows every one of them as a value element, 40 by 50.
mkdir -p "$work/project/screens"
python3 - "$work/project" "$port" <<'PY'
import sys
d, port = sys.argv[1], sys.argv[2]
tags, els = [], []
for i in range(2000):
    addr, order = [("ir:0", "ABCD"), ("ir:2", "ABCD"), ("ir:6", "ABCD"), ("ir:11", "CDAB")][i % 4]
    # Each tag its own offset, so the screen shows 2,000 different numbers, as a plant would.
    scale = f"{{raw: [0, 1], eng: [{i}, {i+1}]}}"
    tags.append(f"  - {{name: Grid.T{i:04d}, device: plant, address: \"{addr}\", type: float32, order: {order}, scale: {scale}}}")
    r, c = divmod(i, 40)
    els.append(f"  - {{kind: value, tag: Grid.T{i:04d}, x: {c*48}, y: {r*18}, w: 46, h: 16}}")
open(f"{d}/project.yaml", "w").write(
    "station:\n  name: 2000 tags\ndevices:\n  - name: plant\n    driver: modbus-tcp\n"
    f"    address: 127.0.0.1:{port}\n    poll: 1s\ntags:\n" + "\n".join(tags) + "\n")
open(f"{d}/screens/grid.yaml", "w").write(
    "title: Grid\nlevel: 1\nsize: [1920, 900]\nelements:\n" + "\n".join(els) + "\n")
PY

"$bin" sim --listen "127.0.0.1:$port" >"$work/sim.log" 2>&1 &
exec 3<> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
display=:$(head -n1 "$work/display")
for _ in $(seq 100); do # the plant listens
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null && break
  sleep 0.2
done
mbpoll -m tcp -p "$port" -a 1 -t 0 -r 1 -1 127.0.0.1 1 >/dev/null   # start P1: the flow moves
# An admin exists, so the window opens on the process, not on the first-admin dialog.
printf 'measure password 1\nmeasure password 1\n' | "$bin" users add admin --role admin --data "$work/data" >/dev/null
DISPLAY=$display "$bin" run --project "$work/project" --data "$work/data" --no-history >"$work/run.log" 2>&1 &
pid=$!
sleep 10
hz=$(getconf CLK_TCK)
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
t0=$(awk '{print $14+$15}' /proc/$pid/stat); start=$(date +%s)
echo "2,000 tags on screen at 1 Hz, $(nproc) cores; start: RSS $(rss) kB"
# The first two minutes fill the caches that then stay: the Go heap grows
# to its collector's goal, Fyne's text pieces and the GL driver's buffers
# are made. Flat is measured from minute 2 to the end.
for m in $(seq 1 "$minutes"); do
  sleep 60
  t1=$(awk '{print $14+$15}' /proc/$pid/stat); now=$(date +%s)
  r=$(rss); [ "$m" = 2 ] && warm=$r
  echo "minute $m: $(( (t1-t0)*1000/((now-start)*hz) ))‰ of one core on average; RSS $r kB"
done
if [ -n "${warm:-}" ] && [ "$minutes" -gt 2 ]; then
  echo "RSS minute 2 → $minutes: $warm → $r kB ($(( (r-warm)/1024 )) MB, $(( (r-warm)*1000/warm ))‰)"
fi
