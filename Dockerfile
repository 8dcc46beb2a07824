# syntax=docker/dockerfile:1
# deepread in a container: a builder stage makes the wheels, the runtime stage installs only
# them into a venv without pip, as a non-root user, the database and cache on the /data volume.
#
# These are the steps tests/test_package.py runs on every `make test` (the container itself
# cannot be started on our machines, so that test vouches for them): a wheel built from
# exactly pyproject.toml, README.md, bot/ and recommender/, installed into a fresh venv by an
# outside pip (`pip --python VENV install --no-index`), then `deepread` run from a folder that
# holds nothing of the checkout. See README, "Run it on a server".

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS builder
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY recommender ./recommender
# deepread's wheel and every dependency's (PostgreSQL driver included), for an offline install.
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres]"

FROM python:${PYTHON_VERSION}-slim AS runtime
RUN groupadd --system --gid 10001 deepread \
    && useradd --system --uid 10001 --gid deepread --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin deepread \
    && mkdir /data \
    && chown deepread:deepread /data
# The wheels are mounted for this step only: no layer keeps them, nor any build tool.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    python -m venv --without-pip /opt/deepread \
    && pip --python /opt/deepread/bin/python install --no-cache-dir --no-index \
        --find-links /wheels "deepread[postgres]==0.1.0"
ENV PATH=/opt/deepread/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/deepread.db \
    CACHE_DIR=/data/cache \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9100 \
    LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9100
# Ready: gateway connected and database answering (/healthz is 503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["deepread"]
CMD ["run"]
