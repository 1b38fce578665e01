"""What a lead's data means, the same for every backend: which values are missing, how messy
text is read as numbers, dates and yes/no (:mod:`.values`), the normal form names match by
(:mod:`.names`), how rule names find fields of any lead object (:mod:`.leads`), a lead's
events (:mod:`.events`), patterns on RE2 (:mod:`.regex`), the steps points are rounded to
(:mod:`.points`). Nothing here imports the rule tree (:mod:`leadrules.lang`): the language's
own checks build on this package, not the other way round."""
