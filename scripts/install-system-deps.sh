#!/usr/bin/env bash
# Installs the Debian packages the tests need, only those missing. Safe to run repeatedly.
#   gnupg     - real gpg to cross-check signatures
#   chromium  - the web UI end-to-end tests (driven by playwright-core)
#   radosgw, ceph-mon, ceph-osd - a real S3 server (Ceph RGW) for the S3 backend tests
set -euo pipefail
need=()
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v radosgw >/dev/null 2>&1 || need+=(radosgw ceph-mon ceph-osd)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
