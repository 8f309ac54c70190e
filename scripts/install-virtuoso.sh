#!/usr/bin/env bash
# Install Virtuoso Open Source (virtuoso-t, isql-vt) from Debian's packages for the remote-store tests.
# Idempotent: does nothing when virtuoso-t is already there.  The system service is never started:
# the tests run their own Virtuoso on 127.0.0.1 with a database in a temporary directory.
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# forbid service starts during the install (invoke-rc.d reads policy-rc.d: exit 101 = action forbidden)
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [ -n "$own_policy" ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT
# the package asks for a DBA password through debconf: keep the stock one for its own (unused) database
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" | $SUDO debconf-set-selections || true
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" | $SUDO debconf-set-selections || true
$SUDO apt-get update -qq
RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
# should a service have started anyway (no policy-rc.d honoured), stop it and keep it off
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl stop virtuoso-opensource-7 >/dev/null 2>&1 || true
  $SUDO systemctl disable virtuoso-opensource-7 >/dev/null 2>&1 || true
elif [ -x /etc/init.d/virtuoso-opensource-7 ]; then
  $SUDO /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null
command -v isql-vt >/dev/null
virtuoso-t -? 2>&1 | head -n 2 || true
