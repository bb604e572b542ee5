# syntax=docker/dockerfile:1
#
# HART Batch ingest service: REST API, catalog producer, Kafka Streams progress.
#
#   docker build -f ops/docker/ingest.Dockerfile -t hartbatch/ingest:dev .
#
# Build context = repository root. The build stage needs Maven Central; the image needs nothing
# from the network at run time. Configuration comes from the environment or from a file mounted at
# /deployments/config/application.properties (see ops/k8s/ingest-configmap.yaml).

ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds; it never ends up in an image layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl ingest -am package -DskipTests

FROM ${JRE_IMAGE}
# UID 185 as in Quarkus's own images; the pod's securityContext runs as this non-root user.
RUN useradd --system --uid 185 --gid 0 --home-dir /deployments --no-create-home hartbatch
WORKDIR /deployments
# Quarkus fast-jar: dependencies first (change rarely), the application last (changes every build).
COPY --from=build --chown=185:0 /src/ingest/target/quarkus-app/lib/ lib/
COPY --from=build --chown=185:0 /src/ingest/target/quarkus-app/*.jar ./
COPY --from=build --chown=185:0 /src/ingest/target/quarkus-app/app/ app/
COPY --from=build --chown=185:0 /src/ingest/target/quarkus-app/quarkus/ quarkus/
USER 185
ENV JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true" \
    QUARKUS_HTTP_HOST=0.0.0.0
EXPOSE 8080
# exec: the JVM is PID 1 and receives SIGTERM directly, so Quarkus shuts down gracefully.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
