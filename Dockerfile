# harvester as a service: `docker run -e HARVESTER_TOKEN=... -p 8080:8080 -v harvester-data:/data
# -v ./reviews:/reviews:ro IMAGE serve /reviews` runs every review in ./reviews on its schedule,
# with the status page on port 8080; `docker run ... IMAGE run /reviews/x.toml` runs one once.
# See docs/service.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HARVESTER_DB=/data/harvester.duckdb \
    HARVESTER_HOST=0.0.0.0 \
    HARVESTER_PORT=8080

# tini is PID 1: it reaps zombies and hands SIGTERM to harvester, which then stops after the
# current page is committed (harvester handles SIGTERM itself too, as PID 1 or not).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY harvester ./harvester
COPY connectors ./connectors
RUN pip install --no-cache-dir -c constraints.txt .
COPY config ./config

RUN useradd --create-home --uid 10001 harvester \
    && mkdir -p /data \
    && chown harvester:harvester /data
USER harvester
VOLUME ["/data"]

# The status page. Off loopback it needs a token: set HARVESTER_TOKEN.
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "harvester.service.healthcheck"]

ENTRYPOINT ["tini", "--", "harvester"]
CMD ["serve", "config/reviews/egov-oss.toml"]
