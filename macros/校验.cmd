@echo off
rem 校验.cmd - shopbook validate for WPS (and any spreadsheet program): drag a workbook onto this file.
rem It waits until the workbook is closed, marks it IN PLACE (shopbook validate --inplace: the lossless
rem writer; a backup is kept; refused when something would be lost), then opens it again.
rem Needs shopbook installed (see docs/live.md, section WPS). Keep this file with CRLF line endings.
chcp 65001 >nul
setlocal
set "BOOK=%~f1"
if "%BOOK%"=="" goto :nobook
if not exist "%BOOK%" goto :nobook
set "LOCK=%~dp1~$%~nx1"
set "WPSLOCK=%~dp1.~%~nx1#"
echo 请保存并关闭工作簿，关闭后会自动开始校验：%~nx1
echo Save and close the workbook; checking starts once it is closed: %~nx1
:wait
if exist "%LOCK%" goto :sleep
if exist "%WPSLOCK%" goto :sleep
2>nul (>>"%BOOK%" call ) || goto :sleep
goto :run
:sleep
timeout /t 2 /nobreak >nul
goto :wait
:run
echo.
shopbook validate --inplace "%BOOK%"
set "RESULT=%errorlevel%"
if "%RESULT%"=="2" goto :failed
echo.
echo 校验完成，正在重新打开：%~nx1（结果见“校验结果”表）
echo Done, reopening %~nx1 (see the 校验结果 sheet)
start "" "%BOOK%"
timeout /t 15
exit /b %RESULT%
:failed
echo.
echo 出错了：工作簿没有改动，请看上面的说明。/ Failed, the workbook is unchanged: see the message above.
pause
exit /b 2
:nobook
echo 请把要校验的工作簿拖到“校验.cmd”上。/ Drag the workbook to check onto 校验.cmd.
pause
exit /b 2
