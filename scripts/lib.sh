# Shared helpers for scripts/*. Sourced, not run.
set -euo pipefail
# Built plugin files must not be group/world writable: the loader refuses those.
umask 022
MESSENGERD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages needed to build messengerd and run its unit and end-to-end tests (Debian 12).
MESSENGERD_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config libyaml-cpp-dev libspdlog-dev libcli11-dev
  nlohmann-json3-dev libsqlite3-dev sqlite3 libgtest-dev libgmock-dev prometheus-cpp-dev
  libhiredis-dev redis-server libssl-dev openssl librabbitmq-dev rabbitmq-server libpqxx-dev postgresql)

# Packages the deployment tests need (tests/deploy: systemd-analyze verify, a real supervisord,
# cpack -G DEB with dpkg-shlibdeps and file, the package's postinst; util-linux's setpriv).
MESSENGERD_DEPLOY_TEST_PACKAGES=(systemd supervisor dpkg-dev adduser file util-linux)

# Packages the Symfony compatibility tests need (tests/compat: real Symfony Messenger 5.4 in PHP
# against messengerd's transports; php-symfony-error-handler decodes ErrorDetailsStamp).
MESSENGERD_COMPAT_TEST_PACKAGES=(php-cli php-xml php-redis php-symfony-messenger php-symfony-redis-messenger
  php-symfony-serializer php-symfony-property-access php-symfony-property-info php-symfony-error-handler
  php-psr-container php-psr-log php-amqp php-symfony-amqp-messenger php-pgsql php-doctrine-dbal
  php-symfony-doctrine-messenger)

# Installs the packages that are missing (apt-get update first, once).
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Configures and builds one CMake preset (dev, release, asan).
# build_preset PRESET [TARGET...]: configure and build a preset, everything or just the targets.
build_preset() {
  local preset=$1
  shift
  cmake --preset "$preset" -G Ninja -S "$MESSENGERD_ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" ${1:+--target "$@"}
}

# The median of the numbers given (benchmarks report it over several rounds: this VM's
# throughput swings between runs of the same binary).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
