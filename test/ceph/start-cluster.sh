#!/usr/bin/env bash
# A tiny real Ceph cluster on loopback: 1 mon, 1 mgr, 3 memstore OSDs, auth off, every file (conf, data, run dir,
# admin sockets, logs, pid files) inside DIR.
#
#   test/ceph/start-cluster.sh DIR [--recorder OUTPUT]   start; with --recorder, mgrkit_recorder is enabled from the
#                                                        mgr's first start, writing to OUTPUT (file path or listen:...);
#                                                        RECORDER_OPTIONS="stats_period=1 ..." sets its options
#   test/ceph/start-cluster.sh stop DIR                  stop every daemon started in DIR, by the PID it wrote
#   test/ceph/start-cluster.sh stop-daemon DIR NAME      stop one daemon (mon.a, mgr.x, osd.1) by its PID
#   test/ceph/start-cluster.sh start-daemon DIR NAME     start it again with the same conf
#
# Clients: ceph -c DIR/ceph.conf ...  (OSDS=N overrides the OSD count; MDS=1 adds mds.a and a file system
# "cephfs" on pools cephfs.meta / cephfs.data; AUTH=cephx turns cephx on, with client.admin's key in DIR/keyring.)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

ensure_packages() {
  local need=()
  for bin in ceph-mon ceph-mgr ceph-osd; do command -v "$bin" >/dev/null || need+=("$bin"); done
  if [ "${MDS:-0}" != 0 ]; then command -v ceph-mds >/dev/null || need+=(ceph-mds); fi
  command -v ceph >/dev/null || need+=(ceph-common)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "start-cluster: missing ${need[*]}; install them as root (apt-get install ${need[*]})" >&2
      exit 1
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
  fi
}

daemon_cmd() {
  local dir="$1" name="$2"
  local type="${name%%.*}" id="${name#*.}"
  case "$type" in
    mon) echo "ceph-mon -c $dir/ceph.conf -i $id" ;;
    mgr) echo "env PYTHONDONTWRITEBYTECODE=1 ceph-mgr -c $dir/ceph.conf -i $id" ;;
    osd) echo "ceph-osd -c $dir/ceph.conf -i $id" ;;
    mds) echo "ceph-mds -c $dir/ceph.conf -i $id" ;;
    *) echo "start-cluster: unknown daemon $name" >&2; exit 1 ;;
  esac
}

start_daemon() {
  local dir="$1" name="$2"
  # Daemons fork to the background and write their pid file themselves (pid file = DIR/run/$name.pid).
  $(daemon_cmd "$dir" "$name") >>"$dir/log/$name.out" 2>&1
  for _ in $(seq 1 100); do
    [ -s "$dir/run/$name.pid" ] && return 0
    sleep 0.1
  done
  echo "start-cluster: $name did not start; see $dir/log/$name.log" >&2
  exit 1
}

