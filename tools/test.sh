#!/usr/bin/env bash
# The test command (README, CI): installs what the tests need, builds everything (which fetches the
# native runtimes and models on a fresh machine), checks formatting, runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build/install-test-deps.sh
# The packages are there now, so the PostgreSQL tests must run: a cluster that cannot start fails them
# instead of letting them return early (RETRIEVAL_REQUIRE_POSTGRES=0 allows skipping).
export RETRIEVAL_REQUIRE_POSTGRES=${RETRIEVAL_REQUIRE_POSTGRES:-1}
dotnet build Retrieval.sln -c Release -nologo -clp:ErrorsOnly
dotnet format Retrieval.sln --verify-no-changes --no-restore --exclude "${RETRIEVAL_CACHE:-$HOME/.cache/retrieval}"

log=$(mktemp)
status=0
dotnet test Retrieval.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line in the plain form CI reads: 'N passed, N failed, N skipped'.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  { f += $(i+1) }
         if ($i == "Passed:")  { p += $(i+1) }
         if ($i == "Skipped:") { s += $(i+1) }
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
