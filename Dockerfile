# Build: docker build -t edge .    Run: docker run -p 8080:8080 edge
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# util-linux: setpriv lets the kernel stop workers if the edge is killed; chrt starts them
# under SCHED_BATCH (docs/edge/WORKER_PROTOCOL.md).
RUN apt-get update && apt-get install -y --no-install-recommends util-linux && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home edge
USER edge
WORKDIR /home/edge
COPY --from=build /src/target/edge.jar /opt/edge/edge.jar
COPY --from=build /src/target/edge-worker.jar /opt/edge/edge-worker.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/edge/edge.jar"]
