--[[ Plug-in Manager section: the defaults the Library command starts from (format, mode, the unclip command). ]]
local Settings = require 'UnclipSettings'

return {
  sectionsForTopOfDialog = function(f, _)
    return { { title = 'Unclip', Settings.rows(f, Settings.prefs()) } }
  end,
}
