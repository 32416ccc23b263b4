--[[
Unclip for Lightroom Classic: an export post-process action ("Unclip HDR") and a Library command
(Library > Plug-in Extras > Send to Unclip...) that run photos through the `unclip` command line and add the
results to the catalogue, stacked with their originals. Add it with File > Plug-in Manager > Add.
]]
return {
  LrSdkVersion = 10.0,
  LrSdkMinimumVersion = 6.0,
  LrToolkitIdentifier = 'app.unclip.lightroom',
  LrPluginName = 'Unclip',
  LrPluginInfoUrl = 'https://github.com/unclip-app/unclip',
  LrExportFilterProvider = {
    title = 'Unclip HDR',
    file = 'ExportFilterProvider.lua',
    id = 'unclipHdr',
  },
  LrLibraryMenuItems = {
    { title = 'Send to Unclip...', file = 'LibraryMenu.lua', enabledWhen = 'photosSelected' },
  },
  LrPluginInfoProvider = 'PluginInfoProvider.lua',
  VERSION = { major = 0, minor = 1, revision = 0 },
}
