package dev.edge.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import dev.edge.config.Memory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back once the edge is idle. The edge runs as {@code java -jar edge.jar}, so it gets
 * the JVM's defaults: G1 with a maximum heap of a quarter of the machine, which it grows during
 * start-up and under load and keeps, and glibc malloc arenas that keep what threads freed. Every
 * {@code --memory-release-idle-ms} a daemon thread (never an event loop) looks at the interval just
 * past; once an interval was idle (no request finished and the process used under {@link
 * #IDLE_CPU_SHARE} of one core) after a busy one, or after start-up, it releases, once:
 *
 * <ol>
 *   <li>sets the manageable {@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio} to {@link
 *       #MIN_FREE}/{@link #MAX_FREE} %, runs one full GC ({@code System.gc()}, which shrinks the
 *       heap to its live data plus that much free), and restores the ratios, so the sizing under
 *       load stays G1's own;
 *   <li>runs the {@code System.trim_native_heap} diagnostic command (glibc {@code malloc_trim}),
 *       where the JVM has it.
 * </ol>
 *
 * <p>Measured (PERFORMANCE_HISTORY.md, 2026-12-08): an idle edge with 2 demo workers went from 227
 * MB to about 135 MB RSS. The cost is one full GC of a small heap (a few tens of ms) while nothing
 * is being served.
 */
public final class IdleMemoryRelease {

  /** Heap kept free after the release, at least, in % of the heap. */
  static final int MIN_FREE = 10;

  /** Heap kept free after the release, at most, in % of the heap. */
  static final int MAX_FREE = 20;

  /** An interval in which the edge used less CPU than this share of one core is idle. */
  static final double IDLE_CPU_SHARE = 0.02;

  private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryRelease.class);

  private final Memory settings;
  private final LongSupplier requests;
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final AtomicLong releases = new AtomicLong();
  private final boolean trimAvailable = trimAvailable();
  private ScheduledExecutorService timer;
  private long lastRequests;
  private long lastCpuNanos;
  private boolean busySinceRelease = true;

  private IdleMemoryRelease(Memory settings, LongSupplier requests) {
    this.settings = settings;
    this.requests = requests;
  }

  /**
   * Starts watching for idleness, unless the release is off. {@code requests} counts the requests
   * finished so far.
   */
  public static IdleMemoryRelease start(Memory settings, LongSupplier requests) {
    IdleMemoryRelease release = new IdleMemoryRelease(settings, requests);
    if (settings.releaseEnabled()) {
      long period = settings.releaseIdle().toMillis();
      release.lastRequests = requests.getAsLong();
      release.lastCpuNanos = release.os.getProcessCpuTime();
      release.timer =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "edge-memory-release");
                thread.setDaemon(true);
                return thread;
              });
      release.timer.scheduleWithFixedDelay(release::check, period, period, TimeUnit.MILLISECONDS);
    }
    return release;
  }

  /** Stops watching (at shutdown). */
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** The {@code memory} section of {@code /diagnostics}. */
  public Map<String, Object> describe() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("releaseIdleMs", settings.releaseIdle().toMillis());
    doc.put("releases", releases.get());
    doc.put("trimNativeHeap", trimAvailable);
    doc.put("heapCommittedBytes", heap.getCommitted());
    doc.put("heapUsedBytes", heap.getUsed());
    doc.put("heapMaxBytes", heap.getMax());
    return doc;
  }

  private void check() {
    try {
      long nowRequests = requests.getAsLong();
      long nowCpu = os.getProcessCpuTime();
      double cpuShare = (nowCpu - lastCpuNanos) / (double) settings.releaseIdle().toNanos();
      boolean idle = nowRequests == lastRequests && cpuShare < IDLE_CPU_SHARE;
      if (!idle) {
        busySinceRelease = true;
      } else if (busySinceRelease) {
        busySinceRelease = false;
        release();
        nowCpu = os.getProcessCpuTime(); // the release's own CPU does not make the next busy
      }
      lastRequests = nowRequests;
      lastCpuNanos = nowCpu;
    } catch (RuntimeException e) {
      LOG.warn("idle memory release failed: {}", e.toString());
    }
  }

  private void release() {
    HotSpotDiagnosticMXBean hotspot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String minFree = hotspot.getVMOption("MinHeapFreeRatio").getValue();
    String maxFree = hotspot.getVMOption("MaxHeapFreeRatio").getValue();
    try {
      // The JVM refuses a Min above Max: lower Min first, raise Max first when restoring.
      hotspot.setVMOption("MinHeapFreeRatio", Integer.toString(MIN_FREE));
      hotspot.setVMOption("MaxHeapFreeRatio", Integer.toString(MAX_FREE));
      System.gc();
    } finally {
      hotspot.setVMOption("MaxHeapFreeRatio", maxFree);
      hotspot.setVMOption("MinHeapFreeRatio", minFree);
    }
    if (trimAvailable) {
      invokeTrim();
    }
    releases.incrementAndGet();
  }

  private static boolean trimAvailable() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (var op : server.getMBeanInfo(diagnosticCommand()).getOperations()) {
        if (op.getName().equals("systemTrimNativeHeap")) {
          return System.getProperty("os.name", "").startsWith("Linux");
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private static void invokeTrim() {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .invoke(
              diagnosticCommand(),
              "systemTrimNativeHeap",
              new Object[] {new String[0]},
              new String[] {String[].class.getName()});
    } catch (Exception e) {
      LOG.warn("System.trim_native_heap failed: {}", e.toString());
    }
  }

  private static ObjectName diagnosticCommand() throws Exception {
    return new ObjectName("com.sun.management:type=DiagnosticCommand");
  }
}
