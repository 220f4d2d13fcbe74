#!/usr/bin/env bash
# Re-run the database-sensitive tests against MariaDB/MySQL when one is reachable
# (with CI=true an unreachable server fails the run).
set -uo pipefail
PY=${1:-.venv/bin/python}
host=${ELSX_DB_HOST:-127.0.0.1}
port=${ELSX_DB_PORT:-3306}
if ! "$PY" - "$host" "$port" <<'PYEOF'
import sys
try:
    import MySQLdb
    MySQLdb.connect(host=sys.argv[1], port=int(sys.argv[2]), user="root", passwd="").close()
except Exception as exc:
    print(f"MariaDB not reachable at {sys.argv[1]}:{sys.argv[2]}: {exc}")
    sys.exit(1)
PYEOF
then
  # Locally a skip with its reason; with CI=true a failure (tests/services.py decides).
  exec "$PY" "$(dirname "$0")/services.py" missing \
    "database-sensitive tests on MariaDB (no server reachable); they ran on SQLite only"
fi
echo "== Database-sensitive tests on MariaDB at $host:$port"
ELSX_DB_ENGINE=mysql "$PY" -m pytest -q -m mysql tests -p no:cacheprovider
