"""The language: rule text to one checked rule tree. Nothing in this package scores a lead.

text --(:mod:`.parser`, Lark and :mod:`grammar.lark <.parser>`)--> :class:`.ast.RuleFile`
--(:mod:`.checker`)--> :class:`.checker.CheckedRules`, which every backend reads. Beside that
line: :mod:`.schema` (rules checked against a declared lead type), :mod:`.analysis` (what can
be known of the rules alone), :mod:`.format` (the canonical layout) and :mod:`.messages` (the
words of syntax errors). A new construct of the language starts in the grammar and the tree.
"""
