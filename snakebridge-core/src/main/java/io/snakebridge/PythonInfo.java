package io.snakebridge;

import java.util.Objects;

/**
 * What a worker reported about its interpreter in the handshake: a value, immutable and
 * thread-safe.
 *
 * <pre>{@code
 * PythonInfo info = SnakeBridge.runtime().pythonInfo();
 * info.version();     // "3.12.3"
 * info.executable();  // "/usr/bin/python3.12", the real interpreter, also behind a pyenv shim
 * }</pre>
 *
 * @param executable {@code sys.executable}: the interpreter's real path
 * @param version {@code platform.python_version()}, e.g. {@code 3.12.3}
 * @param implementation {@code sys.implementation.name}, e.g. {@code cpython}
 * @param pid the worker's process id
 * @param protocolVersion the wire protocol version both sides agreed on
 * @since 0.1
 */
public record PythonInfo(
    String executable, String version, String implementation, long pid, int protocolVersion) {

  /** Checks that the text fields are present. */
  public PythonInfo {
    Objects.requireNonNull(executable, "executable");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(implementation, "implementation");
  }
}
