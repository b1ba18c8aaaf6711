#!/usr/bin/env bash
# A throwaway single-node Ceph RADOS Gateway (a real S3 server) on 127.0.0.1, for the S3 backend tests.
# Debian packages (radosgw, ceph-mon, ceph-osd; ceph 16.2 on Debian 12). No cephx; memstore OSD (RAM only).
#
#   scripts/ceph-s3.sh start DIR [PORT]   start it (installs the packages first if missing); S3 at
#                                         http://127.0.0.1:PORT (default 7480), keys AKTEST / SKTEST,
#                                         region us-east-1, bucket package-storage-test (BUCKET=... to change)
#   scripts/ceph-s3.sh stop DIR           stop it: kills only the PIDs recorded in DIR/run/*.pid
#   scripts/ceph-s3.sh status DIR [PORT]  exit 0 if it answers
#
# If something already answers S3 on PORT with the test keys (e.g. a server started earlier from another
# checkout), `start` reuses it: it only makes sure the bucket exists.
# The monitor listens on 127.0.0.1:(PORT-4180), i.e. 3300 for 7480 (CEPH_MON_PORT=... to change).
# Measured on the 2-core dev machine: install ~66 s (once), start ~13 s.
set -euo pipefail
cmd=${1:-}
D=${2:-}
PORT=${3:-7480}
BUCKET=${BUCKET:-package-storage-test}
MON_PORT=${CEPH_MON_PORT:-$((PORT - 4180))}
usage() { echo "usage: $0 start DIR [PORT] | stop DIR | status DIR [PORT]" >&2; exit 2; }
[ -n "$cmd" ] && [ -n "$D" ] || usage
case "$D" in /*) ;; *) D="$PWD/$D" ;; esac
S3="http://127.0.0.1:$PORT"

s3curl() { curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user AKTEST:SKTEST -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
answers() { curl -s -o /dev/null --max-time 2 "$S3/"; }
ensure_bucket() {
  local code
  code=$(s3curl -o /dev/null -w '%{http_code}' --max-time 10 -I "$S3/$BUCKET") || true
  [ "$code" = 200 ] && return 0
  code=$(s3curl -o "$D/create-bucket.out" -w '%{http_code}' --max-time 20 -X PUT "$S3/$BUCKET") || true
  if [ "$code" != 200 ]; then
    echo "ceph-s3: could not create bucket $BUCKET at $S3 (HTTP $code): $(cat "$D/create-bucket.out" 2>/dev/null)" >&2
    return 1
  fi
}

case "$cmd" in
stop)
  shopt -s nullglob
  for f in "$D"/run/*.pid; do
    pid=$(cat "$f" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  # wait (bounded) for them to exit so that the ports are free for a next start
  for _ in $(seq 1 50); do
    alive=0
    for f in "$D"/run/*.pid; do pid=$(cat "$f" 2>/dev/null || true); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  exit 0
  ;;
status)
  answers && { echo "S3 answers at $S3"; exit 0; }
  echo "nothing answers at $S3" >&2; exit 1
  ;;
start) ;;
*) usage ;;
esac

t0=$(date +%s.%N)
if answers; then
  mkdir -p "$D"
  if ensure_bucket; then
    echo "ceph-s3: reusing the S3 server already answering at $S3 (bucket $BUCKET)"
    exit 0
  fi
  echo "ceph-s3: port $PORT is taken by something that does not accept the test keys" >&2
  exit 1
fi

if ! command -v radosgw >/dev/null 2>&1 || ! command -v ceph-mon >/dev/null 2>&1 || ! command -v ceph-osd >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends radosgw ceph-mon ceph-osd
fi

# a previous cluster in this DIR: stop it first (by its PIDs), then start afresh
"$0" stop "$D" || true
rm -rf "$D"
mkdir -p "$D"/{mon,osd0,rgw,run,log}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat >"$D/ceph.conf" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
client mount timeout = 20
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
osd objectstore = memstore
memstore device bytes = 4294967296
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
keyring = /dev/null
ms bind ipv6 = false
[mon.a]
mon data = $D/mon
[osd.0]
osd data = $D/osd0
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $D/rgw
# reclaim the space of deleted/overwritten objects within minutes (default: hours), memstore is RAM
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
C=(-c "$D/ceph.conf")
monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap"
ceph-mon "${C[@]}" -i a
U=$(cat /proc/sys/kernel/random/uuid)
ceph "${C[@]}" osd new "$U" >/dev/null
ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$U" 2>/dev/null
ceph-osd "${C[@]}" -i 0 2>/dev/null
up=0
for _ in $(seq 1 120); do
  if ceph "${C[@]}" osd stat 2>/dev/null | grep -q "1 up"; then up=1; break; fi
  sleep 0.5
done
[ $up = 1 ] || { echo "ceph-s3: the OSD did not come up; logs in $D/log" >&2; exit 1; }
radosgw "${C[@]}" -n client.rgw
ok=0
for _ in $(seq 1 240); do
  if answers; then ok=1; break; fi
  sleep 0.25
done
[ $ok = 1 ] || { echo "ceph-s3: radosgw does not answer at $S3; logs in $D/log" >&2; exit 1; }
radosgw-admin "${C[@]}" user create --uid=test --display-name=test --access-key=AKTEST --secret-key=SKTEST >/dev/null
made=0
for _ in $(seq 1 40); do
  if ensure_bucket 2>/dev/null; then made=1; break; fi
  sleep 0.25
done
[ $made = 1 ] || ensure_bucket
t1=$(date +%s.%N)
printf 'S3 ready at %s (keys AKTEST/SKTEST, region us-east-1, bucket %s) in %.1f s; stop: %s stop %s\n' "$S3" "$BUCKET" "$(awk "BEGIN{print $t1 - $t0}")" "$0" "$D"
