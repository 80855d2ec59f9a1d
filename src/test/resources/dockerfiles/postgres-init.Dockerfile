# expect: stages=1 needed=1
FROM postgres:16
ENV POSTGRES_DB=app
COPY --chmod=755 <<'EOF' /docker-entrypoint-initdb.d/init.sh
#!/bin/bash
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
	CREATE USER docker;
EOSQL
EOF
EXPOSE 5432
