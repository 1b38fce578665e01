"""The ``compiled`` backend: the checked rules turned into Python source (:mod:`.compiler`),
with its run-time support (:mod:`.runtime`)."""
