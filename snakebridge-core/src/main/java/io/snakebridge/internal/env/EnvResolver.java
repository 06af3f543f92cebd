package io.snakebridge.internal.env;

import io.snakebridge.SnakeBridgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Resolves requirements into an {@link EnvLock} with pip's own resolver: {@code pip install
 * --dry-run --ignore-installed --report} in a throwaway venv of the base interpreter (so the base's
 * own packages, and a system Python's "externally managed" marker, play no part). pip's
 * configuration (index, find-links, certificates) is used as it is.
 *
 * <p>Stateless and thread-safe.
 */
public final class EnvResolver {
  private EnvResolver() {}

  /** Runs inside the throwaway venv: calls pip, reads its report, prints the pins. */
  static final String SCRIPT =
      String.join(
          "\n",
          "import hashlib, json, os, platform, subprocess, sys, urllib.parse, urllib.request",
          "report = sys.argv[1]",
          "cmd = [sys.executable, '-m', 'pip', 'install', '--dry-run', '--ignore-installed',",
          "       '--report', report, '--retries', '0', '--progress-bar', 'off'] + sys.argv[2:]",
          "code = subprocess.call(cmd, stdout=sys.stderr)",
          "if code:",
          "    sys.exit(code)",
          "from pip._vendor.packaging.tags import sys_tags",
          "print('python\\t' + '\\t'.join([platform.python_version(), sys.implementation.name,",
          "      sys.platform, platform.machine(), str(next(iter(sys_tags())))]))",
          "with open(report, encoding='utf-8') as f:",
          "    data = json.load(f)",
          "for item in data.get('install', []):",
          "    info = item['download_info']",
          "    name = item['metadata']['name']",
          "    url = info['url']",
          "    if 'archive_info' not in info:",
          "        sys.stderr.write('cannot lock ' + name + ' from ' + url",
          "                         + ': only archives (wheels, sdists) can be pinned by hash\\n')",
          "        sys.exit(3)",
          "    archive = info['archive_info']",
          "    digest = (archive.get('hashes') or {}).get('sha256')",
          "    if not digest and (archive.get('hash') or '').startswith('sha256='):",
          "        digest = archive['hash'][7:]",
          "    if not digest:",
          "        with urllib.request.urlopen(url) as r:",
          "            digest = hashlib.sha256(r.read()).hexdigest()",
          "    print('package\\t' + '\\t'.join([name, item['metadata']['version'], url, digest]))");

  /**
   * Resolves {@code requirements} (and {@code -r file} entries in {@code pipArguments}).
   *
   * @param base the base interpreter command
   * @param requirements pip specifiers
   * @param requirementsFile a requirements file, or null
   * @param pipOptions passed to pip as they are
   * @param inputs the {@link EnvLock#inputsHash} to record
   * @param generator who made the lock, e.g. {@code snakebridge 0.1.0}
   * @param progress receives pip's output line by line
   */
  public static EnvLock resolve(
      String base,
      List<String> requirements,
      @Nullable Path requirementsFile,
      List<String> pipOptions,
      String inputs,
      String generator,
      Consumer<String> progress) {
    if (requirements.isEmpty() && requirementsFile == null) {
      throw new IllegalArgumentException(
          "nothing to lock: no requirements and no requirements file");
    }
    Path work;
    try {
      work = Files.createTempDirectory("snakebridge-lock");
    } catch (IOException e) {
      throw new SnakeBridgeException("cannot create a temporary folder to resolve in", e);
    }
    try {
      Path venv = work.resolve("venv");
      progress.accept("Creating a throwaway venv with " + base + " to resolve in");
      PythonProcess.Result made =
          PythonProcess.run(List.of(base, "-m", "venv", venv.toString()), progress, true);
      if (made.exitCode() != 0) {
        throw new SnakeBridgeException("'" + base + " -m venv' failed: " + made.failure());
      }
      List<String> command = new ArrayList<>();
      command.add(PythonProcess.venvPython(venv).toString());
      command.add("-c");
      command.add(SCRIPT);
      command.add(work.resolve("report.json").toString());
      command.addAll(pipOptions);
      command.addAll(requirements);
      if (requirementsFile != null) {
        command.add("-r");
        command.add(requirementsFile.toAbsolutePath().toString());
      }
      PythonProcess.Result result = PythonProcess.run(command, progress, false);
      if (result.exitCode() != 0) {
        throw new SnakeBridgeException(
            "pip could not resolve "
                + requirements
                + (requirementsFile == null ? "" : " and " + requirementsFile)
                + ": "
                + result.failure());
      }
      EnvLock.PythonPlatform python = null;
      List<EnvLock.LockedPackage> packages = new ArrayList<>();
      for (String line : result.stdout()) {
        String[] f = line.split("\t", -1);
        if (f[0].equals("python") && f.length == 6) {
          python = new EnvLock.PythonPlatform(f[1], f[2], f[3], f[4], f[5]);
        } else if (f[0].equals("package") && f.length == 5) {
          packages.add(new EnvLock.LockedPackage(f[1], f[2], f[3], f[4]));
        }
      }
      if (python == null) {
        throw new SnakeBridgeException("the resolver printed no interpreter description");
      }
      return new EnvLock(generator, inputs, requirements, pipOptions, python, packages);
    } finally {
      Venvs.deleteTree(work);
    }
  }
}
