# syntax=docker/dockerfile:1
# Phantom ML Studio: one image for every process (`phantom api`, `phantom worker`,
# `phantom migrate`, `phantom queues`...). Three stages: the web app's build (Node), the
# Python environment exactly as uv.lock pins it (uv sync --frozen), and a slim runtime
# with neither Node nor uv nor compilers, running as an unprivileged user.
#
#   docker build -t phantom:$(git rev-parse --short HEAD) .
#   docker build --build-arg UV_EXTRAS="--extra s3 --extra h2o" --build-arg WITH_JAVA=1 ...
#
# Base images are pinned by version tag (the same Python minor as the lock's
# environment); add the digest your registry resolves them to (name:tag@sha256:...) when
# you first build: docs/deploy.md.

# --- 1. the web app ---------------------------------------------------------------------
FROM node:20.18.1-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY schema.graphql /src/schema.graphql
COPY frontend/ ./
RUN npm run build

# --- 2. the Python environment, from the lock -------------------------------------------
FROM python:3.11.11-slim-bookworm AS python
# the same uv the project pins (scripts/setup); its own venv, left behind in this stage
RUN python -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir "uv==0.13.8"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
# s3: the object store on S3 (PHANTOM_STORAGE_URL=s3://...); add "--extra h2o" for H2O
ARG UV_EXTRAS="--extra s3"
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
# dependencies first (a layer that survives code changes), exactly as locked, no dev extra
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project ${UV_EXTRAS}
COPY backend ./backend
COPY migrations ./migrations
COPY alembic.ini ./
# the project itself, editable: the code stays at /app/backend, beside migrations/ and
# frontend/dist, which phantom finds relative to its source (config.REPO_ROOT)
RUN /opt/uv/bin/uv sync --frozen --no-dev ${UV_EXTRAS}

# --- 3. the runtime ---------------------------------------------------------------------
FROM python:3.11.11-slim-bookworm AS runtime
ARG WITH_JAVA=0
# run-time libraries only: pango for the model report's PDF (WeasyPrint), fonts for it,
# OpenMP for LightGBM and XGBoost; Java 17 for a local H2O when asked for
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core libgomp1 \
    && if [ "$WITH_JAVA" = "1" ]; then \
        apt-get install -y --no-install-recommends openjdk-17-jre-headless; fi \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 phantom \
    && useradd --system --uid 10001 --gid phantom --create-home --home-dir /home/phantom \
        --shell /usr/sbin/nologin phantom
WORKDIR /app
COPY --from=python /app/.venv /app/.venv
COPY --from=python /app/backend /app/backend
COPY --from=python /app/migrations /app/migrations
COPY --from=python /app/alembic.ini /app/pyproject.toml /app/
COPY --from=web /src/frontend/dist /app/frontend/dist
# PHANTOM_VAR_DIR (model cache, scratch): the only directory of /app the user may write
RUN mkdir -p /app/var && chown phantom:phantom /app/var
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/phantom \
    PHANTOM_ENV=production \
    PHANTOM_VAR_DIR=/app/var \
    PHANTOM_LOG_JSON=true
USER 10001:10001
EXPOSE 8000
# /healthz when this container runs `phantom api` (its default command); a worker's
# container has no HTTP port and reports healthy while its process runs
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; cmd = open('/proc/1/cmdline', 'rb').read().split(b'\\0'); sys.exit(0) if b'api' not in cmd else urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["phantom"]
CMD ["api", "--host", "0.0.0.0", "--port", "8000"]
