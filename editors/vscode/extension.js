// The Warrant extension: starts `warrant lsp` and hands .wr files to it.
// Highlighting comes from the TextMate grammar and needs no server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverPath() {
  return vscode.workspace.getConfiguration("warrant").get("server.path") || "warrant";
}

async function start() {
  const run = { command: serverPath(), args: ["lsp"] };
  client = new LanguageClient(
    "warrant",
    "Warrant",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "warrant" }],
      synchronize: {
        // Rule files changed outside the editor are seen by open ones.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.wr"),
      },
    }
  );
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `Warrant: could not start \`${run.command} lsp\` (${error.message || error}). ` +
        "Install warrant or set `warrant.server.path`."
    );
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("warrant.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("warrant.server.path")) {
        await vscode.commands.executeCommand("warrant.restartServer");
      }
    })
  );
  await start();
}

async function stop() {
  if (client) {
    try {
      await client.stop();
    } catch (_) {
      // It never started (the error was shown then).
    }
    client = undefined;
  }
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
