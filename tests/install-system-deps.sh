#!/usr/bin/env bash
# Install the Debian packages the test wiki needs (MediaWiki 1.39, PHP with SQLite), when missing.
#
# The wiki tests run a real MediaWiki from Debian's `mediawiki` package under `php -S`. Nothing
# is configured system-wide: tests/plugins/mediawiki.py writes a private LocalSettings.php and
# points MW_CONFIG_FILE at it. nginx is listed only because `mediawiki` depends on
# `apache2 | httpd` and nginx is the smaller way to satisfy that; it is never started.
set -euo pipefail

packages=(mediawiki php-cli php8.2-fpm php-sqlite3 php-intl php-mbstring php-xml php-apcu nginx)
# The static HTML report is opened in headless Chromium by tests/integration/test_html.py.
packages+=(chromium)
# The Spark engine's test (tests/integration/test_spark.py) runs PySpark in local mode, which needs a JVM.
if ! command -v java >/dev/null 2>&1; then
    packages+=(openjdk-17-jre-headless)
fi

missing=()
for package in "${packages[@]}"; do
    # `dpkg -s` also succeeds for removed-but-configured packages; require "install ok installed".
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-system-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

echo "install-system-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
# Install the whole list, not only the missing ones, so that apt resolves them together.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}"
