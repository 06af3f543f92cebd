package io.snakebridge.internal.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes a worker started, which stopping the worker must stop too: its descendants, and on
 * Linux every process of the worker's process group (the worker makes itself a group leader at
 * start-up, WIRE-PROTOCOL.md §1; or of its session, should it lead one). The group also holds a
 * daemon that left its parent, and the children of a worker that already died.
 *
 * <p>The group is searched only while the worker's pid still names the worker: it has not been
 * reaped, or no process has that pid any more. Linux never hands out a pid that is still some
 * process's group or session id, so no unrelated process can match then.
 *
 * <p>Stateless; thread-safe.
 */
final class WorkerDescendants {
  private static final Path PROC = Path.of("/proc");
  private static final boolean LINUX =
      System.getProperty("os.name", "").startsWith("Linux") && Files.isDirectory(PROC);

  private WorkerDescendants() {}

  /**
   * Returns the processes {@code worker} started, found now, so that they can be signalled after
   * the worker itself (once it is dead its children are no longer its descendants).
   *
   * @param workerNotReaped whether the worker's process has not been reaped yet, so its pid is
   *     certainly still its own
   */
  static List<ProcessHandle> of(ProcessHandle worker, boolean workerNotReaped) {
    long pid = worker.pid();
    Set<Long> found = new LinkedHashSet<>();
    if (LINUX) {
      Map<Long, Stat> processes = scan();
      if (!workerNotReaped && processes.containsKey(pid)) {
        return List.of(); // the pid was handed out again: nothing there is ours
      }
      Map<Long, List<Long>> children = new HashMap<>();
      processes.forEach(
          (child, stat) ->
              children.computeIfAbsent(stat.parent, parent -> new ArrayList<>()).add(child));
      Deque<Long> pending = new ArrayDeque<>(children.getOrDefault(pid, List.of()));
      while (!pending.isEmpty()) {
        long next = pending.pop();
        if (found.add(next)) {
          pending.addAll(children.getOrDefault(next, List.of()));
        }
      }
      processes.forEach(
          (member, stat) -> {
            if (member != pid && !stat.zombie && (stat.group == pid || stat.session == pid)) {
              found.add(member);
            }
          });
    } else {
      try {
        worker.descendants().forEach(process -> found.add(process.pid()));
      } catch (RuntimeException e) {
        // Processes that cannot be listed (a sandbox): nothing more to find.
      }
    }
    List<ProcessHandle> handles = new ArrayList<>();
    for (long member : found) {
      ProcessHandle.of(member).ifPresent(handles::add); // pins its start time: pid reuse is safe
    }
    return handles;
  }

  /** What {@code /proc/N/stat} says about a process. */
  private static final class Stat {
    final boolean zombie;
    final long parent;
    final long group;
    final long session;

    Stat(boolean zombie, long parent, long group, long session) {
      this.zombie = zombie;
      this.parent = parent;
      this.group = group;
      this.session = session;
    }
  }

  /** Every process, by pid; an empty map if /proc cannot be read. */
  private static Map<Long, Stat> scan() {
    Map<Long, Stat> processes = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          stat(entry).ifPresent(stat -> processes.put(Long.parseLong(name), stat));
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: nothing can be found.
    }
    return processes;
  }

  /**
   * Reads {@code /proc/N/stat}: "N (command) state ppid pgrp session ...", where the command may
   * hold spaces and parentheses. Empty for a process that is gone or an unreadable file.
   */
  private static Optional<Stat> stat(Path process) {
    try {
      String text = new String(Files.readAllBytes(process.resolve("stat")), StandardCharsets.UTF_8);
      int end = text.lastIndexOf(')');
      if (end < 0) {
        return Optional.empty();
      }
      String[] fields = text.substring(end + 1).trim().split(" ");
      if (fields.length < 4) {
        return Optional.empty();
      }
      return Optional.of(
          new Stat(
              fields[0].equals("Z"),
              Long.parseLong(fields[1]),
              Long.parseLong(fields[2]),
              Long.parseLong(fields[3])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
