package dev.edge.buffer;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one buffer's file operations one at a time, in submission order, on a shared pool: a write
 * is never overtaken by a read or a delete of the same file, while different buffers' operations
 * run in parallel. After a batch of tasks it hands its thread back, so one busy buffer cannot hold
 * a pool thread forever.
 */
final class SerialQueue implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger("edge.errors");
  private static final int BATCH = 16;

  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;

  SerialQueue(Executor pool) {
    this.pool = pool;
  }

  /**
   * Queues {@code task}; throws {@link RejectedExecutionException} (and forgets the queued tasks)
   * when the pool no longer runs tasks.
   */
  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    schedule();
  }

  private void schedule() {
    try {
      pool.execute(this::runBatch);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        tasks.clear();
        scheduled = false;
      }
      throw e;
    }
  }

  private void runBatch() {
    int budget = BATCH;
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          scheduled = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.error("buffer_io_task_failed", e);
      }
      if (--budget == 0) {
        try {
          pool.execute(this::runBatch);
          return;
        } catch (RejectedExecutionException e) {
          budget = Integer.MAX_VALUE; // the pool is stopping: finish this queue here
        }
      }
    }
  }
}
