# harvester as a background service: `docker run -v harvester-data:/data IMAGE` runs the bundled
# review on its schedule; `docker run ... IMAGE run config/reviews/egov-oss.toml` runs it once.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HARVESTER_DB=/data/harvester.duckdb

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

ENTRYPOINT ["harvester"]
CMD ["serve", "config/reviews/egov-oss.toml"]
