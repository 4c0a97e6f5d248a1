#!/usr/bin/env bash
# The token endpoint and list page benchmark, in one command (docs/performance.md explains it):
#
#   bench/run.sh [--provider Sqlite|PostgreSql] [--seconds 30] [--warm-up 90] [--list-clients 1000000] [--keep]
#                                                           # both providers without --provider, one block of rows each
#   bench/run.sh --list-only [--provider ...] [--list-clients 1000000]
#                                                           # only: the list page and the 100,000-client round robin (and the seeding time)
#   bench/run.sh --last-used [--seconds 20] [--rounds 3]   # only: tokens/s with last-used tracking on vs off
#   bench/run.sh --audit-log [--postgres "Host=127.0.0.1;Port=55432;Username=postgres"]
#                                                           # only: Audit Log page p95 at 1,000,000 audit records (SQLite, or PostgreSQL)
#   bench/run.sh --activity [--seconds 20] [--rounds 3]    # only: tokens/s with last-used and activity counting on vs both off
#   bench/run.sh --user-flows [--provider ...] [--seconds 10] # only: the refresh_token and authorization_code rows, optimised and baseline
#   bench/run.sh --outage                                   # only: token requests failed / total through a 3 s PostgreSQL restart under load
#                                                           #   (a server of its own from /usr/lib/postgresql/*/bin, as the tests start one)
#   bench/run.sh --reference [--provider ...] [--seconds 10] # only: client_credentials and refresh rows of the app side by side with
#                                                           #   an independent OpenIddict server with OpenIddict's defaults (bench/ReferenceServer)
#
# Publishes the app in Release, builds the driver (bench/AuthClients.Bench), and runs it: for each
# provider it starts the optimised app and a baseline app (OAuthServer:Performance:Baseline=true:
# OpenIddict's defaults) on loopback ports, over SQLite files in a temporary folder or databases on a
# PostgreSQL server of its own (a new cluster from /usr/lib/postgresql/*/bin in a temporary folder,
# on a Unix socket, stopped and deleted at the end), in the Production environment with plain http on
# loopback, loads each with wrk (installed with apt-get when missing), and prints the table.
# Bounded: the driver stops itself after 90 minutes (20 for the single measurements; --time-limit-minutes),
# and kills every app and server it started when it exits.
# The table is also written to artifacts/bench/results-<time>.md. Exit code 0 when every target passed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/artifacts/bench"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null; then
    echo "==> Installing wrk (apt-get install wrk)"
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

echo "==> Publishing the app (Release) and building the driver"
rm -rf "$out/app" "$out/driver"
# For a runtime, so it is ReadyToRun-precompiled, as docs/operations.md recommends for production.
dotnet publish "$repo/src/AuthClients.Web" -c Release -r linux-x64 --self-contained false -o "$out/app" --nologo -v quiet
dotnet build "$repo/bench/AuthClients.Bench" -c Release -o "$out/driver" --nologo -v quiet
args=()
for arg in "$@"; do
    if [[ $arg == --reference ]]; then
        rm -rf "$out/reference"
        dotnet publish "$repo/bench/ReferenceServer" -c Release -r linux-x64 --self-contained false -o "$out/reference" --nologo -v quiet
        args+=(--reference "$out/reference")
    else
        args+=("$arg")
    fi
done

echo "==> $(nproc) cores; uptime: $(uptime)"
mkdir -p "$out"
timeout --kill-after=30s 100m dotnet "$out/driver/AuthClients.Bench.dll" \
    --app "$out/app" --scripts "$repo/bench" \
    --out "$out/results-$(date -u +%Y%m%dT%H%M%SZ).md" "${args[@]}"
