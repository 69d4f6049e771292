"""The JVM classpath from ``deps.edn``, for machines without the official Clojure CLI.

Standard library only: ``bin/k9tf-clj`` loads this file directly, before any
virtual environment exists. When the official CLI is installed its
``clojure -Spath`` is used instead; otherwise the classpath is ``deps.edn``'s
``:paths`` (plus each alias's ``:extra-paths``), those of its ``:local/root``
dependencies, and the Debian jars that provide its Maven dependencies.
"""

import os
import re
import shutil
import subprocess

DEBIAN_JARS = "/usr/share/java"

MAVEN_TO_DEBIAN = {
    "org.clojure/clojure": ["clojure.jar", "spec.alpha.jar", "core.specs.alpha.jar"],
    "org.clojure/data.json": ["data.json.jar"],
    "org.clojure/data.csv": ["data.csv.jar"],
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


def clojure_root():
    """Return the directory holding k9tf's ``deps.edn`` and ``clojure/src``.

    It is ``K9TF_ROOT`` if set, else the checkout this package is imported
    from, else the copy installed inside the package (``k9tf/clojure``).
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates = [os.environ.get("K9TF_ROOT"), os.path.dirname(os.path.dirname(package)),
                  os.path.join(package, "clojure")]
    for root in filter(None, candidates):
        if os.path.isfile(os.path.join(root, "deps.edn")):
            return root
    raise RuntimeError(f"k9tf's Clojure sources are missing from {package}; reinstall k9tf "
                       "or set K9TF_ROOT to a k9tf checkout.")


def _official_cli_path(root, aliases):
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
                              stdin=subprocess.DEVNULL, cwd=root, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    return path if done.returncode == 0 and path and "\n" not in path else None


def _read_deps(root):
    with open(os.path.join(root, "deps.edn"), encoding="utf-8") as file:
        return read_edn(file.read())


def _entries(root, aliases, seen):
    """Return ``(entries, missing)`` of the project at ``root`` and its local dependencies."""
    deps = _read_deps(root)
    selected = [deps.get(":aliases", {}).get(":" + a, {}) for a in aliases]
    paths = deps.get(":paths", ["src"]) + [p for a in selected for p in a.get(":extra-paths", [])]
    entries, missing = [os.path.join(root, p) for p in paths], []
    libraries = {**deps.get(":deps", {})}
    for alias in selected:
        libraries.update(alias.get(":extra-deps", {}))
    for library, coordinate in libraries.items():
        local = coordinate.get(":local/root") if isinstance(coordinate, dict) else None
        if local is not None:
            project = os.path.normpath(os.path.join(root, local))
            if project not in seen:
                seen.add(project)
                more, absent = _entries(project, (), seen)
                entries, missing = entries + more, missing + absent
        elif library in MAVEN_TO_DEBIAN:
            entries += [os.path.join(DEBIAN_JARS, jar) for jar in MAVEN_TO_DEBIAN[library]]
        else:
            missing.append(library)
    return entries, missing


def classpath(root, aliases=()):
    """Return ``(classpath, jvm_opts, main_opts, missing)`` for the project at ``root``.

    ``missing`` lists Maven dependencies that no Debian jar provides; put them
    on ``K9TF_EXTRA_CLASSPATH``.
    """
    deps = _read_deps(root)
    selected = [deps.get(":aliases", {}).get(":" + a, {}) for a in aliases]
    jvm_opts = [o for alias in selected for o in alias.get(":jvm-opts", [])]
    main_opts = [o for alias in selected for o in alias.get(":main-opts", [])]
    official = _official_cli_path(root, aliases)
    if official is not None:
        entries, missing = official.split(os.pathsep), []
    else:
        entries, missing = _entries(os.path.abspath(root), aliases, {os.path.abspath(root)})
    extra = os.environ.get("K9TF_EXTRA_CLASSPATH")
    if extra:
        entries.append(extra)
        missing = []
    return os.pathsep.join(dict.fromkeys(entries)), jvm_opts, main_opts, missing
