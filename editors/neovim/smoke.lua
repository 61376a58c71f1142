-- Drives `warrant lsp` through Neovim's own LSP client, headless, on the
-- files in this folder; exits non-zero at the first thing that is not as
-- expected. Run from the repository's root:
--
--   WARRANT=target/debug/warrant nvim --headless -u NONE -n -l ... (see README.md)
--
-- Written against Neovim 0.7 (Debian 12's), whose API later versions keep.

local failures = 0
local function check(ok, what, got)
  if ok then
    io.stdout:write("ok   " .. what .. "\n")
  else
    failures = failures + 1
    io.stdout:write("FAIL " .. what .. ": " .. vim.inspect(got) .. "\n")
  end
end

local folder = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
vim.cmd("edit " .. folder .. "/main.wr")
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "warrant",
  cmd = { vim.env.WARRANT or "warrant", "lsp" },
  root_dir = folder,
})
vim.lsp.buf_attach_client(buf, id)
local client = vim.lsp.get_client_by_id(id)

local function diagnostics(count)
  vim.wait(20000, function() return #vim.diagnostic.get(buf) == count end, 10)
  return vim.diagnostic.get(buf)
end
local function at(line, col)
  vim.api.nvim_win_set_cursor(0, { line, col })
  return vim.lsp.util.make_position_params()
end
local function request(method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 20000)
  return answers and answers[id] and answers[id].result
end

local found = diagnostics(1)
check(#found == 1 and found[1].code == "warrant::unknown_predicate" and found[1].lnum == 6,
  "the misspelt predicate is reported on line 7", found)

local hover = request("textDocument/hover", at(4, 2))
check(hover and hover.contents.value:find("pred doubt(country, level: level)", 1, true),
  "hover shows a declaration from the imported file", hover)

local definition = request("textDocument/definition", at(3, 1))
check(definition and definition[1] and definition[1].uri:match("vocab%.wr$") and definition[1].range.start.line == 1,
  "definition goes to the other file", definition)

local completion = request("textDocument/completion", at(4, 13))
local labels = vim.tbl_map(function(item) return item.label end, completion or {})
check(table.concat(labels, " ") == "low moderate high", "completion offers the scale's values", labels)

local actions = request("textDocument/codeAction", {
  textDocument = vim.lsp.util.make_text_document_params(),
  range = { start = { line = 6, character = 0 }, ["end"] = { line = 6, character = 40 } },
  context = { diagnostics = {} },
})
check(actions and actions[1] and actions[1].title == "Replace with `ally`", "a quick fix is offered", actions)
vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
found = diagnostics(0)
check(#found == 0, "applying it clears the error, unsaved", found)

-- A line with a two-byte character before the error: columns in UTF-16.
-- (Neovim turns the server's UTF-16 columns back into byte columns.)
vim.api.nvim_buf_set_lines(buf, 2, 3, false, { 'ally("é", us). doubt(japan, hgh).' })
found = diagnostics(1)
check(#found == 1 and found[1].code == "warrant::unknown_scale_value" and found[1].col == 29 and found[1].end_col == 32,
  "the error's column is right after a multi-byte character", found)
vim.api.nvim_buf_set_lines(buf, 2, 3, false, { "ally(japan,us)." })
diagnostics(0)

vim.lsp.buf.formatting_sync(nil, 20000)
check(vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1] == "ally(japan, us).", "formatting",
  vim.api.nvim_buf_get_lines(buf, 2, 3, false))

client.stop()
vim.wait(5000, function() return client.is_stopped() end, 10)
check(client.is_stopped(), "the server stops", nil)
vim.cmd(failures == 0 and "qa!" or "cquit 1")
