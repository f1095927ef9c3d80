# syntax=docker/dockerfile:1
# Multi-stage build. The builder installs the toolchain exactly as
# scripts/setup does on a developer's machine and in CI; the runtime image is
# Debian slim with the binary, the site bundle, CA roots and CJK fonts (for
# server-side PDF export of Korean résumés).

FROM rust:1.95-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV PROOFOLIO_CACHE=/opt/proofolio
# Tools first, so they stay cached while the sources change.
COPY scripts/ scripts/
COPY Cargo.lock ./
RUN scripts/setup
COPY . .
RUN . scripts/env.sh \
 && cargo leptos build --release \
 && install -D "$CARGO_TARGET_DIR/release/server" /out/server \
 && cp -r target/site /out/site

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /app proofolio
WORKDIR /app
COPY --from=builder /out/server /app/server
COPY --from=builder /out/site /app/site
ENV LEPTOS_OUTPUT_NAME=proofolio \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_ENV=PROD \
    PROOFOLIO__PROFILE=production
USER proofolio
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/app/server"]
