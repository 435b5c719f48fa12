package dev.edge.config;

import java.time.Duration;
import java.util.List;

/**
 * How the edge looks after an app's workers: health checks, the restart budget, recycling, rolling
 * restarts and reload triggers. Defaults are in {@link OptionsParser#OPTIONS} and {@code
 * docs/edge/CONTRACTS.md}.
 *
 * @param healthInterval time between active health checks of a READY worker
 * @param healthTimeout how long one health check may take
 * @param healthFailures consecutive failed checks that make a worker unhealthy (drained, replaced)
 * @param maxRestarts failures of one slot tolerated within {@code restartWindow}; one more abandons
 *     the slot
 * @param restartWindow the window of the restart budget
 * @param maxRequests requests after which a worker is recycled; 0 = never
 * @param maxAge age after which a worker is recycled; zero = never
 * @param drainTimeout how long a draining worker may take to finish its in-flight requests
 * @param rollParallelism workers started at once during a rolling restart
 * @param watch files, directories or globs whose change triggers a rolling restart
 * @param watchDebounce quiet time after the last change before the restart starts
 * @param shutdownGrace how long a stopping edge lets in-flight and queued requests finish
 */
public record Supervision(
    Duration healthInterval,
    Duration healthTimeout,
    int healthFailures,
    int maxRestarts,
    Duration restartWindow,
    long maxRequests,
    Duration maxAge,
    Duration drainTimeout,
    int rollParallelism,
    List<String> watch,
    Duration watchDebounce,
    Duration shutdownGrace) {}
