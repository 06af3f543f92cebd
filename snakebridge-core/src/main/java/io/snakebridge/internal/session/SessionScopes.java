package io.snakebridge.internal.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who is inside each explicit session, JVM-wide: the threads in a {@code
 * SessionContext.withSession} block for it (or in {@code SessionContext.run}), the open handles of
 * {@code SessionContext.open}, and the asynchronous calls started inside one. A session id is just
 * an id, valid in every runtime; when its last owner leaves, every runtime that knows the session
 * releases it.
 *
 * <p>Thread-safe. Owner counts change inside {@link ConcurrentHashMap#compute} on the session's
 * key, so an entry and a concurrent leave are ordered; the runtimes detach the ended session inside
 * that same update (CPU only) and release it in their workers afterwards, in the background: the
 * thread leaving its block never waits for a busy worker.
 */
public final class SessionScopes {
  private static final ConcurrentHashMap<String, Owners> OWNERS = new ConcurrentHashMap<>();
  private static final CopyOnWriteArrayList<SessionTable> TABLES = new CopyOnWriteArrayList<>();

  /** The owners of one session; only touched inside {@code compute} on its key. */
  private static final class Owners {
    final Map<Thread, Integer> threads = new HashMap<>(4);
    int asyncCalls;
    int handles;

    boolean isEmpty() {
      return threads.isEmpty() && asyncCalls == 0 && handles == 0;
    }
  }

  private SessionScopes() {}

  static void register(SessionTable table) {
    TABLES.add(table);
  }

  static void unregister(SessionTable table) {
    TABLES.remove(table);
  }

  /** The current thread enters session {@code id} (blocks may nest). */
  public static void enter(String id) {
    Thread thread = Thread.currentThread();
    OWNERS.compute(
        id,
        (key, owners) -> {
          Owners updated = owners == null ? new Owners() : owners;
          updated.threads.merge(thread, 1, Integer::sum);
          return updated;
        });
  }

  /** The current thread leaves session {@code id}; the last owner's leaving releases it. */
  public static void leave(String id) {
    Thread thread = Thread.currentThread();
    end(id, owners -> owners.threads.computeIfPresent(thread, (t, n) -> n == 1 ? null : n - 1));
  }

  /** An open handle ({@code SessionContext.open}) becomes an owner of session {@code id}. */
  public static void open(String id) {
    OWNERS.compute(
        id,
        (key, owners) -> {
          Owners updated = owners == null ? new Owners() : owners;
          updated.handles++;
          return updated;
        });
  }

  /** An open handle closes; if it was the last owner, the session is released. */
  public static void close(String id) {
    end(id, owners -> owners.handles--);
  }

  /**
   * Counts an asynchronous call as an owner of session {@code id} while it runs, if the session has
   * owners now; returns whether it did (then {@link #releaseAsync} must follow).
   */
  public static boolean retainAsync(String id) {
    boolean[] retained = {false};
    OWNERS.computeIfPresent(
        id,
        (key, owners) -> {
          owners.asyncCalls++;
          retained[0] = true;
          return owners;
        });
    return retained[0];
  }

  /** An asynchronous call counted by {@link #retainAsync} has completed. */
  public static void releaseAsync(String id) {
    end(id, owners -> owners.asyncCalls--);
  }

  private static void end(String id, java.util.function.Consumer<Owners> leaving) {
    List<SessionTable.Ending> endings = new ArrayList<>(1);
    OWNERS.computeIfPresent(
        id,
        (key, owners) -> {
          leaving.accept(owners);
          if (!owners.isEmpty()) {
            return owners;
          }
          for (SessionTable table : TABLES) {
            SessionTable.Ending ending = table.detach(id);
            if (ending != null) {
              endings.add(ending);
            }
          }
          return null;
        });
    for (SessionTable.Ending ending : endings) {
      ending.releaseInBackground();
    }
  }
}
