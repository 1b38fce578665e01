"""Results put into words: the plain-text explanation of one result (:mod:`.explain`)."""
