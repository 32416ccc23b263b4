--[[
Tests of UnclipCore.lua under plain Lua 5.1 (run by test/integrations/lightroom.test.ts):
  lua5.1 core_test.lua PLUGIN_DIR WORK_DIR PROGRAM... -- EXTRA_CLI_ARGS...
PROGRAM is how to start the real CLI (e.g. node bin/unclip.js); EXTRA_CLI_ARGS are appended to every convert
(the test passes the fixture model's flags). WORK_DIR holds the photos the caller made: a real JPEG named with
spaces and quotes, and a fake one. Prints one line per check and exits with an error on the first failure.
]]
local pluginDir, work = arg[1], arg[2]
package.path = pluginDir .. '/?.lua;' .. package.path
local Core = require 'UnclipCore'

local program, extra, i = {}, {}, 3
while arg[i] and arg[i] ~= '--' do program[#program + 1] = arg[i]; i = i + 1 end
for j = i + 1, #arg do extra[#extra + 1] = arg[j] end

local checks = 0
local function check(name, condition, detail)
  if not condition then error('FAILED: ' .. name .. (detail and (' (' .. tostring(detail) .. ')') or ''), 0) end
  checks = checks + 1
  print('ok ' .. checks .. ' ' .. name)
end
local function equal(name, got, want) check(name, got == want, 'got ' .. tostring(got) .. ', want ' .. tostring(want)) end
local function readAll(path)
  local f = assert(io.open(path, 'rb')); local text = f:read('*a'); f:close(); return text
end
local function exists(path) local f = io.open(path, 'rb'); if f then f:close() return true end return false end

-- Which command line
local env = function(name) return ({ HOME = '/Users/ann', LOCALAPPDATA = 'C:\\Users\\ann\\AppData\\Local' })[name] end
equal('macOS looks in /Applications first', Core.installedClis('mac', env)[1],
  '/Applications/Unclip.app/Contents/Resources/bin/unclip')
equal("then in the user's Applications", Core.installedClis('mac', env)[2],
  '/Users/ann/Applications/Unclip.app/Contents/Resources/bin/unclip')
equal('Windows looks where the per-user installer puts the app', Core.installedClis('windows', env)[1],
  'C:\\Users\\ann\\AppData\\Local\\Programs\\Unclip\\resources\\bin\\unclip.cmd')
equal('Linux looks in /opt', Core.installedClis('linux', env)[1], '/opt/Unclip/resources/bin/unclip')
local installed = { '/none/unclip', '/app/bin/unclip' }
local isApp = function(path) return path == '/app/bin/unclip' end
equal("the user's setting comes first", Core.program('/my/unclip', installed, isApp)[1], '/my/unclip')
equal('then the installed app', Core.program('  ', installed, isApp)[1], '/app/bin/unclip')
equal('then unclip on the PATH', Core.program(nil, installed, function() return false end)[1], 'unclip')

-- Quoting
equal('plain POSIX words stay bare', Core.quote('/a/b-c_d.jpg', 'posix'), '/a/b-c_d.jpg')
equal('POSIX quotes spaces', Core.quote('a b', 'posix'), "'a b'")
equal("POSIX escapes single quotes", Core.quote("it's", 'posix'), "'it'\\''s'")
equal('POSIX quotes shell characters', Core.quote('$(rm -rf ~);`x`', 'posix'), "'$(rm -rf ~);`x`'")
equal('POSIX quotes the empty string', Core.quote('', 'posix'), "''")
equal('Windows quotes even plain words', Core.quote('C:\\Photos\\a.jpg', 'windows'), '"C:\\Photos\\a.jpg"')
equal('Windows takes cmd operators literally inside quotes', Core.quote('C:\\P\\a&calc^(1).jpg', 'windows'),
  '"C:\\P\\a&calc^(1).jpg"')
local okPercent, percentMessage = pcall(Core.quote, 'C:\\P\\100%USERPROFILE%.jpg', 'windows')
check('Windows refuses % (cmd expands it even inside quotes)', not okPercent
  and percentMessage:find('rename it without % or "', 1, true), percentMessage)
equal('Windows spaces', Core.quote('C:\\My Photos\\a.jpg', 'windows'), '"C:\\My Photos\\a.jpg"')
check('Windows refuses a quote, which would end the quoting', not pcall(Core.quote, 'say "hi"', 'windows'))
equal('Windows trailing backslashes doubled', Core.quote('C:\\My Dir\\', 'windows'), '"C:\\My Dir\\\\"')
local line = Core.commandLine({ 'C:\\Program Files\\Unclip\\unclip.exe' }, { 'convert', 'a b.tif' }, 'windows',
  'C:\\t\\o.jsonl', 'C:\\t\\e.log')
equal('Windows line wrapped once for cmd.exe', line,
  '""C:\\Program Files\\Unclip\\unclip.exe" "convert" "a b.tif" > "C:\\t\\o.jsonl" 2> "C:\\t\\e.log""')
local ok, message = pcall(Core.convertArgs, 'a.jpg', 'out', 'png', 'hdr')
check('an unknown format is refused', not ok and message:find('unknown Unclip format: png', 1, true), message)

-- JSON
local v = Core.decodeJson('{"a":[1,-2.5e1,true,false,null,{"b":"x\\"y\\\\z\\n\\u00e9\\ud83d\\ude00"}],"c":{}}')
equal('numbers', v.a[2], -25)
equal('booleans', v.a[3] == true and v.a[4] == false, true)
equal('escapes and UTF-8', v.a[6].b, 'x"y\\z\n\195\169\240\159\152\128')
check('empty object', type(v.c) == 'table' and next(v.c) == nil)
for _, bad in ipairs({ '{"a":1', '[1,]', '{"a" 1}', 'tru', '"abc', '{} x' }) do
  local okBad, err = pcall(Core.decodeJson, bad)
  check('invalid JSON is refused: ' .. bad, not okBad and err:find('invalid JSON at character', 1, true), err)
end

-- Names
local folder, base, ext = Core.splitPath('/p/q r/IMG_1.CR2')
equal('splitPath', folder .. '|' .. base .. '|' .. ext, '/p/q r/|IMG_1|CR2')
local taken = { ['/p/IMG_1-unclip.tif'] = true, ['/p/IMG_1-unclip-2.tif'] = true }
equal('resultName never takes an existing name', Core.resultName('/p/IMG_1.CR2', 'tif', function(p) return taken[p] end),
  '/p/IMG_1-unclip-3.tif')
equal('resultName on Windows paths', Core.resultName('C:\\p\\a.b.jpg', 'jpg', function() return false end),
  'C:\\p\\a.b-unclip.jpg')

-- The real CLI, through the real shell, on a photo named with spaces and quotes.
local function run(input, outDir)
  local args = Core.convertArgs(input, outDir, 'jpg-hdr', 'hdr')
  for _, a in ipairs(extra) do args[#args + 1] = a end
  local stdoutFile, stderrFile = work .. '/out put.jsonl', work .. '/err.log'
  os.execute(Core.commandLine(program, args, 'posix', stdoutFile, stderrFile))
  local events = Core.readEvents(readAll(stdoutFile))
  local summary, progress = Core.summaryOf(events)
  return Core.outcome(summary), progress, events
end

local photo = work .. "/it's a \"quoted\" photo $HOME.jpg"
local outcome, progress, events = run(photo, work .. '/out dir')
check('the CLI reported progress and a summary', #events >= 2 and progress ~= nil, #events)
equal('progress names the photo', progress.file, photo)
equal('one result', #outcome.outputs, 1)
check('the result exists and is a JPEG', exists(outcome.outputs[1]) and outcome.outputs[1]:find('%.jpg$'),
  outcome.outputs[1])
equal('no errors', #outcome.errors, 0)
local placed = Core.resultName(photo, 'jpg', exists)
assert(os.rename(outcome.outputs[1], placed))
equal('placed beside the original', placed, work .. "/it's a \"quoted\" photo $HOME-unclip.jpg")
check('the original is still there', exists(photo))

local fake = work .. '/not a photo.jpg'
outcome = run(fake, work .. '/out dir')
equal('a broken file gives no result', #outcome.outputs, 0)
check('and an error naming it', outcome.errors[1] and outcome.errors[1]:find(fake, 1, true), outcome.errors[1])
check('a run without a summary is an error', Core.outcome(nil).errors[1]:find('without reporting', 1, true))

print(checks .. ' checks passed')
