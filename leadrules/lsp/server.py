"""The language server: ``leadrules lsp`` speaks the Language Server Protocol over standard
input and output (with pygls, the ``lsp`` extra), for any editor with an LSP client.

It answers with what the other modules of this package work out: diagnostics as the file is
typed (:mod:`.document`), completion (:mod:`.completion`), hover (:mod:`.hover`), go to
definition, references, rename and the outline (:mod:`.symbols`), and formatting through
:func:`leadrules.format`. Here are only the protocol's shapes and the positions converted to
the client's encoding (:mod:`.positions`).

Settings, as ``initializationOptions`` or the ``leadrules`` section of
``workspace/didChangeConfiguration``: ``schema`` (``MODULE:CLASS``, as ``leadrules check
--schema`` takes it) and ``leads`` (a sample leads file: CSV, JSON Lines or JSON), both
relative to the workspace folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import Diagnostic, RuleSyntaxError
from ..lang import ast
from ..lang.format import format as format_rules
from ..lang.parser import parse
from .completion import Completion, complete
from .document import Snapshot, analyze_text
from .hover import hover
from .positions import Encoding, Positions
from .symbols import Symbol, definition_at, outline, uses_of
from .vocabulary import Vocabulary, VocabularyError, from_sample, from_schema, load_schema

__all__ = ["LeadrulesServer", "make_server", "serve"]

_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_COMPLETION_KINDS = {
    "keyword": types.CompletionItemKind.Keyword,
    "unit": types.CompletionItemKind.Unit,
    "definition": types.CompletionItemKind.Variable,
    "field": types.CompletionItemKind.Field,
    "event": types.CompletionItemKind.Event,
    "property": types.CompletionItemKind.Property,
    "stage": types.CompletionItemKind.EnumMember,
    "group": types.CompletionItemKind.Module,
}
_SYMBOL_KINDS = {
    "group": types.SymbolKind.Namespace,
    "rule": types.SymbolKind.Property,
    "define": types.SymbolKind.Function,
    "disqualify": types.SymbolKind.Event,
    "stage": types.SymbolKind.EnumMember,
}
_ENCODINGS: dict[str, Encoding] = {
    types.PositionEncodingKind.Utf8: "utf-8",
    types.PositionEncodingKind.Utf16: "utf-16",
    types.PositionEncodingKind.Utf32: "utf-32",
}


class LeadrulesServer(LanguageServer):
    """The server and what it knows: the last snapshot of each open document, and the
    vocabulary of the configured schema and sample leads."""

    def __init__(self) -> None:
        super().__init__(
            "leadrules", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.snapshots: dict[str, Snapshot] = {}
        self.vocabulary = Vocabulary()
        self.schema: Any = None

    # ---- settings

    def configure(self, settings: Any) -> None:
        """Load the schema and the sample leads that ``settings`` name (a problem is shown to
        the user, and the server goes on without them)."""
        if isinstance(settings, Mapping) and isinstance(settings.get("leadrules"), Mapping):
            settings = settings["leadrules"]
        if not isinstance(settings, Mapping):
            settings = {}
        root = self.workspace.root_path
        vocabulary, schema = Vocabulary(), None
        try:
            spec = settings.get("schema")
            if spec:
                schema = load_schema(str(spec), root)
                vocabulary = from_schema(schema)
            leads = settings.get("leads")
            if leads:
                path = str(leads)
                if root is not None and not os.path.isabs(path):
                    path = os.path.join(root, path)
                vocabulary = vocabulary.merged(from_sample(path))
        except VocabularyError as exc:
            self.window_show_message(
                types.ShowMessageParams(types.MessageType.Warning, f"leadrules: {exc}")
            )
        self.vocabulary, self.schema = vocabulary, schema

    # ---- documents

    def positions(self, uri: str) -> Positions:
        encoding = _ENCODINGS.get(str(self.workspace.position_encoding), "utf-16")
        return Positions(self.workspace.get_text_document(uri).source, encoding)

    def check(self, uri: str) -> None:
        """Analyze the document again and publish its diagnostics."""
        document = self.workspace.get_text_document(uri)
        text = document.source.removeprefix("\ufeff")
        filename = to_fs_path(uri) or uri
        snapshot = analyze_text(text, filename, self.schema)
        self.snapshots[uri] = snapshot
        positions = self.positions(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=document.version,
                diagnostics=[_diagnostic(d, positions) for d in snapshot.diagnostics],
            )
        )

    def snapshot(self, uri: str) -> Snapshot:
        if uri not in self.snapshots:
            self.check(uri)
        return self.snapshots[uri]

    def declared(self, uri: str) -> tuple[list[str], list[str]]:
        """The stage and group names of the other open documents."""
        stages: list[str] = []
        groups: list[str] = []
        for other, snapshot in self.snapshots.items():
            if other == uri or snapshot.tree is None:
                continue
            for statement in snapshot.tree.statements:
                if isinstance(statement, ast.Stage):
                    stages.append(statement.name)
                elif isinstance(statement, ast.Group):
                    groups.append(statement.name)
        return stages, groups


# ----------------------------------------------------------------------------- conversions


def _range(positions: Positions, span: ast.Span) -> types.Range:
    return _offsets(positions, span.start, span.end)


def _offsets(positions: Positions, start: int, end: int) -> types.Range:
    return types.Range(_position(positions, start), _position(positions, end))


def _position(positions: Positions, offset: int) -> types.Position:
    line, character = positions.position(offset)
    return types.Position(line, character)


def _diagnostic(diagnostic: Diagnostic, positions: Positions) -> types.Diagnostic:
    """A diagnostic at its line and columns; one without an end covers the word at its start
    (or one character, or nothing at the end of a line)."""
    start = positions.language_offset(diagnostic.line, diagnostic.column)
    if diagnostic.end_column is not None and diagnostic.end_column > diagnostic.column:
        end = positions.language_offset(diagnostic.line, diagnostic.end_column)
    else:
        line_end = positions.language_offset(diagnostic.line, 1 << 30)
        body = positions.text[positions.bom :]
        end = start
        while end < line_end and (body[end].isalnum() or body[end] == "_"):
            end += 1
        if end == start and start < line_end:
            end = start + 1
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    return types.Diagnostic(
        range=_offsets(positions, start, end),
        message=message,
        severity=_SEVERITIES.get(diagnostic.severity, types.DiagnosticSeverity.Hint),
        source="leadrules",
    )


def _completion_item(item: Completion, positions: Positions, offset: int) -> types.CompletionItem:
    return types.CompletionItem(
        label=item.label,
        kind=_COMPLETION_KINDS[item.kind],
        detail=item.detail,
        text_edit=types.TextEdit(_offsets(positions, item.start, offset), item.text),
        sort_text=f"{'0' if item.kind in ('definition', 'field', 'event', 'property') else '1'}"
        f"{item.label}",
    )


def _document_symbol(symbol: Symbol, positions: Positions) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        detail=symbol.detail or None,
        kind=_SYMBOL_KINDS[symbol.kind],
        range=_range(positions, symbol.span),
        selection_range=_range(positions, symbol.selection),
        children=[_document_symbol(child, positions) for child in symbol.children],
    )


def _valid_name(new_name: str) -> str:
    """``new_name`` as a definition's name, or an error saying why it cannot be one."""
    text = new_name.strip()
    try:
        tree = parse(f"define {text} as x")
    except RuleSyntaxError:
        tree = None
    statement = tree.statements[0] if tree is not None and len(tree.statements) == 1 else None
    if not isinstance(statement, ast.Define) or str(statement.name) != text:
        raise JsonRpcInvalidParams(
            f"{text!r} cannot be the name of a definition: use words, or a name in backticks"
        )
    return text


