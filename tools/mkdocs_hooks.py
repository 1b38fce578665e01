"""mkdocs hooks for the docs site (``mkdocs.yml``): the files the pages link to outside
``docs/`` (the examples) are published with the site, and the links to them (written for
reading the pages in the repository, ``../examples/b2b.leadrules``) lead to those copies.

The pages themselves are not changed: they read the same in the repository and on the site.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
#: Folders of the repository, outside docs/, whose files the pages link to.
PUBLISHED = ("examples",)
_LINK = re.compile(r"\]\(\.\./(" + "|".join(PUBLISHED) + r")/")


def on_files(files: Files, config: Any) -> Files:
    for folder in PUBLISHED:
        for path in sorted((ROOT / folder).iterdir()):
            if path.is_file() and not path.name.startswith("."):
                uri = f"{folder}/{path.name}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    depth = page.file.src_uri.count("/")
    return _LINK.sub(lambda m: "](" + "../" * depth + m.group(1) + "/", markdown)
