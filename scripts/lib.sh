# Shared helpers for scripts/demo and scripts/test. Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

ADDON_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK_DIR="${ORDER_FULFILMENT_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/order_fulfilment}"
ADDONS_LINK_DIR="$WORK_DIR/addons"
ADDON_LINK="$ADDONS_LINK_DIR/order_fulfilment"
ODOO_CONF="$WORK_DIR/odoo.conf"
DB_HOST="${PGHOST:-localhost}"
DB_PORT="${PGPORT:-5432}"
DB_USER="${ORDER_FULFILMENT_DB_USER:-odoo_fulfilment}"
DB_PASSWORD="${ORDER_FULFILMENT_DB_PASSWORD:-odoo_fulfilment}"
PYTHON="${PYTHON:-python3}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

require_odoo() {
    if ! "$PYTHON" -c "import odoo, odoo.release as r; assert r.version_info[0] == 18" 2>/dev/null; then
        die "Odoo 18.0 must be installed and importable by '$PYTHON' (python3 -c 'import odoo' failed).
       order_fulfilment is an Odoo addon and does not install Odoo itself.
       Install Odoo 18.0 Community first: https://www.odoo.com/documentation/18.0/administration/on_premise.html"
    fi
    ODOO_ADDONS_PATH="$("$PYTHON" - <<'PY'
import os, odoo
root = os.path.dirname(os.path.dirname(odoo.__file__))
paths = [os.path.join(root, "addons")] if os.path.isdir(os.path.join(root, "addons")) else []
print(",".join(paths))
PY
)"
}

install_system_packages() {
    local missing=()
    command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
    # The warranty tests read the certificate's QR code back with pyzbar.
    ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' \
        || dpkg -s libzbar0 >/dev/null 2>&1 || missing+=(libzbar0)
    # Odoo's browser tests (the picking screen tour) drive a headless Chromium.
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    if [ ${#missing[@]} -gt 0 ]; then
        log "Installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

start_postgresql() {
    if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
        die "No PostgreSQL cluster found; create one with: pg_createcluster --start 15 main"
    fi
    pg_lsclusters -h | while read -r version cluster _port status _rest; do
        if [ "$status" != online ]; then
            log "Starting PostgreSQL $version/$cluster"
            as_root pg_ctlcluster "$version" "$cluster" start
        fi
    done
    for _ in $(seq 1 30); do
        as_postgres psql -qtAc "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 1
    done
    die "PostgreSQL did not start."
}

create_db_role() {
    if ! as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1; then
        log "Creating PostgreSQL role $DB_USER"
        as_postgres psql -qc "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
    fi
}

install_python_packages() {
    # Every distribution of requirements.txt must be installed (names only:
    # pip decides versions when it runs).
    if ! "$PYTHON" - "$ADDON_DIR/requirements.txt" <<'PY' 2>/dev/null; then
import re, sys
from importlib.metadata import PackageNotFoundError, distribution
for line in open(sys.argv[1], encoding="utf-8"):
    name = re.split(r"[<>=!~;\[ ]", line.split("#", 1)[0].strip(), maxsplit=1)[0]
    if name:
        try:
            distribution(name)
        except PackageNotFoundError:
            sys.exit(1)
PY
        log "Installing Python packages from requirements.txt"
        "$PYTHON" -m pip install --quiet -r "$ADDON_DIR/requirements.txt" 2>/dev/null \
            || "$PYTHON" -m pip install --quiet --break-system-packages -r "$ADDON_DIR/requirements.txt"
    fi
}

# Odoo addons from PyPI that the demo and the tests install beside the addon
# (not dependencies: the addon works without them). OCA's l10n_ro_city is
# Romania's locality nomenclature (localities, counties, postal codes) that
# the address checks use. Their wheels declare "odoo" as a requirement, which
# an Odoo run from its source tree does not register: installed without
# dependencies, into site-packages/odoo/addons, where Odoo finds them.
OPTIONAL_ADDONS=("odoo-addon-l10n_ro_config==18.0.*" "odoo-addon-l10n_ro_city==18.0.*")

install_optional_addons() {
    if ! "$PYTHON" -c "import odoo.addons.l10n_ro_city, odoo.addons.l10n_ro_config" 2>/dev/null; then
        log "Installing the Romanian locality nomenclature (OCA l10n_ro_city)"
        "$PYTHON" -m pip install --quiet --no-deps "${OPTIONAL_ADDONS[@]}" 2>/dev/null \
            || "$PYTHON" -m pip install --quiet --no-deps --break-system-packages "${OPTIONAL_ADDONS[@]}"
    fi
}

write_odoo_config() {
    # Odoo finds addons by directory name: link the checkout as "order_fulfilment".
    mkdir -p "$ADDONS_LINK_DIR" "$WORK_DIR/data"
    ln -sfn "$ADDON_DIR" "$ADDON_LINK"
    cat > "$ODOO_CONF" <<CONF
[options]
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
addons_path = ${ODOO_ADDONS_PATH:+$ODOO_ADDONS_PATH,}$ADDONS_LINK_DIR
data_dir = $WORK_DIR/data
http_interface = 127.0.0.1
http_port = ${ORDER_FULFILMENT_HTTP_PORT:-8069}
CONF
}

drop_database() {
    PGPASSWORD="$DB_PASSWORD" dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --if-exists "$1"
}

database_exists() {
    PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

prepare() {
    require_odoo
    install_system_packages
    start_postgresql
    create_db_role
    install_python_packages
    install_optional_addons
    write_odoo_config
}
