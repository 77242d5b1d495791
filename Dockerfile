# Plateau: runs `plateau serve` (PostgreSQL via PLATEAU_DATABASE_URL). Mirrors .ci/run's install.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PLATEAU_DATA_DIR=/data PLATEAU_HOST=0.0.0.0 PLATEAU_PORT=8443

# The jury's French writing aid (grammar with Grammalecte, spelling with Hunspell's French
# dictionary), as .ci/run installs them: Debian's packages, found by server/writing/debian_libs.py.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-grammalecte python3-hunspell hunspell-fr \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY server ./server
COPY alembic ./alembic
COPY scenarios ./scenarios
COPY softphone_web ./softphone_web
RUN python3 -m venv /app/.venv && /app/.venv/bin/pip install --no-cache-dir -e .
ENV PATH="/app/.venv/bin:$PATH"

VOLUME ["/data"]
EXPOSE 8443
# Migrate, then serve over HTTPS (certificate from PLATEAU_TLS_CERT/KEY, or the local authority).
CMD ["sh", "-c", "plateau db upgrade && exec plateau serve"]
