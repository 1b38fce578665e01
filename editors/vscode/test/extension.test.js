// The extension's files fit together: what package.json contributes exists, the grammar is
// the one it names, and extension.js is valid JavaScript exporting activate and deactivate.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

test("the language is .leadrules files, with its configuration", () => {
  const [language] = manifest.contributes.languages;
  assert.strictEqual(language.id, "leadrules");
  assert.deepStrictEqual(language.extensions, [".leadrules"]);
  const config = JSON.parse(fs.readFileSync(path.join(root, language.configuration), "utf8"));
  assert.strictEqual(config.comments.lineComment, "#");
  const group = new RegExp(config.indentationRules.increaseIndentPattern);
  assert.ok(group.test("group fit max 50:"));
  assert.ok(group.test("GROUP \"Fit & size\":  # comment"));
  assert.ok(!group.test("+20 when decision maker"));
});

test("the grammar is the one the manifest names", () => {
  const [grammar] = manifest.contributes.grammars;
  const file = JSON.parse(fs.readFileSync(path.join(root, grammar.path), "utf8"));
  assert.strictEqual(file.scopeName, grammar.scopeName);
  assert.strictEqual(grammar.language, "leadrules");
});

test("extension.js parses and starts the server as `leadrules lsp` by default", () => {
  execFileSync(process.execPath, ["--check", path.join(root, manifest.main)]);
  const source = fs.readFileSync(path.join(root, manifest.main), "utf8");
  assert.match(source, /module\.exports = \{ activate, deactivate \}/);
  const command = manifest.contributes.configuration.properties["leadrules.server.command"];
  assert.deepStrictEqual(command.default, ["leadrules", "lsp"]);
  assert.ok(manifest.dependencies["vscode-languageclient"]);
});
