"""The JVM classpath from ``deps.edn``, for machines without the official Clojure CLI.

Standard library only: ``bin/k9tf-clj`` loads this file directly, before any
virtual environment exists. When the official CLI is installed its
``clojure -Spath`` is used instead; otherwise the classpath is ``deps.edn``'s
``:paths`` (plus each alias's ``:extra-paths``) and the Debian jars that
provide its Maven dependencies.
"""

import os
import re
import shutil
import subprocess

DEBIAN_JARS = "/usr/share/java"

MAVEN_TO_DEBIAN = {
    "org.clojure/clojure": ["clojure.jar", "spec.alpha.jar", "core.specs.alpha.jar"],
    "org.clojure/data.json": ["data.json.jar"],
    "net.java.dev.jna/jna": ["jna.jar"],
    "nrepl/nrepl": ["nrepl.jar"],
}
"""Debian jars (in ``/usr/share/java``) that stand in for each Maven dependency."""

_TOKEN = re.compile(r'\s+|,|;[^\n]*|"(?:[^"\\]|\\.)*"|[{}\[\]()]|#_|[^\s,{}\[\]()";]+')


def read_edn(text):
    """Return the EDN ``text`` as Python data (maps, vectors, strings, keywords as ":k")."""
    tokens = [t for t in _TOKEN.findall(text) if t.strip() and t != "," and t[0] != ";"]
    position = 0

    def form():
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "#_":
            form()
            return form()
        if token in "{[(":
            closing = {"{": "}", "[": "]", "(": ")"}[token]
            items = []
            while tokens[position] != closing:
                items.append(form())
            position += 1
            return dict(zip(items[::2], items[1::2])) if token == "{" else items
        if token.startswith('"'):
            return token[1:-1].encode().decode("unicode_escape")
        return token

    return form()


def _official_cli_path(aliases):
    clojure = shutil.which("clojure")
    try:
        with open(clojure or "", "rb") as script:
            official = b"-Spath" in script.read(1 << 20)  # Debian's wrapper knows no -Spath
    except OSError:
        official = False
    if not official:
        return None
    flag = ["-A" + "".join(":" + a for a in aliases)] if aliases else []
    try:
        done = subprocess.run([clojure, "-Spath", *flag], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    return path if done.returncode == 0 and path and "\n" not in path else None


def classpath(root, aliases=()):
    """Return ``(classpath, jvm_opts, main_opts, missing)`` for the project at ``root``.

    ``missing`` lists Maven dependencies that no Debian jar provides; put them
    on ``K9TF_EXTRA_CLASSPATH``.
    """
    with open(os.path.join(root, "deps.edn"), encoding="utf-8") as file:
        deps = read_edn(file.read())
    selected = [deps.get(":aliases", {}).get(":" + a, {}) for a in aliases]
    jvm_opts = [o for alias in selected for o in alias.get(":jvm-opts", [])]
    main_opts = [o for alias in selected for o in alias.get(":main-opts", [])]
    missing = []
    official = _official_cli_path(aliases)
    if official is not None:
        entries = official.split(os.pathsep)
    else:
        paths = deps.get(":paths", []) + [p for a in selected for p in a.get(":extra-paths", [])]
        entries = [os.path.join(root, p) for p in paths]
        libraries = list(deps.get(":deps", {})) + [
            lib for alias in selected for lib in alias.get(":extra-deps", {})]
        for library in libraries:
            if library in MAVEN_TO_DEBIAN:
                entries += [os.path.join(DEBIAN_JARS, jar) for jar in MAVEN_TO_DEBIAN[library]]
            else:
                missing.append(library)
    extra = os.environ.get("K9TF_EXTRA_CLASSPATH")
    if extra:
        entries.append(extra)
        missing = []
    return os.pathsep.join(entries), jvm_opts, main_opts, missing
