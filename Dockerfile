# syntax=docker/dockerfile:1
# Build stage: the same Maven build as on a developer machine, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY operator/pom.xml operator/
RUN mvn -B -q -pl operator -am dependency:go-offline
COPY operator/src operator/src
# No launcher or class-data-sharing archive here: the archive must come from the runtime JVM.
RUN mvn -B -q -pl operator -am package -DskipTests -Dvigil.cds.skip=true

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
# A class-data-sharing archive of the classes a scan loads (and of the JDK's default archive,
# which it replaces), written by this image's own JVM (an archive only fits the JVM build that
# wrote it): a training scan of an image it serves on 127.0.0.1 lists the classes, then the JVM
# dumps them. It makes `vigil scan` and the operator start faster (docs/performance.md, "Cold
# CLI scans"). Exec form: distroless has no shell.
USER 0:0
RUN ["java", "-XX:DumpLoadedClassList=/app/vigil.classlist", "-XX:+UseSerialGC", "-Xlog:disable", "-Xlog:all=warning:stderr", "-cp", "/app/vigil.jar", "dev.vigil.cli.ArchiveTraining"]
RUN ["java", "-Xshare:dump", "-XX:SharedClassListFile=/app/vigil.classlist", "-XX:SharedArchiveFile=/app/vigil.jsa", "-Xlog:disable", "-Xlog:all=error:stderr", "-cp", "/app/vigil.jar"]
USER 65532:65532
EXPOSE 8080
# -Xshare:auto and the -Xlog options: should the archive not fit, the JVM starts without it and
# says nothing (its warnings would otherwise go to stdout, into `vigil scan -o json`).
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/vigil.jsa", "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr", "-jar", "/app/vigil.jar"]
CMD ["operator"]
