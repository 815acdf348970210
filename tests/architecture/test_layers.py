"""The house's rule: imports point one way, down.

From the bottom up (a module may import its own layer and the layers below it, never one
above):

    project    campaign/ settings, celery, wsgi, health, storage, uploads, writes, context processors
    outbox     campaign/outbox/         email delivery; knows nothing of pledges
    accounts   accounts/                users, municipalities, memberships, access helpers
    campaign   campaign/ models, admin, services, translation: the campaign domain
    pledges    pledges/                 pledges, reports, reminders, staff desk, announcements
    public     campaign/public/         the public read side
    seeds      seeds/                   catalogue, directory import, demo data

`campaign/urls.py` is the composition root: it mounts every feature, so it may import any
layer, and nothing imports it. Imports sit at the top of their module: one hidden in a
function to dodge a loop is refused, and so is a loop between files.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("campaign", "accounts", "pledges", "seeds")
LAYERS = ["project", "outbox", "accounts", "campaign", "pledges", "public", "seeds"]
# The longest matching prefix decides.
PREFIXES = {
    "campaign": "project",
    "campaign.outbox": "outbox",
    "accounts": "accounts",
    "campaign.models": "campaign",
    "campaign.admin": "campaign",
    "campaign.services": "campaign",
    "campaign.translation": "campaign",
    "pledges": "pledges",
    "campaign.public": "public",
    "seeds": "seeds",
}
COMPOSITION_ROOT = "campaign.urls"
# AppConfig modules may import in ready() or in post_migrate handlers, when the app
# registry is ready; that is Django's rule, not a loop dodged.
LATE_IMPORTS_ALLOWED = ("apps",)


def layer_of(module: str) -> str | None:
    best = None
    for prefix in PREFIXES:
        if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best)):
            best = prefix
    return PREFIXES[best] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(module: str, source: str, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported project module, line, at top level) for each import in the source."""
    tree = ast.parse(source)
    package = module if module in known and _is_package(module, known) else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # "from pkg import module" imports the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in APPS:
                found.append((target, node.lineno, id(node) in top_level))
    return found


def _is_package(module: str, known: set[str]) -> bool:
    return any(other.startswith(module + ".") for other in known)


def problems(modules: dict[str, str]) -> list[str]:
    """Every broken rule in these sources (module name -> source text)."""
    known = set(modules)
    found = []
    graph: dict[str, set[str]] = {}
    for module, source in sorted(modules.items()):
        if "noqa: E402" in source:
            found.append(f"{module}: an import silenced in the middle of the module; move it to the top")
        own = LAYERS.index(layer_of(module) or "seeds")
        graph[module] = set()
        for target, line, top in imports_of(module, source, known):
            if target == module:
                continue
            where = f"{module}:{line} imports {target}"
            if target == COMPOSITION_ROOT:
                found.append(f"{where}: nothing imports the root URLconf")
                continue
            if not top and module.rpartition(".")[2] not in LATE_IMPORTS_ALLOWED:
                found.append(f"{where} inside a function or class: put it at the top of the module")
            if module != COMPOSITION_ROOT and LAYERS.index(layer_of(target) or "seeds") > own:
                found.append(f"{where}: {layer_of(module)} may not import {layer_of(target)}, which sits above it")
            graph[module].add(target)
    found.extend(f"import loop: {' -> '.join(cycle)}" for cycle in cycles(graph))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One example path for each loop between files (depth-first search)."""
    loops, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ runs before its modules: the pair is not a loop of files.
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == "open":
                loops.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return loops


def test_every_module_has_a_layer():
    assert {m for m in project_modules() if layer_of(m) is None} == set()


def test_imports_point_down_with_no_loop_and_none_hidden():
    sources = {name: path.read_text(encoding="utf-8") for name, path in project_modules().items()}
    assert problems(sources) == []


@pytest.mark.parametrize(
    "sources,expected",
    [
        (
            {"campaign.outbox.x": "from pledges.models import Pledge\n", "pledges.models": ""},
            "outbox may not import pledges",
        ),
        ({"accounts.x": "def f():\n    from accounts import y\n", "accounts.y": ""}, "inside a function"),
        ({"pledges.a": "from pledges import b\n", "pledges.b": "from pledges import a\n"}, "import loop"),
        ({"pledges.a": "from campaign import urls\n", "campaign.urls": ""}, "root URLconf"),
        ({"pledges.a": "X = 1\nimport os  # noqa: E402\n"}, "middle of the module"),
    ],
)
def test_the_rule_catches_each_kind_of_wrong_arrow(sources, expected):
    found = problems(sources)
    assert any(expected in line for line in found), found


def test_the_composition_root_may_mount_everything():
    sources = {"campaign.urls": "from campaign.public import urls\n", "campaign.public.urls": ""}
    assert problems(sources) == []
