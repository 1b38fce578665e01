"""Editor and documentation support that lives in the Python package: the Pygments lexer
(:mod:`.lexer`, the ``pygments.lexers`` entry point ``leadrules``). The TextMate grammar and
the VS Code extension are in ``editors/`` at the top of the repository; the language server is
:mod:`leadrules.lsp`.

Nothing else in leadrules imports this package.
"""
