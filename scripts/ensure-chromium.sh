#!/bin/sh
# The browser tests (test/e2e) drive Debian's Chromium, and a Chinese system font makes their
# screenshots readable (the console bundles no font); install both when missing (CI runs as root).
set -e
need=""
[ -x /usr/bin/chromium ] || need="chromium"
fc-list :lang=zh 2>/dev/null | grep -q . || need="$need fonts-wqy-microhei"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
echo "installing$need for the browser tests (apt-get)"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
