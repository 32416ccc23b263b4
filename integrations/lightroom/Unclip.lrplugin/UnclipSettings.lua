--[[
The plug-in's settings (format, mode, the CLI) and the dialog rows that edit them, shared by the export action
and the Library command. Stored in the plug-in's preferences so the last choice is the next default.
]]
local LrPrefs = import 'LrPrefs'
local LrView = import 'LrView'
local Core = require 'UnclipCore'

local Settings = {}

Settings.DEFAULTS = { unclipFormat = 'jpg-hdr', unclipMode = 'hdr', unclipCli = '' }

function Settings.prefs()
  local prefs = LrPrefs.prefsForPlugin()
  for key, value in pairs(Settings.DEFAULTS) do
    if prefs[key] == nil then prefs[key] = value end
  end
  return prefs
end

local function items(list)
  local out = {}
  for _, entry in ipairs(list) do out[#out + 1] = { title = entry.title, value = entry.id } end
  return out
end

--- Dialog rows bound to `properties` (the export settings or a property table).
function Settings.rows(f, properties)
  local bind = LrView.bind
  return f:column {
    bind_to_object = properties,
    spacing = f:control_spacing(),
    f:row { f:static_text { title = 'Format:', width = LrView.share 'label' },
      f:popup_menu { value = bind 'unclipFormat', items = items(Core.FORMATS) } },
    f:row { f:static_text { title = 'Mode:', width = LrView.share 'label' },
      f:popup_menu { value = bind 'unclipMode', items = items(Core.MODES) } },
    f:row { f:static_text { title = 'unclip command:', width = LrView.share 'label' },
      f:edit_field { value = bind 'unclipCli', width_in_chars = 40,
        placeholder_string = 'unclip (on PATH), or the full path of the unclip command' } },
  }
end

return Settings
