#!/usr/bin/env bash
# Make sure PostgreSQL's server programs exist for the sync tests (tests/pg_server.py).
#
# The tests start their own throw-away server with initdb + pg_ctl; they never use a system
# cluster, so all this script guarantees is one directory holding `initdb`, `pg_ctl` and
# `postgres` of the same version. Its last line on stdout is that directory; when the
# programs are already there it prints nothing else.
#
# Looks, in order, at: $TTHC_POSTGRES_BIN, the directory of `pg_ctl` on PATH (symlinks
# resolved), /usr/lib/postgresql/<newest>/bin, /usr/local/pgsql/bin — the same order as
# tests/pg_server.py's find_postgres(). Otherwise, as root, it installs Debian's
# `postgresql` package with apt-get. The package may create and start its own `main`
# cluster; the tests neither need nor touch it.
set -euo pipefail

say() { echo "ensure-postgres: $*" >&2; }

# A directory counts only if it holds all three programs.
complete_bin() {
    [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]
}

find_bin() {
    if [[ -n "${TTHC_POSTGRES_BIN:-}" ]]; then
        if complete_bin "$TTHC_POSTGRES_BIN"; then
            echo "$TTHC_POSTGRES_BIN"
            return 0
        fi
        say "TTHC_POSTGRES_BIN=$TTHC_POSTGRES_BIN lacks initdb, pg_ctl or postgres"
        return 1
    fi
    local candidate pg_ctl
    if pg_ctl=$(command -v pg_ctl); then
        candidate=$(dirname "$(readlink -f "$pg_ctl")")
        if complete_bin "$candidate"; then
            echo "$candidate"
            return 0
        fi
    fi
    # Newest major version first (sort -V knows 9.6 < 10 < 16).
    while IFS= read -r candidate; do
        if complete_bin "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV; echo /usr/local/pgsql/bin)
    return 1
}

# `postgres (PostgreSQL) 15.18 (Debian ...)` -> `15.18`
program_version() {
    "$1" --version | awk '{ print $3 }'
}

same_version() {
    local bin=$1 server
    server=$(program_version "$bin/postgres")
    for program in initdb pg_ctl; do
        if [[ "$(program_version "$bin/$program")" != "$server" ]]; then
            say "$bin/$program is not the same version as $bin/postgres ($server)"
            return 1
        fi
    done
}

if bin=$(find_bin); then
    same_version "$bin"
    echo "$bin"
    exit 0
fi
if [[ -n "${TTHC_POSTGRES_BIN:-}" ]]; then
    # An explicit override that is wrong is an error, not a reason to install something else.
    exit 1
fi

if [[ "$(id -u)" -ne 0 ]]; then
    say "no PostgreSQL server programs (initdb, pg_ctl, postgres) found, and not root."
    say "Install them, e.g. 'sudo apt-get install postgresql', then rerun this script"
    say "(or set TTHC_POSTGRES_BIN to the directory holding them)."
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "no PostgreSQL server programs found and apt-get is not available;" \
        "install PostgreSQL by hand and set TTHC_POSTGRES_BIN to its bin directory"
    exit 1
fi

say "no PostgreSQL server programs found; installing Debian's postgresql package"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >&2 || ! apt-get install -y -qq postgresql >&2; then
    say "apt-get could not install postgresql; the sync tests need it"
    exit 1
fi

if bin=$(find_bin); then
    same_version "$bin"
    say "installed PostgreSQL $(program_version "$bin/postgres") in $bin"
    echo "$bin"
    exit 0
fi
say "postgresql was installed but no directory with initdb, pg_ctl and postgres was found"
exit 1
