"""The package's layers: each subpackage imports only those below it, through public names."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "python" / "k9tf"

LAYERS = ["model", "data", "engine", "files", "tools", "jvm", "cli"]
"""Subpackages from the bottom up: a module may import its own layer and those before it."""


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield path, parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path, name):
    """Yield ``(module, names)`` for every k9tf import in the file, absolute."""
    package = name if path.name == "__init__.py" else name[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = (*base, *(node.module.split(".") if node.module else ()))
            if module and module[0] == "k9tf":
                yield module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "k9tf":
                    yield tuple(alias.name.split(".")), []


CASES = [(path, name, module, names) for path, name in _modules() if len(name) > 2
         for module, names in _imports(path, name)]


def test_every_subpackage_is_a_layer():
    found = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert found == set(LAYERS)


@pytest.mark.parametrize("path, name, module, names", CASES,
                         ids=[f"{'.'.join(c[1])}->{'.'.join(c[2])}" for c in CASES])
def test_imports_go_down_the_layers_through_public_names(path, name, module, names):
    own, other = name[1], module[1] if len(module) > 1 else None
    if other in LAYERS and other != own:
        assert LAYERS.index(other) < LAYERS.index(own), f"{own} must not import {other}"
        private = [part for part in module[2:] if part.startswith("_")]
        private += [n for n in names if n.startswith("_")]
        assert not private, f"{'.'.join(name)} imports private {private} of k9tf.{other}"


def test_the_engine_never_imports_the_tools_or_the_jvm_side():
    engine = [(name, module) for path, name, module, _ in CASES if name[1] in ("model", "engine")]
    assert engine  # the walk found the engine's imports
    assert not [pair for pair in engine if pair[1][1:2] in (("tools",), ("jvm",), ("files",))]

