#!/bin/sh
# Copy the report's current files into fuzz/seeds/ (run from the repository's top folder).
# The order of the YAML files is that of FILES in fuzz_targets/sources.rs: each seed's
# first byte is its file's index there.
set -eu
rm -rf fuzz/seeds/section fuzz/seeds/sources
mkdir -p fuzz/seeds/section fuzz/seeds/sources
for f in report/zh/*.md report/en/*.md; do
    cp "$f" "fuzz/seeds/section/$(basename "$(dirname "$f")")-$(basename "$f")"
done
i=0
for f in report.yaml data/caseload.yaml data/tables.yaml zh/glossary.yaml en/cases.yaml \
    data/charts.yaml zh/cases.yaml en/glossary.yaml en/labels.yaml; do
    seed=$(printf 'fuzz/seeds/sources/%02d-%s' "$i" "$(echo "$f" | tr / -)")
    { printf "\\$(printf %03o "$i")"; cat "report/$f"; } >"$seed"
    i=$((i + 1))
done
