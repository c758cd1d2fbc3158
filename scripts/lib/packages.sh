# Sourced by scripts/run and scripts/test: installs the Debian packages that are missing.
# Everything the project needs comes from Debian (and, for regenerating conformance data only, npm).
# Only real package names: dpkg never reports a virtual one (libqt6svg6-dev, provided by qt6-svg-dev) as installed,
# so naming one would make every run call apt-get.

BW_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite qt6-svg-dev
    libyaml-cpp-dev
)
BW_TEST_PACKAGES=(
    libbenchmark-dev zlib1g-dev
    prometheus prometheus-node-exporter prometheus-alertmanager
    fonts-dejavu-core xvfb
    clang
)

bw_missing_packages() {
    local pkg missing=()
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    echo "${missing[@]}"
}

bw_ensure_packages() {
    local missing
    missing=$(bw_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "Installing missing Debian packages: $missing"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: need root or sudo to install: $missing" >&2
            return 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    # shellcheck disable=SC2086
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends $missing
}
