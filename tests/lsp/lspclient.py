"""A client for the tests that talks to a real ``leadrules lsp`` process over standard input
and output (pygls' own client, JSON-RPC over pipes), as an editor does.

Each call runs on the client's own event loop and waits for the answer, so tests read as plain
sequential code: ``client.open(uri, text)``, ``client.diagnostics(uri)``, ``client.hover(...)``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient

T = TypeVar("T")

#: How long a test waits for the server, in seconds.
TIMEOUT = 30


class Client:
    """A started server and the client connected to it; :meth:`stop` shuts both down."""

    def __init__(
        self,
        initialization_options: Any = None,
        root: str | None = None,
        capabilities: types.ClientCapabilities | None = None,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("leadrules-tests", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.messages: list[types.ShowMessageParams] = []
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            self.arrived.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def show(params: types.ShowMessageParams) -> None:
            self.messages.append(params)

        self.run(self.client.start_io(sys.executable, "-m", "leadrules", "lsp"))
        self.initialized = self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=capabilities or types.ClientCapabilities(),
                    root_uri=None if root is None else f"file://{root}",
                    initialization_options=initialization_options,
                )
            )
        )
        self.client.initialized(types.InitializedParams())
        self.versions: dict[str, int] = {}

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, TIMEOUT))

    def stop(self) -> None:
        self.run(self.client.shutdown_async(None))
        self.client.exit(None)
        self.run(self.client.stop())
        self.loop.close()

    # ---- documents

    def _await_diagnostics(self, uri: str, version: int | None) -> types.PublishDiagnosticsParams:
        async def wait() -> types.PublishDiagnosticsParams:
            while True:
                for params in self.published.get(uri, []):
                    if version is None or params.version == version:
                        return params
                self.arrived.clear()
                await self.arrived.wait()

        return self.run(wait())

    def open(self, uri: str, text: str) -> list[types.Diagnostic]:
        """Open a document; the diagnostics the server publishes for it."""
        self.versions[uri] = 1
        self.published.pop(uri, None)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="leadrules", version=1, text=text)
            )
        )
        return list(self._await_diagnostics(uri, 1).diagnostics)

    def change(self, uri: str, text: str) -> list[types.Diagnostic]:
        """Replace a document's whole text; the diagnostics published for the new version."""
        version = self.versions[uri] = self.versions[uri] + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return list(self._await_diagnostics(uri, version).diagnostics)

    def close(self, uri: str) -> list[types.Diagnostic]:
        count = len(self.published.get(uri, []))
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )

        async def wait() -> list[types.Diagnostic]:
            while len(self.published.get(uri, [])) <= count:
                self.arrived.clear()
                await self.arrived.wait()
            return list(self.published[uri][-1].diagnostics)

        return self.run(wait())

    def configure(self, settings: Any, uri: str) -> list[types.Diagnostic]:
        """Send new settings; the diagnostics then published again for ``uri``."""
        count = len(self.published.get(uri, []))
        self.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings)
        )

        async def wait() -> list[types.Diagnostic]:
            while len(self.published.get(uri, [])) <= count:
                self.arrived.clear()
                await self.arrived.wait()
            return list(self.published[uri][-1].diagnostics)

        return self.run(wait())

    # ---- requests

    @staticmethod
    def _doc(uri: str) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri)

    def complete(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        result = self.run(
            self.client.text_document_completion_async(
                types.CompletionParams(self._doc(uri), types.Position(line, character))
            )
        )
        if result is None:
            return []
        return list(result.items if isinstance(result, types.CompletionList) else result)

    def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        return self.run(
            self.client.text_document_hover_async(
                types.HoverParams(self._doc(uri), types.Position(line, character))
            )
        )

    def definition(self, uri: str, line: int, character: int) -> Any:
        return self.run(
            self.client.text_document_definition_async(
                types.DefinitionParams(self._doc(uri), types.Position(line, character))
            )
        )

    def references(
        self, uri: str, line: int, character: int, declaration: bool = True
    ) -> list[types.Location]:
        result = self.run(
            self.client.text_document_references_async(
                types.ReferenceParams(
                    text_document=self._doc(uri),
                    position=types.Position(line, character),
                    context=types.ReferenceContext(include_declaration=declaration),
                )
            )
        )
        return list(result or [])

    def prepare_rename(self, uri: str, line: int, character: int) -> Any:
        return self.run(
            self.client.text_document_prepare_rename_async(
                types.PrepareRenameParams(self._doc(uri), types.Position(line, character))
            )
        )

    def rename(self, uri: str, line: int, character: int, new_name: str) -> Any:
        return self.run(
            self.client.text_document_rename_async(
                types.RenameParams(self._doc(uri), types.Position(line, character), new_name)
            )
        )

    def format(self, uri: str) -> list[types.TextEdit] | None:
        edits = self.run(
            self.client.text_document_formatting_async(
                types.DocumentFormattingParams(
                    self._doc(uri), types.FormattingOptions(tab_size=4, insert_spaces=True)
                )
            )
        )
        return None if edits is None else list(edits)

    def symbols(self, uri: str) -> list[Any]:
        result = self.run(
            self.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(self._doc(uri))
            )
        )
        return list(result or [])


def span(r: types.Range) -> tuple[int, int, int, int]:
    """A range as (start line, start character, end line, end character)."""
    return (r.start.line, r.start.character, r.end.line, r.end.character)
