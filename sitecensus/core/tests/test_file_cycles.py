"""No cycles between files: no module of the package reaches itself again through its
imports (module-level and function-level imports alike, as grimp — import-linter's graph
library — reads them). A cycle hides which file owns a rule and makes import order matter."""

import grimp

# Cycles still present (each a follow-up), as sorted tuples of their modules; may only shrink.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def file_cycles(graph) -> list[tuple[str, ...]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & graph.modules) for m in modules}
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(tuple(sorted(group)))
    return sorted(found)


def test_the_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.d")
    assert file_cycles(graph) == [("pkg.a", "pkg.b", "pkg.c")]


def test_no_cycles_between_files():
    graph = grimp.build_graph("sitecensus")
    cycles = set(file_cycles(graph))
    new = cycles - KNOWN_CYCLES
    details = []
    for group in sorted(new):
        for importer in group:
            for imported in sorted(graph.find_modules_directly_imported_by(importer) & set(group)):
                for line in graph.get_import_details(importer=importer, imported=imported):
                    details.append(f"{importer}:{line['line_number']}: {line['line_contents']}")
    assert not new, "import cycles between files:\n" + "\n".join(details)
    assert not KNOWN_CYCLES - cycles, f"broken cycles still listed in KNOWN_CYCLES: {KNOWN_CYCLES - cycles}"
