"""Checks a program's use of a generated Pulumi Python SDK against the SDK's source.

Usage: check_python.py SDK_PACKAGE_DIR PROGRAM

The pulumi package is not installable here, so the program cannot be imported.
This reads both with ast instead: every attribute the program takes from the
SDK (berth.Service, berth.spec.ServiceArgs, berth.Cloud.GCP) must exist, and
every keyword argument of a call to an SDK class must be a parameter of its
__init__. Prints each problem and exits 1 when there is one.
"""

import ast
import os
import sys


def load_sdk(pkg_dir):
    """Returns {module: {class: (params, members)}}, module "" the root."""
    modules = {}
    for dirpath, _, files in os.walk(pkg_dir):
        module = os.path.relpath(dirpath, pkg_dir).replace(os.sep, ".")
        module = "" if module == "." else module
        classes = modules.setdefault(module, {})
        for name in files:
            if not name.endswith(".py"):
                continue
            with open(os.path.join(dirpath, name)) as f:
                tree = ast.parse(f.read())
            for node in tree.body:
                if not isinstance(node, ast.ClassDef):
                    continue
                params, members = set(), set()
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        a = item.args
                        params.update(x.arg for x in a.args + a.kwonlyargs + a.posonlyargs)
                    elif isinstance(item, ast.Assign):
                        members.update(t.id for t in item.targets if isinstance(t, ast.Name))
                classes[node.name] = (params, members)
    return modules


def chain(node):
    """Returns the names of an attribute chain a.b.c, or None."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return list(reversed(names))


def main(pkg_dir, program):
    sdk = load_sdk(pkg_dir)
    package = os.path.basename(os.path.normpath(pkg_dir))
    with open(program) as f:
        tree = ast.parse(f.read())
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if a.name == package)
    if not aliases:
        return ["the program does not import %s" % package]

    problems = []

    def resolve(names):
        """Resolves alias.x.y to ("class", params) or ("member", None)."""
        rest = names[1:]
        module = ""
        if rest and rest[0] in sdk and rest[0] != "":
            module, rest = rest[0], rest[1:]
        if not rest:
            return ("module", None)
        cls = sdk[module].get(rest[0])
        if cls is None:
            problems.append("%s: no %s in %s" % (".".join(names), rest[0], package + ("." + module if module else "")))
            return None
        if len(rest) == 1:
            return ("class", cls[0])
        if len(rest) == 2 and rest[1] in cls[1]:
            return ("member", None)
        problems.append("%s: %s has no member %s" % (".".join(names), rest[0], ".".join(rest[1:])))
        return None

    seen = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            names = chain(node.func)
            if names and names[0] in aliases:
                seen.add(id(node.func))
                r = resolve(names)
                if r and r[0] == "class":
                    for kw in node.keywords:
                        if kw.arg is not None and kw.arg not in r[1]:
                            problems.append("%s(%s=...): no such parameter" % (".".join(names), kw.arg))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in seen:
            names = chain(node)
            if names and names[0] in aliases and not isinstance(getattr(node, "ctx", None), ast.Store):
                resolve(names)
    return problems


if __name__ == "__main__":
    found = main(sys.argv[1], sys.argv[2])
    for p in sorted(set(found)):
        print(p)
    sys.exit(1 if found else 0)
