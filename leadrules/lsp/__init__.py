"""The language server of the rule language (``leadrules lsp``, the ``lsp`` extra): what an
editor shows while a rule file is written, worked out by the library's own parser, checker,
schema check and static analysis.

* :mod:`.document`: one version of a document checked (every diagnostic, and the trees);
* :mod:`.completion`, :mod:`.hover`, :mod:`.symbols`: what the editor asks about a point;
* :mod:`.vocabulary`: the names of a configured schema or sample leads file;
* :mod:`.positions`: the language's lines and columns as the protocol counts them (UTF-16);
* :mod:`.server`: the protocol itself, on pygls. Only it imports pygls, so everything else
  here works (and is tested) without a client.

Nothing else in leadrules imports this package.
"""
