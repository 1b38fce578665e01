"""The language: rule text to one checked rule tree. Nothing in this package scores a lead.

text --(:mod:`.parser`)--> :class:`.ast.RuleFile` --(:mod:`.checker`)-->
:class:`.checker.CheckedRules`, which every backend reads.

* The front end: :mod:`.grammar` (``grammar.lark`` and the Lark parser built from it),
  :mod:`.recovery` (syntax errors, all reported at once, worded by :mod:`.messages`),
  :mod:`.builder` (Lark's parse tree to :mod:`.ast`, the typed tree) and :mod:`.parser` (the
  public ``parse``). :mod:`.keywords` reads the keywords off the grammar.
* Passes over the tree, each a :class:`.visitor.Visitor`: :mod:`.checker` (what can be known
  from the text alone), :mod:`.schema` (rules against a declared lead type), :mod:`.analysis`
  (what can be known of every lead before any is scored) and :mod:`.format` (the canonical
  layout).
* One home each for how the language writes things: :mod:`.literals` (the kind and the text of
  a literal) and :mod:`.decimal_text` (numbers).

A new construct of the language starts in the grammar, the builder and the tree, and gets a
method in :mod:`.visitor`: every pass that lacks one then fails loudly.
"""
