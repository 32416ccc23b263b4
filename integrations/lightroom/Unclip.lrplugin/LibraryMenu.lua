--[[
Library > Plug-in Extras > Send to Unclip...: the selected photos are rendered as 16-bit sRGB TIFFs (so raw files
work too), converted by the `unclip` command line with the format and mode chosen in the dialog, placed beside
their originals as <name>-unclip.<ext> (never replacing a file) and added to the catalogue stacked above them.
Progress shows in Lightroom's activity bar; Cancel stops before the next photo.
]]
local LrApplication = import 'LrApplication'
local LrBinding = import 'LrBinding'
local LrDialogs = import 'LrDialogs'
local LrExportSession = import 'LrExportSession'
local LrFileUtils = import 'LrFileUtils'
local LrFunctionContext = import 'LrFunctionContext'
local LrPathUtils = import 'LrPathUtils'
local LrProgressScope = import 'LrProgressScope'
local LrTasks = import 'LrTasks'
local LrView = import 'LrView'
local Runner = require 'UnclipRunner'
local Settings = require 'UnclipSettings'

local function askSettings(context)
  local prefs = Settings.prefs()
  local props = LrBinding.makePropertyTable(context)
  for key in pairs(Settings.DEFAULTS) do props[key] = prefs[key] end
  local answer = LrDialogs.presentModalDialog {
    title = 'Send to Unclip', contents = Settings.rows(LrView.osFactory(), props), actionVerb = 'Convert',
  }
  if answer ~= 'ok' then return nil end
  for key in pairs(Settings.DEFAULTS) do prefs[key] = props[key] end
  return props
end

local function renderSettings(folder)
  return {
    LR_export_destinationType = 'specificFolder', LR_export_destinationPathPrefix = folder,
    LR_export_useSubfolder = false, LR_collisionHandling = 'rename', LR_reimportExportedPhoto = false,
    LR_format = 'TIFF', LR_export_bitDepth = 16, LR_export_colorSpace = 'sRGB',
    LR_tiff_compressionMethod = 'compressionMethod_None', LR_size_doConstrain = false,
    LR_minimizeEmbeddedMetadata = false, LR_removeLocationMetadata = false,
  }
end

local function sendToUnclip(context)
  local catalog = LrApplication.activeCatalog()
  local photos = catalog:getTargetPhotos()
  if #photos == 0 then return end
  local settings = askSettings(context)
  if not settings then return end
  local work = LrPathUtils.child(LrPathUtils.getStandardFilePath('temp'), 'unclip-library')
  LrFileUtils.createAllDirectories(work)
  local scope = LrProgressScope { title = 'Unclip: ' .. #photos .. ' photo(s)', functionContext = context }
  local session = LrExportSession { photosToExport = photos, exportSettings = renderSettings(work) }
  local errors, done = {}, 0
  for _, rendition in session:renditions { progressScope = scope, renderProgressPortion = 0.2 } do
    if scope:isCanceled() then break end
    local ok, rendered = rendition:waitForRender()
    if not ok then
      errors[#errors + 1] = rendered
    else
      local original = rendition.photo:getRawMetadata('path')
      scope:setCaption(LrPathUtils.leafName(original))
      local outDir = LrPathUtils.child(work, 'out')
      Runner.convertIntoCatalog(rendered, outDir, settings, original, catalog, rendition.photo, errors)
      LrFileUtils.delete(rendered)
    end
    done = done + 1
    scope:setPortionComplete(done, #photos)
  end
  scope:done()
  Runner.reportErrors(errors)
end

LrTasks.startAsyncTask(function()
  LrFunctionContext.callWithContext('Send to Unclip', sendToUnclip)
end)
