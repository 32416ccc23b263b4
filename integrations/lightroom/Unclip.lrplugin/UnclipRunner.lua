--[[
Runs the `unclip` command line on one file from a Lightroom task and returns what it produced
(UnclipCore.outcome). LrTasks.execute waits for the command and gives back only its exit status, so the CLI's
--json output goes to a temporary file that is read afterwards.
]]
local LrDialogs = import 'LrDialogs'
local LrFileUtils = import 'LrFileUtils'
local LrPathUtils = import 'LrPathUtils'
local LrTasks = import 'LrTasks'
local Core = require 'UnclipCore'

local Runner = {}

local function platform()
  return WIN_ENV and 'windows' or 'posix'
end

--- The CLI as a program list: the user's setting, else the installed app's, else `unclip` from PATH.
function Runner.program(cliSetting)
  local installed = Core.installedClis(MAC_ENV and 'mac' or WIN_ENV and 'windows' or 'linux', os.getenv)
  return Core.program(cliSetting, installed, function(path) return LrFileUtils.exists(path) == 'file' end)
end

--- Converts `input` into `outDir`; returns UnclipCore.outcome plus the exit status and the CLI's stderr.
function Runner.convert(input, outDir, settings)
  local temp = LrPathUtils.getStandardFilePath('temp')
  local stamp = tostring(os.time()) .. '-' .. tostring(math.random(1e6))
  local stdoutFile = LrPathUtils.child(temp, 'unclip-' .. stamp .. '.jsonl')
  local stderrFile = LrPathUtils.child(temp, 'unclip-' .. stamp .. '.log')
  local args = Core.convertArgs(input, outDir, settings.unclipFormat, settings.unclipMode)
  local built, command = pcall(Core.commandLine, Runner.program(settings.unclipCli), args, platform(), stdoutFile,
    stderrFile)
  if not built then return { outputs = {}, errors = { command }, skipped = {}, cancelled = false } end
  local status = LrTasks.execute(command)
  local events = Core.readEvents(LrFileUtils.readFile(stdoutFile) or '')
  local stderr = LrFileUtils.readFile(stderrFile) or ''
  LrFileUtils.delete(stdoutFile)
  LrFileUtils.delete(stderrFile)
  local outcome = Core.outcome((Core.summaryOf(events)))
  outcome.status = status
  if #outcome.outputs == 0 and #outcome.errors == 0 then
    outcome.errors[1] = input .. ': ' .. (stderr:find('%S') and stderr or ('unclip exited with status ' .. status))
  end
  return outcome
end

--- Moves a result beside the original as <name>-unclip.<ext> (never replacing a file); returns the new path.
function Runner.placeBeside(result, originalPath)
  local ext = LrPathUtils.extension(result)
  local target = Core.resultName(originalPath, ext, function(p) return LrFileUtils.exists(p) ~= false end)
  local ok, message = LrFileUtils.move(result, target)
  if not ok then error('Could not move ' .. result .. ' to ' .. target .. ': ' .. tostring(message)) end
  return target
end

--- Converts `input`, places every result beside `besidePath` and adds it to `catalog` stacked above `photo`;
--- appends the run's error messages to `errors`.
function Runner.convertIntoCatalog(input, outDir, settings, besidePath, catalog, photo, errors)
  local outcome = Runner.convert(input, outDir, settings)
  for _, message in ipairs(outcome.errors) do errors[#errors + 1] = message end
  for _, result in ipairs(outcome.outputs) do
    local placed = Runner.placeBeside(result, besidePath)
    catalog:withWriteAccessDo('Add Unclip result', function()
      catalog:addPhoto(placed, photo, 'above')
    end)
  end
end

--- One dialog listing what could not be converted, after the whole run (nothing when all went well).
function Runner.reportErrors(errors)
  if #errors > 0 then
    LrDialogs.message('Unclip could not convert every photo', table.concat(errors, '\n'), 'warning')
  end
end

return Runner
