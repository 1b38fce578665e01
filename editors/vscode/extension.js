// The leadrules extension: the language (highlighting from syntaxes/, brackets and comments
// from language-configuration.json) and a client of the leadrules language server, started
// as `leadrules lsp` (the command is the setting leadrules.server.command).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("leadrules");
  return {
    command: config.get("server.command", ["leadrules", "lsp"]),
    schema: config.get("schema", ""),
    leads: config.get("leads", ""),
  };
}

async function activate(context) {
  const { command, schema, leads } = settings();
  const [program, ...args] = command;
  const serverOptions = { command: program, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "leadrules" },
      { scheme: "untitled", language: "leadrules" },
    ],
    initializationOptions: { schema, leads },
    // Changes to the leadrules.* settings are sent to the server as they happen.
    synchronize: { configurationSection: "leadrules" },
  };
  client = new LanguageClient("leadrules", "leadrules language server", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `Could not start the leadrules language server (${command.join(" ")}): ${error.message}. ` +
        'Install it with pip install "leadrules[lsp]", or set leadrules.server.command.'
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
