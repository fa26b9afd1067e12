"""`python -m tests.mutation.run run "automation.rules.orders*"`: mutmut, with the rule checks mutated too.

mutmut never mutates a decorated function, because the copies it makes of a function (the original
and one per mutant) would run the decorator again. Every check in automation/rules/ is registered
with `@rule(...)`, so plain mutmut leaves out exactly the code the mutation run is for. `rule`
(rules/catalog.py) only records the function it is given and returns it, so here a function whose
only decorator is `@rule(...)` is mutated like any other: the trampoline keeps the decorator (each
code is registered once, pointing at the trampoline) and the copies go without it. Every other
mutmut command (`results`, `show`, `browse`) works through this entry point as well.
"""

from __future__ import annotations

import libcst as cst
from mutmut.mutation import file_mutation

from mutmut.__main__ import cli


def registered_check(node: cst.CSTNode) -> bool:
    """`@rule(...)` is the function's only decorator."""
    if not isinstance(node, cst.FunctionDef) or len(node.decorators) != 1:
        return False
    decorator = node.decorators[0].decorator
    return isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Name) and decorator.func.value == "rule"


_skip_node_and_children = file_mutation.MutationVisitor._skip_node_and_children
_function_trampoline_arrangement = file_mutation.function_trampoline_arrangement


def skip_node_and_children(self, node: cst.CSTNode) -> bool:
    if registered_check(node):
        position = self.get_metadata(file_mutation.PositionProvider, node, None)
        # `# pragma: no mutate block` on the def still excludes it; the decorator's own arguments
        # (code, messages, options) stay unmutated, as for every decorator
        return bool(position and position.start.line in self._ignored_node_lines)
    return _skip_node_and_children(self, node)


def function_trampoline_arrangement(function: cst.FunctionDef, mutants, class_name):
    if not registered_check(function):
        return _function_trampoline_arrangement(function, mutants, class_name)
    declarations, functions, assignments, names = _function_trampoline_arrangement(
        function.with_changes(decorators=[]), mutants, class_name)
    trampoline = functions[0]
    trampoline = trampoline.with_changes(decorators=[*function.decorators, *trampoline.decorators])
    return declarations, [trampoline, *functions[1:]], assignments, names


file_mutation.MutationVisitor._skip_node_and_children = skip_node_and_children
file_mutation.function_trampoline_arrangement = function_trampoline_arrangement

if __name__ == "__main__":
    cli()
