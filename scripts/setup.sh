#!/usr/bin/env bash
# Sets up a fresh Debian machine for berth's tests and benchmarks, idempotently:
# installs and starts PostgreSQL and the Docker engine, creates the test
# database, builds the local Go builder image that app/Dockerfile uses on
# machines that cannot pull images, and builds the Pulumi CLI that the
# engine test tier runs. Run as root (or with sudo), from any directory.
#
#   bash scripts/setup.sh
#
# Afterwards `go test ./...` runs every test, none skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# PostgreSQL role and database the tests use (app/internal/testenv reads
# BERTH_TEST_DATABASE_URL and defaults to exactly this).
PG_USER=berth PG_PASSWORD=berth PG_DB=berth
BUILDER_IMAGE=${BERTH_GO_IMAGE:-berth-local/golang}

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v wrk >/dev/null || need+=(wrk)
command -v shellcheck >/dev/null || need+=(shellcheck) # actionlint checks workflow scripts with it
command -v jq >/dev/null || need+=(jq)                   # the preview action's script (internal/preview)
command -v node >/dev/null || need+=(nodejs)             # the comment action's script (internal/preview); the TypeScript SDK test
command -v npm >/dev/null || need+=(npm)                 # the TypeScript SDK test installs typescript and @pulumi/pulumi (internal/provider/sdktest)
command -v python3 >/dev/null || need+=(python3)         # the Python SDK test (compileall)
if ((${#need[@]})); then
	log "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL: the cluster on port 5432 (created when there is none), started,
# with the role and database created once.
cluster=$(pg_lsclusters --no-header | awk '$3 == 5432 {print $1, $2; exit}')
if [ -z "$cluster" ]; then
	version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
	log "creating PostgreSQL $version cluster main on port 5432"
	pg_createcluster --port 5432 "$version" main >/dev/null
	cluster="$version main"
fi
read -r pg_version pg_cluster <<<"$cluster"
if ! pg_lsclusters --no-header | awk -v v="$pg_version" -v c="$pg_cluster" '$1 == v && $2 == c' | grep -q online; then
	log "starting PostgreSQL $pg_version/$pg_cluster"
	pg_ctlcluster "$pg_version" "$pg_cluster" start
fi
psql_postgres() { su postgres -c "psql -tAc \"$1\""; }
if [ "$(psql_postgres "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
	# SUPERUSER so that tests can create a fresh database each.
	psql_postgres "CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'" >/dev/null
fi
if [ "$(psql_postgres "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
	su postgres -c "createdb -O $PG_USER $PG_DB"
fi

# Docker engine: start dockerd when no engine answers, then wait for it.
if ! docker info >/dev/null 2>&1; then
	log "starting dockerd"
	nohup dockerd >/var/log/berth-dockerd.log 2>&1 &
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && break
		sleep 1
	done
	docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/berth-dockerd.log"; exit 1; }
fi

# The Go builder image, made from this machine's own Go toolchain: empty tmp/
# (mode 1777) and root/, then GOROOT and the CA certificates. It is labelled
# with the Go version and made again when the machine's Go changes.
go_version=$(go env GOVERSION)
built_version=$(docker image inspect -f '{{index .Config.Labels "go.version"}}' "$BUILDER_IMAGE" 2>/dev/null || true)
if [ "$built_version" != "$go_version" ]; then
	goroot=$(go env GOROOT)
	log "building $BUILDER_IMAGE from $goroot"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/fs/tmp" "$work/fs/root"
	chmod 1777 "$work/fs/tmp"
	tar -C "$work/fs" -cf "$work/img.tar" tmp root
	mkdir -p "$work/fs/usr/local"
	if [ "$goroot" != /usr/local/go ]; then
		ln -s "$goroot" "$work/fs/usr/local/go"
		tar -C "$work/fs" -rhf "$work/img.tar" usr/local/go
	else
		tar -C / -rf "$work/img.tar" usr/local/go
	fi
	tar -C / -rf "$work/img.tar" etc/ssl/certs
	docker import -c 'ENV PATH=/usr/local/go/bin:/usr/bin:/bin' -c 'ENV HOME=/root' \
		-c "LABEL go.version=$go_version" "$work/img.tar" "$BUILDER_IMAGE" >/dev/null
fi
# The Pulumi CLI of the engine test tier (internal/enginetest), built from
# tools/pulumi at the version its go.mod pins, once per version, into
# $BERTH_TOOLS_CACHE (default ~/.cache/berth)/pulumi-VERSION/bin/pulumi,
# where the tests look for it. About 14 minutes and 170 MB the first time;
# the Go build cache makes a rebuild after a cache wipe faster.
pulumi_version=$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" {print $3}' tools/pulumi/go.mod)
tools_cache=${BERTH_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth}
pulumi_root=$tools_cache/pulumi-$pulumi_version
if [ "$("$pulumi_root/bin/pulumi" version 2>/dev/null)" != "$pulumi_version" ]; then
	log "building the Pulumi CLI $pulumi_version into $pulumi_root (about 14 minutes the first time)"
	mkdir -p "$pulumi_root/bin"
	(cd tools/pulumi && go build -p 1 -o "$pulumi_root/bin/pulumi.tmp" \
		-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version" \
		github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
	mv "$pulumi_root/bin/pulumi.tmp" "$pulumi_root/bin/pulumi"
fi

# The YAML language host that runs the README's YAML program under that CLI
# (internal/enginetest/languages), go-installed from the module proxy at an
# exact version, once per version, into
# $BERTH_TOOLS_CACHE/pulumi-language-yaml-VERSION/bin, where
# internal/pulumicli.FindYAMLHost looks for it. The version is stamped with
# the same -X flag pulumi-yaml's own Makefile sets, since the host reports it
# as its plugin version. About 1.5 minutes the first time.
yaml_version=v1.25.0
yaml_root=$tools_cache/pulumi-language-yaml-$yaml_version
if ! go version -m "$yaml_root/bin/pulumi-language-yaml" 2>/dev/null | grep -q "^[[:space:]]mod[[:space:]]github.com/pulumi/pulumi-yaml[[:space:]]$yaml_version[[:space:]]"; then
	log "building pulumi-language-yaml $yaml_version into $yaml_root (about 1.5 minutes the first time)"
	mkdir -p "$yaml_root/bin"
	GOFLAGS=-mod=mod GOBIN="$yaml_root/bin" go install -p 1 \
		-ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=${yaml_version#v}" \
		"github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yaml_version"
fi

log "ready: PostgreSQL at postgres://$PG_USER:***@127.0.0.1:5432/$PG_DB, Docker engine, $BUILDER_IMAGE, Pulumi CLI $pulumi_version, pulumi-language-yaml $yaml_version"
