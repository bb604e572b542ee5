# syntax=docker/dockerfile:1
#
# HART Batch render worker for NVIDIA GPUs (CUDA 12.4).
#
#   docker build -f ops/docker/render-worker.Dockerfile -t hartbatch/render-worker:dev .
#
# Build context = repository root. The `cuda` Maven profile swaps DJL's pytorch-native-cpu for
# pytorch-native-cu124 2.5.1 (a 2.4 GB jar from Maven Central): libtorch and its CUDA libraries
# come from that jar, so the base image only has to match the CUDA major version; the NVIDIA driver
# comes from the node (NVIDIA container toolkit / GPU operator).
#
# At run time the image downloads nothing:
#   - -Dai.djl.offline=true makes any attempt of DJL to fetch libtorch fail at once;
#   - DJL extracts the bundled natives (several GB for CUDA) into DJL_CACHE_DIR on first start;
#     mount a volume there (ops/k8s: an emptyDir per pod) so the root file system can stay read-only;
#   - model weights are not in the image: mount them read-only at /models (ops/k8s: a PVC) and
#     point the worker at them (docs/operations.md, "Model installation").

ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy
ARG CUDA_IMAGE=nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -Pcuda -pl render-worker -am package -DskipTests

FROM ${JRE_IMAGE} AS jre

FROM ${CUDA_IMAGE}
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN useradd --system --uid 185 --gid 0 --home-dir /deployments --no-create-home hartbatch \
    && mkdir -p /var/cache/djl /models \
    && chown 185:0 /var/cache/djl
WORKDIR /deployments
COPY --from=build --chown=185:0 /src/render-worker/target/quarkus-app/lib/ lib/
COPY --from=build --chown=185:0 /src/render-worker/target/quarkus-app/*.jar ./
COPY --from=build --chown=185:0 /src/render-worker/target/quarkus-app/app/ app/
COPY --from=build --chown=185:0 /src/render-worker/target/quarkus-app/quarkus/ quarkus/
USER 185
# Heap stays small: tensors live in native (host and GPU) memory outside it.
# MALLOC_MMAP_THRESHOLD_ makes glibc hand freed native buffers back to the OS.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true -Djava.net.preferIPv4Stack=true" \
    DJL_CACHE_DIR=/var/cache/djl \
    MALLOC_MMAP_THRESHOLD_=131072 \
    QUARKUS_HTTP_HOST=0.0.0.0
VOLUME ["/var/cache/djl"]
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
