"""What a lead's data means, the same for every backend: which values are missing, how messy
text is read as numbers, dates and yes/no (:mod:`.values`), how rule names find fields of any
lead object (:mod:`.leads`), patterns on RE2 (:mod:`.regex`). Nothing here knows the rule tree
beyond names."""
