-- Neovim's own LSP client (headless) on a copy of the demo, running `svcscope lsp`: opening a file
-- shows its findings; applying the SVC201 quick fix leaves the buffer fixed and the finding gone;
-- the incoming calls of delay_send_welcome_email list its call sites; a deep import typed into the
-- buffer shows a new finding without saving. Run by tests/e2e/lsp_neovim.sh:
--   SVCSCOPE=... REPO=... RESULT=file nvim --headless --clean -u NONE -c "luafile lsp_neovim.lua"
-- Writes one "ok ..." or "FAIL ..." line per check to RESULT, then "done".
local svcscope, repo, result = os.getenv("SVCSCOPE"), os.getenv("REPO"), os.getenv("RESULT")
local out = assert(io.open(result, "w"))
local TIMEOUT = 60000

local function check(ok, what)
  out:write((ok and "ok " or "FAIL ") .. what .. "\n")
  out:flush()
  return ok
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function findings(buf, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == code then table.insert(found, d) end
  end
  return found
end

local function finish()
  out:write("done\n")
  out:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. repo .. "/accounts/views.py")
  local views = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({ name = "svcscope", cmd = { svcscope, "lsp" }, root_dir = repo })
  check(client_id ~= nil, "the client starts svcscope lsp")
  vim.lsp.buf_attach_client(views, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  -- opening a file shows its findings
  check(vim.wait(TIMEOUT, function() return #findings(views, "SVC201") > 0 end, 50),
        "the SVC201 finding of accounts/views.py is shown on open")
  local deep = findings(views, "SVC201")[1]
  if not deep then return end
  check(deep.lnum == 13, "SVC201 is on line 14 (got " .. tostring(deep.lnum + 1) .. ")")

  -- the quick fix
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(views) },
    range = { start = { line = deep.lnum, character = deep.col }, ["end"] = { line = deep.lnum, character = deep.col } },
    context = { diagnostics = { deep.user_data and deep.user_data.lsp or {} } },
  }
  local response = client.request_sync("textDocument/codeAction", params, TIMEOUT, views)
  local fix
  for _, action in ipairs(response and response.result or {}) do
    if action.isPreferred then fix = action end
  end
  if check(fix ~= nil, "a preferred quick fix is offered") then
    vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
    local line = vim.api.nvim_buf_get_lines(views, 13, 14, false)[1]
    check(line == "from services.integrations import google_calendar", "the fix rewrote the import: " .. line)
    check(vim.wait(TIMEOUT, function() return #findings(views, "SVC201") == 0 end, 50),
          "the SVC201 finding is gone after the fix, unsaved")
    check(vim.bo[views].modified, "the buffer is not saved")
  end

  -- incoming calls of the wrapper
  vim.cmd("edit " .. repo .. "/services/tasks/email_tasks.py")
  local tasks = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(tasks, client_id)
  local prepared = client.request_sync("textDocument/prepareCallHierarchy", {
    textDocument = { uri = vim.uri_from_bufnr(tasks) }, position = { line = 11, character = 6 } }, TIMEOUT, tasks)
  local item = prepared and prepared.result and prepared.result[1]
  if check(item ~= nil and item.name:match("delay_send_welcome_email$") ~= nil, "prepareCallHierarchy on the wrapper") then
    local calls = client.request_sync("callHierarchy/incomingCalls", { item = item }, TIMEOUT, tasks)
    local sites = {}
    for _, call in ipairs(calls and calls.result or {}) do
      sites[vim.uri_to_fname(call.from.uri):sub(#repo + 2) .. ":" .. (call.fromRanges[1].start.line + 1)] = true
    end
    check(sites["accounts/views.py:25"] and sites["services/tasks/tests/test_email_tasks.py:12"],
          "incoming calls list accounts/views.py:25 and the test: " .. vim.inspect(vim.tbl_keys(sites)))
  end

  -- typing a deep import shows a new finding without saving
  vim.cmd("buffer " .. views)
  vim.api.nvim_buf_set_lines(views, 1, 1, false, { "from services.billing.invoices import render_invoice_pdf" })
  check(vim.wait(TIMEOUT, function()
    local f = findings(views, "SVC201")
    return #f == 1 and f[1].lnum == 1
  end, 50), "a deep import typed into the buffer is shown on line 2 without saving")

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)
if not ok then check(false, "error: " .. tostring(err)) end
finish()
