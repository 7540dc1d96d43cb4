#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt
# of its project, and removes the ones reported as gone (RS0017). Run after changing a public API, then
# review the diff of the PublicAPI files.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/; do
  name=$(basename "$project")
  unshipped="$project/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || continue
  grep -q '^#nullable enable' "$unshipped" || sed -i '1i #nullable enable' "$unshipped"
  log=$(dotnet build "$project/$name.csproj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 | grep -F "[$PWD/${project%/}/$name.csproj]" || true)
  echo "$log" | grep -oP "error RS0016: Symbol '\K.*?(?=' is not part of the declared public API)|warning RS0016: Symbol '\K.*?(?=' is not part of the declared public API)" | sort -u >> "$unshipped" || true
  for gone in $(echo "$log" | grep -oP "RS0017: Symbol '\K.*?(?=' is part of the declared API)" | sort -u | tr ' ' '\001'); do
    symbol=$(echo "$gone" | tr '\001' ' ')
    grep -vxF "$symbol" "$unshipped" > "$unshipped.tmp" || true
    mv "$unshipped.tmp" "$unshipped"
  done
  { head -n1 "$unshipped"; tail -n +2 "$unshipped" | sort -u; } > "$unshipped.tmp" && mv "$unshipped.tmp" "$unshipped"
done
