@echo off
rem shopbook flags: drag a workbook (or a shop folder) onto this file, or double-click it in the shop folder.
rem For WPS users and anyone without the Excel button. Needs shopbook installed (see docs/live.md).
chcp 65001 >nul
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%~dp0."
shopbook flags "%TARGET%"
if errorlevel 2 echo.& echo 出错了：请看上面的说明。/ Failed: see the message above.
pause
