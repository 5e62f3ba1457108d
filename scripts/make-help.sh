#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/make-help.sh MAKEFILE [NAME=VALUE...]
# make help: prints the Makefile's opening comment, then one line per target (each rule whose
# line above is a "## what it does" comment; in the per-core rules "$1" and "%" read "<core>"),
# under the heading of its "# ---- section" of the Makefile (the entry points first: they are
# what most people need), then the settings NAME=VALUE that the Makefile passes (all can be
# overridden: make NAME=...).
set -euo pipefail
makefile=$1
shift
awk '
    NR == 1, /^$/ { if (/^#/) { sub(/^# ?/, ""); print }; next }
    /^# ---------- */ { section = $0; sub(/^# -+ /, "", section); next }
    /^## / { help = substr($0, 4); next }
    help != "" && /^[^ \t#=]+:([^=]|$)/ {
        target = substr($0, 1, index($0, ":") - 1)
        gsub(/\$1|%/, "<core>", target)
        if (section != shown) {
            shown = section
            print (section == "entry points" ? "\nStart here (make TARGET; the default is test):" : "\nOther targets: " section)
        }
        printf "  %-22s %s\n", target, help
    }
    { help = "" }
' "$makefile"
if [ $# -gt 0 ]; then
    echo
    echo "Settings (make NAME=VALUE TARGET):"
    printf '  %s\n' "$@"
fi
