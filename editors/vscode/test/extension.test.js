// The extension's glue, with VS Code and the language client replaced by
// fakes: which command it starts, for which files, and what it does when
// the setting changes or the server cannot start.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const Module = require("node:module");

function loadExtension({ serverPath, failToStart }) {
  const seen = { clients: [], commands: {}, errors: [], onConfiguration: null };
  const settings = { "server.path": serverPath };
  const vscode = {
    workspace: {
      getConfiguration: (section) => {
        assert.strictEqual(section, "warrant");
        return { get: (key) => settings[key] };
      },
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: (handler) => {
        seen.onConfiguration = handler;
        return { dispose() {} };
      },
    },
    commands: {
      registerCommand: (name, handler) => {
        seen.commands[name] = handler;
        return { dispose() {} };
      },
      executeCommand: (name) => seen.commands[name](),
    },
    window: { showErrorMessage: (message) => seen.errors.push(message) },
  };
  class LanguageClient {
    constructor(id, name, server, options) {
      Object.assign(this, { id, name, server, options, stopped: false });
      seen.clients.push(this);
    }
    start() {
      return failToStart ? Promise.reject(new Error("spawn warrant ENOENT")) : Promise.resolve();
    }
    stop() {
      this.stopped = true;
      return Promise.resolve();
    }
  }
  const fakes = { vscode, "vscode-languageclient/node": { LanguageClient } };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request in fakes ? fakes[request] : load.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve("../extension.js")];
    return { extension: require("../extension.js"), seen, settings };
  } finally {
    Module._load = load;
  }
}

test("starts `warrant lsp` for Warrant files", async () => {
  const { extension, seen } = loadExtension({});
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(seen.clients.length, 1);
  const client = seen.clients[0];
  assert.deepStrictEqual(client.server.run, { command: "warrant", args: ["lsp"] });
  assert.deepStrictEqual(client.options.documentSelector, [{ scheme: "file", language: "warrant" }]);
  assert.strictEqual(client.options.synchronize.fileEvents.glob, "**/*.wr");
  assert.deepStrictEqual(seen.errors, []);
});

test("a changed server path restarts the server with it", async () => {
  const { extension, seen, settings } = loadExtension({ serverPath: "/opt/warrant" });
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(seen.clients[0].server.run.command, "/opt/warrant");
  settings["server.path"] = "/usr/local/bin/warrant";
  await seen.onConfiguration({ affectsConfiguration: (key) => key === "warrant.server.path" });
  assert.strictEqual(seen.clients[0].stopped, true);
  assert.strictEqual(seen.clients[1].server.run.command, "/usr/local/bin/warrant");
  await seen.onConfiguration({ affectsConfiguration: () => false });
  assert.strictEqual(seen.clients.length, 2);
});

test("a server that cannot start is reported with the setting to fix", async () => {
  const { extension, seen } = loadExtension({ failToStart: true });
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(seen.errors.length, 1);
  assert.match(seen.errors[0], /could not start `warrant lsp`.*warrant\.server\.path/);
});
