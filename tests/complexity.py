"""Size and complexity of every function in plugins/: prints a report and fails when one is too long or too complex.

  python tests/complexity.py [--max-lines 40] [--max-complexity 10] [paths...]
"""

import argparse
import ast
import sys
from pathlib import Path

from radon.complexity import cc_visit

REPO = Path(__file__).resolve().parents[1]


def functions(path):
    """(qualified name, first line, lines) of every function and method of a file, nested ones included."""
    tree = ast.parse(path.read_text(), str(path))
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.append((name, child.lineno, child.end_lineno - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def complexities(path):
    """{(line, name): cyclomatic complexity} of every function and method of a file."""
    result = {}
    for block in cc_visit(path.read_text()):
        for item in [block] + list(getattr(block, "methods", []) or []) + list(getattr(block, "closures", []) or []):
            if hasattr(item, "complexity") and item.__class__.__name__ == "Function":
                result[item.lineno] = item.complexity
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=40)
    parser.add_argument("--max-complexity", type=int, default=10)
    parser.add_argument("paths", nargs="*", default=[str(REPO / "plugins")])
    args = parser.parse_args()
    roots = [Path(root).resolve() for root in args.paths]
    files = sorted(p for root in roots for p in (root.rglob("*.py") if root.is_dir() else [root]))
    rows, over = [], []
    for path in files:
        scores = complexities(path)
        for name, line, length in functions(path):
            score = scores.get(line, 1)
            rows.append((score, length, "%s:%d %s" % (path.relative_to(REPO), line, name)))
            if length > args.max_lines or score > args.max_complexity:
                over.append(rows[-1])
    rows.sort(reverse=True)
    print("%d functions in %d files; the most complex (complexity, lines, where):" % (len(rows), len(files)))
    for score, length, where in rows[:10]:
        print("  %3d %4d  %s" % (score, length, where))
    print("longest: %d lines (%s)" % max((length, where) for _score, length, where in rows))
    if over:
        print("OVER THE LIMITS (%d lines, complexity %d):" % (args.max_lines, args.max_complexity))
        for score, length, where in over:
            print("  %3d %4d  %s" % (score, length, where))
        return 1
    print("every function within %d lines and complexity %d" % (args.max_lines, args.max_complexity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
