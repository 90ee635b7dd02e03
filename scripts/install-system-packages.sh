#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Dromedary uses, if missing:
#   redis-server       the private Redis of `dromedary start`, and the tests' Redis
#   chromium           browser crawling (opt-in) and the browser tests
#   fonts-dejavu-core  text in chart images
#   prometheus         promtool, for the alert-rule tests
#   docker-compose     validates the compose files in the tests
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES="redis-server chromium fonts-dejavu-core prometheus docker-compose"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
