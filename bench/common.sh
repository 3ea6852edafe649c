# Sourced by the bench scripts: repository root and research-data lookup.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shared_data NAME FILE: prints ../shared/data/NAME (or $STREAMREC_SHARED_DATA/NAME), or
# exits 3 with a message when FILE is not in it.
shared_data() {
  local dir="${STREAMREC_SHARED_DATA:-$root/../shared/data}/$1"
  if [ ! -f "$dir/$2" ]; then
    echo "$(basename "$0"): $dir/$2 not found (the research data is not redistributed; see ../shared/data/PROVENANCE.md)" >&2
    exit 3
  fi
  echo "$dir"
}