# ----------------------------------------------------------------------------- the features


def make_server() -> LeadrulesServer:
    """A server with every feature registered (not started)."""
    server = LeadrulesServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: LeadrulesServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: LeadrulesServer, params: types.DidChangeConfigurationParams
    ) -> None:
        ls.configure(params.settings)
        for uri in list(ls.snapshots):
            ls.check(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LeadrulesServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LeadrulesServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LeadrulesServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.snapshots.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "."])
    )
    def completion(ls: LeadrulesServer, params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        offset = positions.offset(params.position.line, params.position.character)
        stages, groups = ls.declared(uri)
        found = complete(ls.snapshot(uri), offset, ls.vocabulary, stages, groups)
        return types.CompletionList(
            is_incomplete=False,
            items=[_completion_item(item, positions, offset) for item in found],
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LeadrulesServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        offset = positions.offset(params.position.line, params.position.character)
        found = hover(ls.snapshot(uri), offset)
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(types.MarkupKind.Markdown, found.markdown),
            range=_range(positions, found.span),
        )

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: LeadrulesServer, params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        tree = ls.snapshot(uri).tree
        offset = positions.offset(params.position.line, params.position.character)
        found = None if tree is None else definition_at(tree, offset)
        if found is None:
            return None
        return types.Location(uri, _range(positions, found.name.span))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: LeadrulesServer, params: types.ReferenceParams) -> list[types.Location]:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        tree = ls.snapshot(uri).tree
        offset = positions.offset(params.position.line, params.position.character)
        found = None if tree is None else definition_at(tree, offset)
        if tree is None or found is None:
            return []
        names = uses_of(tree, found)
        if not params.context.include_declaration:
            names = names[1:]
        return [types.Location(uri, _range(positions, name.span)) for name in names]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(
        ls: LeadrulesServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        tree = ls.snapshot(uri).tree
        offset = positions.offset(params.position.line, params.position.character)
        found = None if tree is None else definition_at(tree, offset)
        if tree is None or found is None:
            return None
        for name in uses_of(tree, found):
            if name.span.start <= offset <= name.span.end:
                return types.PrepareRenamePlaceholder(_range(positions, name.span), str(found.name))
        return None  # pragma: no cover - definition_at found a name at the offset

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: LeadrulesServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        tree = ls.snapshot(uri).tree
        offset = positions.offset(params.position.line, params.position.character)
        found = None if tree is None else definition_at(tree, offset)
        if tree is None or found is None:
            return None
        new_name = _valid_name(params.new_name)
        key = ast.normalize_name(new_name.strip("`"))
        for other in ls.snapshot(uri).definitions:
            if other is not found and other.name.key == key:
                raise JsonRpcInvalidParams(
                    f"`{new_name}` is defined already (line {other.span.line})"
                )
        edits = [
            types.TextEdit(_range(positions, name.span), new_name) for name in uses_of(tree, found)
        ]
        return types.WorkspaceEdit(changes={uri: edits})

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(
        ls: LeadrulesServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        text = positions.text[positions.bom :]
        try:
            formatted = format_rules(text)
        except RuleSyntaxError:
            return None  # the diagnostics say what to fix first
        if formatted == text:
            return []
        return [types.TextEdit(_offsets(positions, 0, len(text)), formatted)]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: LeadrulesServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        uri = params.text_document.uri
        positions = ls.positions(uri)
        tree = ls.snapshot(uri).tree
        if tree is None:
            return []
        return [_document_symbol(symbol, positions) for symbol in outline(tree)]

    return server


def serve() -> None:
    """Run the server on standard input and output until the client says ``exit``."""
    make_server().start_io()
