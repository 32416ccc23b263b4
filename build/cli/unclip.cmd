@echo off
rem The installed Unclip app's command line (Lightroom Classic plug-in, scripts): runs the app in CLI mode.
"%~dp0..\..\Unclip.exe" --cli %*
