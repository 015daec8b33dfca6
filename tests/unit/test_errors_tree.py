"""bot/errors.py holds every exception of the package, and its docstring draws them all.

The tree in the module's docstring is read back (:func:`read_tree`) and checked against the
classes the module defines: the same names, each under its real base (a second base noted as
"also a …"), the exit statuses it notes, and "internal:" on exactly the classes that are not
:class:`bot.errors.SdgGapsError`. Then every other module of bot/ is read with :mod:`ast` to
make sure none defines an exception class of its own.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot import errors

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
ERRORS = BOT / "errors.py"

_BRANCH = re.compile(r"[├└]── ")


@dataclass
class Node:
    name: str
    parent: str | None
    depth: int
    prefix: str  # what stands before the name: the tree's lines and its branch
    column: int  # where the description starts (-1 for none)
    description: str = ""
    children: list[str] = field(default_factory=list)


def tree_block(doc: str) -> list[str]:
    """The lines of the literal block after "The whole tree …::", without its indent."""
    lines = doc.splitlines()
    start = next(i for i, line in enumerate(lines) if "whole tree" in line)
    while not lines[start].rstrip().endswith("::"):
        start += 1
    block = []
    for line in lines[start + 1:]:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line[4:])
    while block and not block[0].strip():
        block.pop(0)
    while block and not block[-1].strip():
        block.pop()
    return block


def read_tree(block: list[str]) -> dict[str, Node]:
    """Every class drawn in *block*, in order, with its parent, depth and description.

    A node's line is a name at the first column (a root) or after a branch (``├── `` or
    ``└── ``); any other line goes on with the description of the node above it.
    """
    nodes: dict[str, Node] = {}
    path: list[str] = []  # the latest node at each depth
    last: Node | None = None
    for line in block:
        branch = _BRANCH.search(line)
        if line[:1].isalpha() or branch:
            cut = branch.end() if branch else 0
            depth = cut // 4
            name, _, rest = line[cut:].partition(" ")
            assert name.isidentifier(), f"not a class name: {line!r}"
            assert name not in nodes, f"{name} drawn twice"
            assert depth <= len(path), f"{name} is drawn deeper than under a parent: {line!r}"
            del path[depth:]
            parent = path[-1] if path else None
            description = rest.strip()
            column = len(line) - len(rest.lstrip()) if description else -1
            last = nodes[name] = Node(name, parent, depth, line[:cut], column, description)
            if parent is not None:
                nodes[parent].children.append(name)
            path.append(name)
        else:
            assert last is not None, f"a line before any class: {line!r}"
            text = line.lstrip(" │")
            assert set(line[: len(line) - len(text)]) <= {" ", "│"}, line
            assert len(line) - len(text) == last.column, (
                f"the description of {last.name} goes on at another column: {line!r}")
            last.description += " " + text.strip()
    return nodes


def drawn_prefix(nodes: dict[str, Node], name: str) -> str:
    """The lines and branch that should stand before *name*, given who its siblings are."""
    node = nodes[name]
    if node.parent is None:
        return ""
    chain = []
    here = node
    while here.parent is not None:
        siblings = nodes[here.parent].children
        chain.append(here.name == siblings[-1])
        here = nodes[here.parent]
    is_last, above = chain[0], reversed(chain[1:])
    return "".join("    " if last else "│   " for last in above) + ("└── " if is_last else "├── ")


def defined_classes() -> dict[str, type]:
    """The classes bot/errors.py defines (read with ast, and found in the imported module)."""
    in_source = {node.name for node in ast.parse(ERRORS.read_text(encoding="utf-8")).body
                 if isinstance(node, ast.ClassDef)}
    in_module = {name: cls for name, cls in inspect.getmembers(errors, inspect.isclass)
                 if cls.__module__ == errors.__name__}
    assert set(in_module) == in_source
    return in_module


def test_the_tree_draws_every_exception_exactly_under_its_base():
    nodes = read_tree(tree_block(errors.__doc__))
    classes = defined_classes()
    assert len(classes) > 15 and "SdgGapsError" in classes and "BadTerm" in classes
    roots = {name for name, node in nodes.items() if node.parent is None}
    for root in roots:
        assert root not in classes, f"{root} is defined here: draw it under its base"
        assert isinstance(getattr(builtins, root, None), type), root
        assert issubclass(getattr(builtins, root), BaseException), root
    drawn = set(nodes) - roots
    assert drawn == set(classes), (
        f"not drawn: {sorted(set(classes) - drawn)}; drawn, not defined: "
        f"{sorted(drawn - set(classes))}")
    for name, cls in classes.items():
        node = nodes[name]
        first, *others = cls.__bases__
        assert node.parent == first.__name__, f"{name} is drawn under {node.parent}, " \
            f"its base is {first.__name__}"
        for other in others:
            assert f"also a {other.__name__}" in node.description, name
        assert node.prefix == drawn_prefix(nodes, name), f"{name}'s line is drawn wrong"
        assert issubclass(cls, BaseException), name


def test_the_tree_notes_exit_statuses_and_internal_signals():
    nodes = read_tree(tree_block(errors.__doc__))
    for name, cls in defined_classes().items():
        description = nodes[name].description
        internal = not issubclass(cls, errors.SdgGapsError)
        assert description.startswith("internal:") == internal, (
            f"{name}: 'internal:' marks exactly the classes that are not SdgGapsError")
        if internal:
            continue
        noted = re.match(r"exit (\d+)", description)
        base = cls.__bases__[0]
        if noted:
            assert int(noted.group(1)) == cls.exit_code, name
        elif base is not Exception:
            assert cls.exit_code == base.exit_code, f"{name}: note its exit {cls.exit_code}"


def test_the_tree_reader_reads_a_drawing():
    """The reader itself: parents, depth, a description going on over two lines, the check
    of the lines drawn before a name."""
    block = [
        "Exception",
        "├── A          first",
        "│   └── B      second, and",
        "│              more",
        "└── C",
        "ValueError",
        "└── D          internal: x",
    ]
    nodes = read_tree(block)
    assert {n: (v.parent, v.depth) for n, v in nodes.items()} == {
        "Exception": (None, 0), "A": ("Exception", 1), "B": ("A", 2), "C": ("Exception", 1),
        "ValueError": (None, 0), "D": ("ValueError", 1)}
    assert nodes["B"].description == "second, and more"
    assert all(nodes[n].prefix == drawn_prefix(nodes, n) for n in nodes)
    wrong = read_tree([line.replace("└── C", "├── C") for line in block])
    assert wrong["C"].prefix != drawn_prefix(wrong, "C")


# --------------------------------------------------------------------------------------------
# No exception class anywhere else in bot/.

_EXCEPTION_LIKE = re.compile(r"(Error|Exception|Warning|Exit|Interrupt|Refused|Refusal|Busy)$")


def exception_classes(path: Path) -> list[str]:
    """The classes *path* defines that derive, as far as :mod:`ast` can tell, from an exception:
    a builtin one, one of bot/errors.py, a name that reads like one (``…Error``, ``…Exception``:
    a library's), or another such class of the same module (through any number of steps)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    known = {name for name, value in vars(builtins).items()
             if isinstance(value, type) and issubclass(value, BaseException)}
    known |= {name for name, value in vars(errors).items()
              if isinstance(value, type) and issubclass(value, BaseException)}
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        for node in classes:
            if node.name in found:
                continue
            bases = [ast.unparse(base).rpartition(".")[2] for base in node.bases]
            if any(b in known or b in found or _EXCEPTION_LIKE.search(b) for b in bases):
                found.append(node.name)
                changed = True
    return sorted(found)


def test_no_module_but_errors_defines_an_exception():
    paths = [p for p in sorted(BOT.rglob("*.py")) if p != ERRORS]
    assert len(paths) > 100
    offenders = {str(p.relative_to(ROOT)): found for p in paths if (found := exception_classes(p))}
    assert not offenders, f"define these in bot/errors.py: {offenders}"
    assert exception_classes(ERRORS) == sorted(defined_classes())


def test_the_exception_finder_finds_every_form(tmp_path):
    """The check itself can fail: a builtin base, one of bot/errors.py, a library's, one by
    way of another class of the module, one nested in a function."""
    (tmp_path / "m.py").write_text(
        "import requests\n"
        "from bot.errors import WikiError\n"
        "class A(ValueError): pass\n"
        "class B(A): pass\n"
        "class C(WikiError): pass\n"
        "class D(requests.RequestException): pass\n"
        "def f():\n    class E(builtins.KeyError): pass\n"
        "class Plain: pass\n"
        "class Data(Plain): pass\n",
        encoding="utf-8",
    )
    assert exception_classes(tmp_path / "m.py") == ["A", "B", "C", "D", "E"]
