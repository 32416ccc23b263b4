--[[
"Unclip HDR" export post-process action: every exported photo also goes through Unclip; the result lands beside
the exported file as <name>-unclip.<ext> (nothing is replaced) and is added to the catalogue, stacked above the
photo it came from. Cancel in Lightroom's progress bar stops before the next photo.
]]
local LrApplication = import 'LrApplication'
local LrFileUtils = import 'LrFileUtils'
local LrPathUtils = import 'LrPathUtils'
local LrProgressScope = import 'LrProgressScope'
local Runner = require 'UnclipRunner'
local Settings = require 'UnclipSettings'

local provider = {}

provider.exportPresetFields = {
  { key = 'unclipFormat', default = Settings.DEFAULTS.unclipFormat },
  { key = 'unclipMode', default = Settings.DEFAULTS.unclipMode },
  { key = 'unclipCli', default = Settings.DEFAULTS.unclipCli },
}

function provider.sectionForFilterInDialog(f, propertyTable)
  return { title = 'Unclip HDR', Settings.rows(f, propertyTable) }
end

function provider.postProcessRenderedPhotos(functionContext, filterContext)
  local settings = filterContext.propertyTable
  local catalog = LrApplication.activeCatalog()
  local total = filterContext.nPhotos or 1
  local scope = LrProgressScope { title = 'Unclip HDR', functionContext = functionContext }
  local errors, done = {}, 0
  for sourceRendition, renditionToSatisfy in filterContext:renditions() do
    local ok, pathOrMessage = sourceRendition:waitForRender()
    if not ok then
      renditionToSatisfy:renditionIsDone(false, pathOrMessage)
    elseif scope:isCanceled() then
      renditionToSatisfy:renditionIsDone(true)  -- the export itself is complete; only Unclip's step is skipped
    else
      scope:setCaption(LrPathUtils.leafName(pathOrMessage))
      local outDir = LrPathUtils.child(LrPathUtils.getStandardFilePath('temp'), 'unclip-export')
      LrFileUtils.createAllDirectories(outDir)
      Runner.convertIntoCatalog(pathOrMessage, outDir, settings, pathOrMessage, catalog, sourceRendition.photo, errors)
      renditionToSatisfy:renditionIsDone(true)
    end
    done = done + 1
    scope:setPortionComplete(done, total)
  end
  scope:done()
  Runner.reportErrors(errors)
end

return provider
