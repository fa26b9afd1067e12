Attribute VB_Name = "Shopbook"
' shopbook buttons for Excel (xlwings RunPython).
'
' Use this module in your OWN macro workbook (.xlsm) when the xlwings add-in is installed
' (`xlwings addin install`, then in the VBA editor: Tools > References > xlwings):
'   VBA editor > File > Import File... > shopbook.bas
'   Insert > Form Controls > Button, and assign ShopbookValidate, ShopbookFlags or ShopbookConsole.
' ShopbookConsole runs the job chosen on a sheet named 控制台 (B3 job, B4 month, B5 target; see
' docs/live.md for the layout): 校验 / 旗帜 / 底单核对 / 月度对账 / 扣分报表 / 销售报表 / 生成月报邮件.
' `shopbook button WORKBOOK` builds a ready-made shopbook按钮.xlsm instead: its two buttons call
' RunPython with exactly the commands below (see docs/live.md).
' The Python side of the console is automation/console.py.
'
' The Python side is automation/button.py: it works on the calling workbook, or on the workbook
' whose full path is written in 说明!B3.

Option Explicit

Sub ShopbookValidate()
    ' 校验: colour problem cells, add notes, write the 校验结果 sheet
    RunPython "import automation.button; automation.button.validate()"
End Sub

Sub ShopbookFlags()
    ' 旗帜: 规范备注 column, row colours by flag, derived sheets
    RunPython "import automation.button; automation.button.flags()"
End Sub

Sub ShopbookConsole()
    ' 运行: the job chosen on the 控制台 sheet; status, counts and output links land on that sheet
    RunPython "import automation.console; automation.console.run()"
End Sub