stop_daemon() {
  local dir="$1" name="$2" pidfile="$1/run/$2.pid"
  [ -s "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

stop_all() {
  local dir="$1"
  [ -d "$dir/run" ] || return 0
  # OSDs first, the mon last, so the others do not spin looking for it.
  for pidfile in "$dir"/run/mds.*.pid "$dir"/run/osd.*.pid "$dir"/run/mgr.*.pid "$dir"/run/mon.*.pid; do
    [ -e "$pidfile" ] || continue
    local name
    name="$(basename "$pidfile" .pid)"
    stop_daemon "$dir" "$name"
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() {
  local what="$1" tries="$2"
  shift 2
  for _ in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "start-cluster: timed out waiting for $what" >&2
  return 1
}

start_cluster() {
  local dir="$1" recorder="${2:-}"
  local osds="${OSDS:-3}"
  ensure_packages
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -e "$dir/ceph.conf" ]; then
    echo "start-cluster: $dir already holds a cluster; stop it and use an empty folder" >&2
    exit 1
  fi
  mkdir -p "$dir"/{run,log,mon,mgr,osd,mds,crash,mgr-modules}

  # Pacific's mgr reads modules from one folder: a folder of links to the packaged ones plus the recorder.
  for m in /usr/share/ceph/mgr/*; do ln -s "$m" "$dir/mgr-modules/$(basename "$m")"; done
  ln -s "$ROOT/recorder/mgrkit_recorder" "$dir/mgr-modules/mgrkit_recorder"

  local port fsid auth=none
  port="$(free_port)"
  fsid="$(python3 -c 'import uuid; print(uuid.uuid4())')"
  [ "${AUTH:-none}" = cephx ] && auth=cephx

  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
public addr = 127.0.0.1
auth cluster required = $auth
auth service required = $auth
auth client required = $auth
keyring = $dir/keyring
run dir = $dir/run
crash dir = $dir/crash
admin socket = $dir/run/\$name.\$pid.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.log
ms bind msgr1 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
osd crush chooseleaf type = 0
mgr initial modules = iostat
mgr module path = $dir/mgr-modules
[mon]
admin socket = $dir/run/\$name.asok
mon data = $dir/mon/\$name
[mgr]
admin socket = $dir/run/\$name.asok
mgr data = $dir/mgr/\$name
keyring = $dir/mgr/\$name/keyring
[mds]
admin socket = $dir/run/\$name.asok
mds data = $dir/mds/\$name
keyring = $dir/mds/\$name/keyring
[osd]
admin socket = $dir/run/\$name.asok
osd data = $dir/osd/\$name
keyring = $dir/osd/\$name/keyring
osd journal = $dir/osd/\$name/journal
osd objectstore = memstore
# memstore keeps its objects on disk only when it unmounts: a stopped OSD must unmount to come back with its PGs.
osd fast shutdown = false
memstore device bytes = 1073741824
osd memory target = 536870912
osd max object name len = 460
osd max object namespace len = 64
EOF
  : >"$dir/keyring"
  if [ "$auth" = cephx ]; then
    ceph-authtool "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
      --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  fi

  monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$port]" "$dir/monmap" >/dev/null
  mkdir -p "$dir/mon/mon.a"
  ceph-mon -c "$dir/ceph.conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$dir/keyring" >"$dir/log/mkfs-mon.a.log" 2>&1
  start_daemon "$dir" mon.a
  local ceph=(ceph -c "$dir/ceph.conf" --connect-timeout 10)
  wait_for "the monitor" 60 "${ceph[@]}" mon stat

  if [ -n "$recorder" ]; then
    # --force: the monitors learn a module's options from the manager, which has not started yet.
    "${ceph[@]}" config set mgr mgr/mgrkit_recorder/output "$recorder" --force >/dev/null
    for kv in ${RECORDER_OPTIONS:-}; do
      "${ceph[@]}" config set mgr "mgr/mgrkit_recorder/${kv%%=*}" "${kv#*=}" --force >/dev/null
    done
    # Enabled before the manager first starts (no restart); `mgr initial modules` would split the name at "_".
    "${ceph[@]}" mgr module enable mgrkit_recorder --force >/dev/null
  fi

  mkdir -p "$dir/mgr/mgr.x"
  if [ "$auth" = cephx ]; then
    # The usual manager caps, and mgr 'allow *' so that a module's send_command('mgr', ...) through the bridge (the
    # manager's own RADOS client, mgr_command) may reach the manager's commands.
    "${ceph[@]}" auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' mgr 'allow *' \
      -o "$dir/mgr/mgr.x/keyring" >/dev/null
  fi
  start_daemon "$dir" mgr.x

  for i in $(seq 0 $((osds - 1))); do
    local uuid id
    uuid="$(python3 -c 'import uuid; print(uuid.uuid4())')"
    if [ "$auth" = cephx ]; then
      local key
      key="$(ceph-authtool --gen-print-key)"
      id="$(echo "{\"cephx_secret\": \"$key\"}" | "${ceph[@]}" osd new "$uuid" -i -)"
      mkdir -p "$dir/osd/osd.$id"
      printf '[osd.%s]\n\tkey = %s\n' "$id" "$key" >"$dir/osd/osd.$id/keyring"
    else
      id="$("${ceph[@]}" osd new "$uuid")"
    fi
    mkdir -p "$dir/osd/osd.$id"
    ceph-osd -c "$dir/ceph.conf" -i "$id" --mkfs --osd-uuid "$uuid" >"$dir/log/mkfs-osd.$id.log" 2>&1
    start_daemon "$dir" "osd.$id"
  done

  wait_for "$osds OSDs up" 120 bash -c "${ceph[*]} osd stat -f json | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s[\"num_up_osds\"] == $osds else 1)'"
  if [ "${MDS:-0}" != 0 ]; then
    mkdir -p "$dir/mds/mds.a"
    if [ "$auth" = cephx ]; then
      "${ceph[@]}" auth get-or-create mds.a mon 'allow profile mds' osd 'allow rwx' mds 'allow' mgr 'allow profile mds' \
        -o "$dir/mds/mds.a/keyring" >/dev/null
    fi
    start_daemon "$dir" mds.a
    "${ceph[@]}" osd pool create cephfs.meta 8 8 >/dev/null
    "${ceph[@]}" osd pool create cephfs.data 8 8 >/dev/null
    "${ceph[@]}" fs new cephfs cephfs.meta cephfs.data >/dev/null
    wait_for "an active MDS" 120 bash -c "${ceph[*]} fs dump -f json | python3 -c 'import json,sys; m=json.load(sys.stdin)[\"filesystems\"][0][\"mdsmap\"]; sys.exit(0 if any(i[\"state\"] == \"up:active\" for i in m[\"info\"].values()) else 1)'"
  fi
  wait_for "an active mgr" 120 bash -c "${ceph[*]} mgr dump -f json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[\"available\"] else 1)'"
  echo "$dir/ceph.conf"
}

case "${1:-}" in
  stop) stop_all "${2:?usage: start-cluster.sh stop DIR}" ;;
  stop-daemon) stop_daemon "${2:?DIR}" "${3:?NAME}" ;;
  start-daemon) start_daemon "$(cd "${2:?DIR}" && pwd)" "${3:?NAME}" ;;
  "" | -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
  *)
    dir="$1"
    shift
    recorder=""
    if [ "${1:-}" = "--recorder" ]; then recorder="${2:?--recorder OUTPUT}"; fi
    start_cluster "$dir" "$recorder"
    ;;
esac
