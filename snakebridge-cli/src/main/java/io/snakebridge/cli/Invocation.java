package io.snakebridge.cli;

import io.snakebridge.CallOptions;
import io.snakebridge.CallTimeoutException;
import io.snakebridge.PythonException;
import io.snakebridge.SnakeBridgeException;
import io.snakebridge.SnakeBridgeRuntime;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Runs {@code call} and {@code attr}: one short-lived runtime with one worker, one request, the
 * result printed by {@link PythonText} or {@link JsonWriter}.
 */
final class Invocation {
  private Invocation() {}

  static int run(CommandLine line, PrintStream out, PrintStream err) {
    try (SnakeBridgeRuntime runtime = line.openRuntime()) {
      Object result;
      // The command line names a module and a member for both commands.
      String module = Objects.requireNonNull(line.module(), "module");
      String member = Objects.requireNonNull(line.member(), "member");
      if (line.command() == CommandLine.Command.CALL) {
        CallOptions options = CallOptions.defaults().kwargs(line.kwargs());
        result = runtime.call(module, member, options, line.args().toArray());
      } else {
        result = runtime.getModuleAttr(module, member);
      }
      out.println(line.json() ? JsonWriter.write(result) : PythonText.str(result));
      return Main.OK;
    } catch (PythonException e) {
      err.println(e.pythonType() + ": " + e.pythonMessage());
      // Without Python frames (a C function raised) the traceback is only the line above again.
      String traceback = e.pythonTraceback();
      if (traceback != null && traceback.contains("Traceback (most recent call last)")) {
        err.print(traceback.endsWith("\n") ? traceback : traceback + "\n");
      }
      return Main.FAILED;
    } catch (CallTimeoutException e) {
      err.println("snakebridge: timed out: " + e.getMessage());
      return Main.FAILED;
    } catch (SnakeBridgeException | IllegalArgumentException | IllegalStateException e) {
      // IllegalArgument/State: the runtime refused a setting, e.g. a --path that is not a folder.
      err.println("snakebridge: " + e.getMessage());
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        err.println("  caused by: " + cause);
      }
      PythonChoice.hint(e).ifPresent(hint -> err.println("  " + hint));
      return Main.FAILED;
    }
  }
}
