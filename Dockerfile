# syntax=docker/dockerfile:1
# Build stage: the same Maven build as on a developer machine, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY operator/pom.xml operator/
RUN mvn -B -q -pl operator -am dependency:go-offline
COPY operator/src operator/src
RUN mvn -B -q -pl operator -am package -DskipTests

# Runtime stage: distroless Java 17, no shell, no package manager, runs as nonroot (65532).
FROM gcr.io/distroless/java17-debian12:nonroot
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="vigil" \
      org.opencontainers.image.description="Kubernetes operator that keeps watch over the container images a cluster runs" \
      org.opencontainers.image.source="https://github.com/vigil-dev/vigil" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build --chown=0:0 --chmod=0444 /src/operator/target/vigil.jar /app/vigil.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/vigil.jar"]
CMD ["operator"]
