#!/usr/bin/env bash
# One command for every test in the solution, on a fresh Debian 12 machine with only the .NET SDK.
#
#   build/test.sh
#
# Run as root (CI) or as a user with sudo. It installs what the tests need and is missing
# (Chromium for the browser tests, the PostgreSQL 15 server), starts a throwaway PostgreSQL
# cluster on a free loopback port (removed again on exit) and exports its connection string as
# AUTHCLIENTS_TEST_POSTGRES, builds the solution, runs `dotnet test AuthClients.sln` with a TRX
# logger (the integration tests on SQLite, the two-instance scale-out test on PostgreSQL), then the
# integration tests (tests/AuthClients.Tests) a second time with AUTHCLIENTS_TEST_PROVIDER=PostgreSql,
# each test app on a database of its own on that cluster, and prints as its last line
# "N passed, N failed" summed over both runs and all test projects.
# The exit code is non-zero when the build or any test failed.
#
# Settings (environment): AUTHCLIENTS_TEST_RESULTS (results folder, default artifacts/test-results),
# AUTHCLIENTS_CHROMIUM (a Chromium other than /usr/bin/chromium; nothing is installed then).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="${AUTHCLIENTS_TEST_RESULTS:-$repo/artifacts/test-results}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
    if [[ $apt_updated == false ]]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=true
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Chromium (browser tests) -------------------------------------------------------------
if [[ -z ${AUTHCLIENTS_CHROMIUM:-} && ! -x /usr/bin/chromium ]]; then
    say "Installing Chromium (apt-get install chromium)"
    apt_install chromium
fi

# --- A throwaway PostgreSQL cluster ----------------------------------------------------------
pg_bin_dir() {
    local initdb
    initdb="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n $initdb ]] && dirname "$initdb"
}

if ! pg_bin="$(pg_bin_dir)"; then
    say "Installing the PostgreSQL server (apt-get install postgresql)"
    apt_install postgresql
    pg_bin="$(pg_bin_dir)"
fi

pg_dir=""
pg_started=false

# `postgres` refuses to run as root: root runs the cluster as the postgres user.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    if [[ $pg_started == true ]]; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        pg_started=false
    fi
    if [[ -n $pg_dir ]]; then
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_postgres() {
    # As root the cluster belongs to the postgres user, who may not enter root's own TMPDIR.
    if [[ $(id -u) -eq 0 ]]; then
        pg_dir="$(mktemp -d /tmp/authclients-pg.XXXXXX)"
        chown postgres:postgres "$pg_dir"
    else
        pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/authclients-pg.XXXXXX")"
    fi
    as_pg "$pg_bin/initdb" -D "$pg_dir/data" --auth=trust --username=postgres --encoding=UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; return 1; }

    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(( 20000 + RANDOM % 40000 ))
        port_is_free "$port" || continue
        if as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
            -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null 2>&1; then
            pg_started=true
            export AUTHCLIENTS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (AUTHCLIENTS_TEST_POSTGRES)"
            return 0
        fi
        echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
        tail -n 5 "$pg_dir/server.log" >&2 || true
    done
    return 1
}

# --- Counting: "N passed, N failed" from the TRX files ----------------------------------------
passed=0
failed=0

count_trx() {
    local trx counters outcome p f
    for trx in "$results"/*.trx; do
        [[ -e $trx ]] || continue
        counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
        outcome="$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$trx" | head -n 1 | sed 's/.*outcome="\([A-Za-z]*\)"/\1/' || true)"
        p=$(attr "$counters" passed)
        # Errors, time-outs and aborted tests are failures too.
        f=$(( $(attr "$counters" failed) + $(attr "$counters" error) + $(attr "$counters" timeout) + $(attr "$counters" aborted) ))
        # A run that broke down (test host crash, hang) may count no failed test: still a failure.
        if [[ $f -eq 0 && -n $outcome && $outcome != Completed && $outcome != Passed && $outcome != Warning ]]; then
            f=1
        fi
        passed=$(( passed + p ))
        failed=$(( failed + f ))
    done
}

attr() {
    local value
    value="$(grep -o " $2=\"[0-9]*\"" <<<"$1" | head -n 1 | grep -o '[0-9]\+' || true)"
    echo "${value:-0}"
}

finish() {
    cleanup
    echo "$passed passed, $failed failed"
    if [[ $failed -gt 0 ]]; then exit 1; fi
    exit 0
}

# --- Run ----------------------------------------------------------------------------------------
cd "$repo"
start_postgres || { echo "Could not start a PostgreSQL cluster for the tests." >&2; failed=1; finish; }

rm -rf "$results"
mkdir -p "$results"

say "Building AuthClients.sln"
if ! dotnet build AuthClients.sln --nologo; then
    echo "The build failed." >&2
    failed=1
    finish
fi

say "Testing AuthClients.sln (results in ${results#"$repo"/})"
test_status=0
# A single test that hangs for 10 minutes is stopped and reported, instead of eating CI's 90.
dotnet test AuthClients.sln --no-build --nologo \
    --logger trx --results-directory "$results" \
    --blame-hang-timeout 10m --blame-hang-dump-type none || test_status=$?

# The same integration tests again, every test app on a PostgreSQL database of its own. The
# scale-out tests start their own processes on PostgreSQL whatever the provider: they ran above.
say "Testing tests/AuthClients.Tests on PostgreSQL (AUTHCLIENTS_TEST_PROVIDER=PostgreSql)"
AUTHCLIENTS_TEST_PROVIDER=PostgreSql dotnet test tests/AuthClients.Tests --no-build --nologo \
    --logger "trx;LogFilePrefix=postgres" --results-directory "$results" \
    --filter "FullyQualifiedName!~AuthClients.Tests.ScaleOut" \
    --blame-hang-timeout 10m --blame-hang-dump-type none || test_status=$?

count_trx
# One TRX file per test project, plus the PostgreSQL run of the integration tests.
expected=$(( $(grep -l 'Microsoft.NET.Test.Sdk' tests/*/*.csproj 2>/dev/null | wc -l) + 1 ))
found=$(find "$results" -maxdepth 1 -name '*.trx' | wc -l)
if [[ $found -lt $expected ]]; then
    echo "Only $found of $expected test projects wrote results: counting the missing ones as failed." >&2
    failed=$(( failed + expected - found ))
fi
if [[ $test_status -ne 0 && $failed -eq 0 ]]; then
    echo "dotnet test failed (exit code $test_status) without a failed test in the results." >&2
    failed=1
fi
finish
