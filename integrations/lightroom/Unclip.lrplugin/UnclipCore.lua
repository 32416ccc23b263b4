--[[
The plug-in's pure parts: no Lightroom SDK here, so they run (and are tested) under plain Lua 5.1.

- FORMATS and MODES: what the dialog offers, as the CLI spells them (`unclip convert --help`).
- quote / commandLine: a shell command that runs the CLI with its --json output sent to a file
  (Lightroom's LrTasks.execute runs a command through the shell and returns only its exit status).
- decodeJson / readEvents / summaryOf: the CLI's --json output, one object per line.
- resultName: where a result goes beside the original without replacing anything.
- installedClis / program: which command line to run (the user's, the installed app's, or `unclip` on PATH).
]]

local Core = {}

-- id: the CLI's --format value; extension: the file it writes; title: the dialog's label.
Core.FORMATS = {
  { id = 'jpg-hdr', extension = 'jpg', title = 'Ultra HDR JPEG (HDR on capable screens)' },
  { id = 'tif32', extension = 'tif', title = '32-bit floating-point TIFF (edit as HDR)' },
  { id = 'tif16', extension = 'tif', title = '16-bit TIFF (tone-mapped)' },
}
Core.MODES = {
  { id = 'hdr', title = 'HDR: recover highlights' },
  { id = 'lowlight', title = 'Low light: brighten and denoise' },
}

function Core.format(id)
  for _, f in ipairs(Core.FORMATS) do
    if f.id == id then return f end
  end
  error('unknown Unclip format: ' .. tostring(id))
end

--- Where the Unclip app installs its command line (the launcher in its resources/bin folder), for `platform`
--- ('mac', 'windows', anything else for Linux); `env` reads an environment variable (os.getenv).
function Core.installedClis(platform, env)
  if platform == 'mac' then
    local list = { '/Applications/Unclip.app/Contents/Resources/bin/unclip' }
    if env('HOME') then list[2] = env('HOME') .. '/Applications/Unclip.app/Contents/Resources/bin/unclip' end
    return list
  end
  if platform == 'windows' then
    -- electron-builder's NSIS installer: per user under %LOCALAPPDATA%\Programs, per machine under Program Files.
    local list = {}
    if env('LOCALAPPDATA') then list[#list + 1] = env('LOCALAPPDATA') .. '\\Programs\\Unclip\\resources\\bin\\unclip.cmd' end
    if env('ProgramFiles') then list[#list + 1] = env('ProgramFiles') .. '\\Unclip\\resources\\bin\\unclip.cmd' end
    return list
  end
  return { '/opt/Unclip/resources/bin/unclip' }
end

--- The command line to run, as a program list: the user's setting, else the first installed launcher for which
--- `exists(path)` is true, else `unclip` from the PATH (an npm install of the command line).
function Core.program(setting, installed, exists)
  if setting and setting:find('%S') then return { setting } end
  for _, path in ipairs(installed) do
    if exists(path) then return { path } end
  end
  return { 'unclip' }
end

--- One argument quoted for the shell of `platform` ('windows' or anything else for POSIX sh).
--- On Windows every argument is quoted, so cmd.exe takes & | < > ^ ( ) literally; % cannot be escaped inside
--- quotes (cmd expands %NAME%) and a " would end them, so such an argument is refused with a message naming it
--- (Windows file names cannot hold ", and rarely hold %).
function Core.quote(arg, platform)
  arg = tostring(arg)
  if platform == 'windows' then
    if arg:find('[%%"]') then
      error('Unclip cannot pass ' .. arg .. ' to the command line on Windows: rename it without % or "', 0)
    end
    -- CommandLineToArgvW: backslashes before the closing quote must be doubled, elsewhere they are literal.
    return '"' .. arg:gsub('(\\+)$', '%1%1') .. '"'
  end
  if arg ~= '' and not arg:find("[^%w%-%._/=:,+@]") then return arg end
  return "'" .. arg:gsub("'", "'\\''") .. "'"
end

--- The shell command that runs `program` (a list: executable and its leading arguments) with `args`,
--- stdout to `stdoutFile` and stderr to `stderrFile`.
function Core.commandLine(program, args, platform, stdoutFile, stderrFile)
  local parts = {}
  for _, a in ipairs(program) do parts[#parts + 1] = Core.quote(a, platform) end
  for _, a in ipairs(args) do parts[#parts + 1] = Core.quote(a, platform) end
  local line = table.concat(parts, ' ')
    .. ' > ' .. Core.quote(stdoutFile, platform) .. ' 2> ' .. Core.quote(stderrFile, platform)
  -- cmd.exe strips the first and last quote of a line that starts with one: wrap the whole line once more.
  if platform == 'windows' then return '"' .. line .. '"' end
  return line
end

--- `unclip convert` arguments for one photo.
function Core.convertArgs(input, outDir, formatId, modeId)
  Core.format(formatId)
  return { 'convert', input, '--out', outDir, '--format', formatId, '--mode', modeId, '--json' }
end

-- JSON ------------------------------------------------------------------------------------------------

local function utf8(code)
  if code < 0x80 then return string.char(code) end
  if code < 0x800 then return string.char(0xC0 + math.floor(code / 0x40), 0x80 + code % 0x40) end
  if code < 0x10000 then
    return string.char(0xE0 + math.floor(code / 0x1000), 0x80 + math.floor(code / 0x40) % 0x40, 0x80 + code % 0x40)
  end
  return string.char(0xF0 + math.floor(code / 0x40000), 0x80 + math.floor(code / 0x1000) % 0x40,
    0x80 + math.floor(code / 0x40) % 0x40, 0x80 + code % 0x40)
end

local ESCAPES = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }

local function fail(text, pos, what)
  error(string.format('invalid JSON at character %d: %s', pos, what), 0)
end

local decodeValue

local function skip(text, pos)
  return text:find('[^ \t\r\n]', pos) or #text + 1
end

local function decodeString(text, pos)
  local out, i = {}, pos + 1
  while true do
    local c = text:sub(i, i)
    if c == '' then fail(text, i, 'unterminated string') end
    if c == '"' then return table.concat(out), i + 1 end
    if c == '\\' then
      local e = text:sub(i + 1, i + 1)
      if e == 'u' then
        local code = tonumber(text:sub(i + 2, i + 5), 16)
        if not code then fail(text, i, 'bad \\u escape') end
        i = i + 6
        if code >= 0xD800 and code <= 0xDBFF and text:sub(i, i + 1) == '\\u' then
          local low = tonumber(text:sub(i + 2, i + 5), 16)
          if low and low >= 0xDC00 and low <= 0xDFFF then
            code = 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00)
            i = i + 6
          end
        end
        out[#out + 1] = utf8(code)
      elseif ESCAPES[e] then
        out[#out + 1] = ESCAPES[e]
        i = i + 2
      else
        fail(text, i, 'bad escape')
      end
    else
      local j = text:find('["\\]', i) or #text + 1
      out[#out + 1] = text:sub(i, j - 1)
      i = j
    end
  end
end

local function decodeContainer(text, pos, closer, readItem)
  local pos2 = skip(text, pos + 1)
  if text:sub(pos2, pos2) == closer then return pos2 + 1 end
  while true do
    pos2 = readItem(skip(text, pos2))
    pos2 = skip(text, pos2)
    local c = text:sub(pos2, pos2)
    if c == closer then return pos2 + 1 end
    if c ~= ',' then fail(text, pos2, "expected ',' or '" .. closer .. "'") end
    pos2 = pos2 + 1
  end
end

decodeValue = function(text, pos)
  pos = skip(text, pos)
  local c = text:sub(pos, pos)
  if c == '{' then
    local obj = {}
    local after = decodeContainer(text, pos, '}', function(p)
      if text:sub(p, p) ~= '"' then fail(text, p, 'expected a key') end
      local key, q = decodeString(text, p)
      q = skip(text, q)
      if text:sub(q, q) ~= ':' then fail(text, q, "expected ':'") end
      local value, r = decodeValue(text, q + 1)
      obj[key] = value
      return r
    end)
    return obj, after
  elseif c == '[' then
    local arr, n = {}, 0
    local after = decodeContainer(text, pos, ']', function(p)
      local value, r = decodeValue(text, p)
      n = n + 1
      arr[n] = value  -- counted, not #arr + 1: a null leaves its hole and later items keep their index
      return r
    end)
    return arr, after
  elseif c == '"' then
    return decodeString(text, pos)
  end
  local literal = text:match('^%-?%d+%.?%d*[eE]?[%+%-]?%d*', pos)
  if literal and literal ~= '' and literal ~= '-' then return tonumber(literal), pos + #literal end
  for word, value in pairs({ ['true'] = true, ['false'] = false }) do
    if text:sub(pos, pos + #word - 1) == word then return value, pos + #word end
  end
  if text:sub(pos, pos + 3) == 'null' then return nil, pos + 4 end
  fail(text, pos, 'unexpected ' .. (c == '' and 'end of text' or "'" .. c .. "'"))
end

--- Decodes one JSON value (null becomes nil inside tables, as Lua has no null).
function Core.decodeJson(text)
  local value, pos = decodeValue(text, 1)
  if skip(text, pos) <= #text then fail(text, pos, 'trailing characters') end
  return value
end

--- The CLI's --json output (one object per line) -> list of tables; blank lines ignored.
function Core.readEvents(text)
  local events = {}
  for line in (text or ''):gmatch('[^\r\n]+') do
    if line:find('%S') then events[#events + 1] = Core.decodeJson(line) end
  end
  return events
end

--- The last progress event and the summary (nil until the CLI has finished).
function Core.summaryOf(events)
  local progress, summary
  for _, e in ipairs(events) do
    if e.type == 'progress' then progress = e elseif e.type == 'summary' then summary = e end
  end
  return summary, progress
end

--- What one run produced: { outputs = {...}, errors = {"file: message", ...}, skipped = {...}, cancelled }.
function Core.outcome(summary)
  local result = { outputs = {}, errors = {}, skipped = {}, cancelled = summary and summary.cancelled or false }
  if not summary then
    result.errors[1] = 'Unclip stopped without reporting a result'
    return result
  end
  for _, c in ipairs(summary.converted or {}) do
    for _, path in ipairs(c.outputs or {}) do result.outputs[#result.outputs + 1] = path end
  end
  for _, f in ipairs(summary.failed or {}) do
    result.errors[#result.errors + 1] = tostring(f.input) .. ': ' .. tostring(f.error and f.error.message)
  end
  for _, s in ipairs(summary.skipped or {}) do result.skipped[#result.skipped + 1] = s end
  return result
end

-- Names ----------------------------------------------------------------------------------------------

--- Splits a path into folder (with its trailing separator), base name and extension (without the dot).
function Core.splitPath(path)
  local folder, file = path:match('^(.*[/\\])([^/\\]*)$')
  if not folder then folder, file = '', path end
  local base, ext = file:match('^(.+)%.([^.]+)$')
  if not base then base, ext = file, '' end
  return folder, base, ext
end

--- `<folder>/<name>-unclip.<extension>` beside the original, or `-unclip-2`, `-3`... when `exists(path)` says
--- that name is taken: a result never replaces a file.
function Core.resultName(originalPath, extension, exists)
  local folder, base = Core.splitPath(originalPath)
  local candidate = folder .. base .. '-unclip.' .. extension
  local n = 2
  while exists(candidate) do
    candidate = folder .. base .. '-unclip-' .. n .. '.' .. extension
    n = n + 1
  end
  return candidate
end

return Core
